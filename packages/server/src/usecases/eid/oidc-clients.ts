import { webcrypto } from 'node:crypto';
import { DomainError } from '@openidv/domain';
import type { IdentityProviderRow } from '@openidv/storage';
import * as oidc from 'openid-client';
import type { Platform } from '../../platform/platform.ts';

/** Discovery documents are read again after this long, so a provider's new endpoints are picked up. */
const METADATA_TTL_MS = 60 * 60_000;

interface Cached {
  at: number;
  config: oidc.Configuration;
}

/** Per platform, by provider row and version: a changed provider gets a fresh client. */
const clients = new WeakMap<Platform, Map<string, Cached>>();

export const secretAad = (providerRowId: string) => `identity-provider:${providerRowId}`;

/** The one redirect URI openidv registers at every provider. */
export function eidRedirectUri(platform: Platform): string {
  return `${platform.config.publicUrl}/eid/callback`;
}

function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** The client authentication at the token endpoint, from the sealed secret or private key. */
async function clientAuth(
  platform: Platform,
  provider: Pick<IdentityProviderRow, 'id' | 'clientAuth' | 'secretEnc'>,
): Promise<oidc.ClientAuth> {
  const secret = provider.secretEnc
    ? platform.envelope.openString(provider.secretEnc, secretAad(provider.id))
    : undefined;
  if (provider.clientAuth === 'client_secret_post') return oidc.ClientSecretPost(secret);
  if (provider.clientAuth === 'client_secret_basic') return oidc.ClientSecretBasic(secret);
  if (!secret) throw new DomainError('IDENTITY_PROVIDER_INVALID', 'The provider has no private key stored.');
  const jwk = JSON.parse(secret) as webcrypto.JsonWebKey & { kid?: string; alg?: string };
  const alg = jwk.alg ?? (jwk.kty === 'EC' ? 'ES256' : 'RS256');
  const algorithm =
    jwk.kty === 'EC'
      ? { name: 'ECDSA', namedCurve: jwk.crv ?? 'P-256' }
      : { name: alg.startsWith('PS') ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5', hash: `SHA-${alg.slice(2)}` };
  const key = await webcrypto.subtle.importKey('jwk', jwk, algorithm, false, ['sign']);
  return oidc.PrivateKeyJwt({ key, ...(jwk.kid && { kid: jwk.kid }) });
}

/** Discovers the provider (cached) and returns an openid-client configuration that checks ID token signatures. */
export async function configFor(
  platform: Platform,
  provider: IdentityProviderRow,
): Promise<oidc.Configuration> {
  let perPlatform = clients.get(platform);
  if (!perPlatform) {
    perPlatform = new Map();
    clients.set(platform, perPlatform);
  }
  const key = `${provider.id}@${provider.updatedAt.getTime()}`;
  const cached = perPlatform.get(key);
  const now = Date.now();
  if (cached && now - cached.at < METADATA_TTL_MS) return cached.config;
  const config = await discover(platform, provider);
  perPlatform.set(key, { at: now, config });
  return config;
}

export async function discover(
  platform: Platform,
  provider: Pick<IdentityProviderRow, 'id' | 'issuer' | 'clientId' | 'clientAuth' | 'secretEnc'>,
): Promise<oidc.Configuration> {
  const issuer = new URL(provider.issuer);
  const auth = await clientAuth(platform, provider);
  try {
    const config = await oidc.discovery(issuer, provider.clientId, undefined, auth, {
      // Plain http only to a provider on this machine (development and tests); real providers are https.
      ...(issuer.protocol === 'http:' && isLoopback(issuer) && { execute: [oidc.allowInsecureRequests] }),
      timeout: 10,
    });
    // The token arrives over TLS from the token endpoint, but the evidence must stand on its own: check the
    // signature against the provider's JWKS (re-fetched when an unknown key id shows up, so rotation works).
    oidc.enableNonRepudiationChecks(config);
    return config;
  } catch (e) {
    throw providerError(e, provider.issuer);
  }
}

/** Turns a failure to reach the provider into EID_PROVIDER_UNAVAILABLE; other errors pass through. */
export function providerError(e: unknown, issuer: string): unknown {
  if (e instanceof DomainError) return e;
  if (
    e instanceof TypeError ||
    (e instanceof oidc.ClientError &&
      ['OAUTH_RESPONSE_IS_NOT_CONFORM', 'OAUTH_RESPONSE_IS_NOT_JSON'].includes(e.code ?? '')) ||
    (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError'))
  ) {
    return new DomainError(
      'EID_PROVIDER_UNAVAILABLE',
      `The identity provider at ${issuer} did not answer properly.`,
    );
  }
  return e;
}

/** Forgets cached clients of a provider (after it changed or was deleted). */
export function forgetClient(platform: Platform, providerRowId: string): void {
  const perPlatform = clients.get(platform);
  if (!perPlatform) return;
  for (const k of perPlatform.keys()) if (k.startsWith(`${providerRowId}@`)) perPlatform.delete(k);
}
