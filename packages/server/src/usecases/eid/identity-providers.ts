import {
  DomainError,
  type IdentityProvider,
  type IdentityProviderDefinition,
  identityProviderSchema,
  newId,
} from '@openidv/domain';
import { type IdentityProviderRow, identityProviders } from '@openidv/storage';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import { discover, forgetClient, secretAad } from './oidc-clients.ts';

/** The credential is write-only: given on create or update, sealed, never returned. */
export const providerCredentialInput = z.object({
  clientSecret: z
    .string()
    .min(1)
    .max(2000)
    .optional()
    .describe('For client_secret_basic / client_secret_post. Stored encrypted; never returned.'),
  privateKeyJwk: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      'For private_key_jwt: the private key as a JWK (RSA or EC, with `kid`). Stored encrypted; never returned.',
    ),
});
export const identityProviderInput = identityProviderSchema.extend(providerCredentialInput.shape);
export type IdentityProviderInput = z.infer<typeof identityProviderInput>;

export function presentProvider(p: IdentityProvider) {
  return {
    id: p.id,
    providerId: p.providerId,
    name: p.name,
    issuer: p.issuer,
    clientId: p.clientId,
    clientAuth: p.clientAuth,
    hasSecret: p.hasSecret,
    scopes: p.scopes,
    claims: p.claims,
    acrValues: p.acrValues,
    levelOfAssurance: p.levelOfAssurance,
    acrLevels: p.acrLevels,
    flows: p.flows,
    ...(p.loginHintLabel !== undefined && { loginHintLabel: p.loginHintLabel }),
    enabled: p.enabled,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

function sealCredential(platform: Platform, rowId: string, input: IdentityProviderInput): string | null {
  if (input.clientAuth === 'private_key_jwt') {
    const jwk = input.privateKeyJwk;
    if (!jwk || typeof jwk['d'] !== 'string') {
      throw new DomainError(
        'VALIDATION_FAILED',
        'privateKeyJwk: private_key_jwt needs the private key as a JWK (with "d").',
      );
    }
    return platform.envelope.sealString(JSON.stringify(jwk), secretAad(rowId));
  }
  if (!input.clientSecret) {
    throw new DomainError('VALIDATION_FAILED', `clientSecret: ${input.clientAuth} needs a client secret.`);
  }
  return platform.envelope.sealString(input.clientSecret, secretAad(rowId));
}

/** Reads the provider's metadata now, so a wrong issuer or a missing CIBA endpoint shows at configuration time. */
async function checkMetadata(
  platform: Platform,
  rowId: string,
  def: IdentityProviderDefinition,
  secretEnc: string | null,
) {
  let config: Awaited<ReturnType<typeof discover>>;
  try {
    config = await discover(platform, {
      id: rowId,
      issuer: def.issuer,
      clientId: def.clientId,
      clientAuth: def.clientAuth,
      secretEnc,
    });
  } catch (e) {
    throw new DomainError(
      'IDENTITY_PROVIDER_INVALID',
      `The metadata of ${def.issuer} could not be read (${(e as Error).message}).`,
    );
  }
  const meta = config.serverMetadata();
  if (def.flows.includes('push') && !meta.backchannel_authentication_endpoint) {
    throw new DomainError(
      'IDENTITY_PROVIDER_INVALID',
      `${def.issuer} offers no CIBA backchannel authentication endpoint, which the push flow needs.`,
    );
  }
}

function withoutCredential(input: IdentityProviderInput): IdentityProviderDefinition {
  const { clientSecret: _s, privateKeyJwk: _k, ...definition } = input;
  return definition;
}

export async function createProvider(
  platform: Platform,
  applicationId: string,
  input: IdentityProviderInput,
) {
  const db = platform.database.db;
  if (await identityProviders.findProvider(db, applicationId, input.providerId)) {
    throw new DomainError(
      'IDENTITY_PROVIDER_TAKEN',
      `An identity provider "${input.providerId}" already exists.`,
    );
  }
  const now = platform.now().getTime();
  const id = newId('idp', now);
  const secretEnc = sealCredential(platform, id, input);
  const definition = withoutCredential(input);
  await checkMetadata(platform, id, definition, secretEnc);
  await identityProviders.insertProvider(db, { id, applicationId, definition, secretEnc, now });
  return getProvider(platform, applicationId, id);
}

export async function getProvider(
  platform: Platform,
  applicationId: string,
  idOrProviderId: string,
): Promise<IdentityProviderRow> {
  const p = await identityProviders.findProvider(platform.database.db, applicationId, idOrProviderId);
  if (!p) throw new DomainError('NOT_FOUND', `No identity provider ${idOrProviderId}.`);
  return p;
}

/** Replaces the definition; the stored credential stays unless a new one is given. */
export async function updateProvider(
  platform: Platform,
  applicationId: string,
  idOrProviderId: string,
  input: IdentityProviderInput,
) {
  const db = platform.database.db;
  const current = await getProvider(platform, applicationId, idOrProviderId);
  const other = await identityProviders.findProvider(db, applicationId, input.providerId);
  if (other && other.id !== current.id) {
    throw new DomainError(
      'IDENTITY_PROVIDER_TAKEN',
      `An identity provider "${input.providerId}" already exists.`,
    );
  }
  const keepsCredential =
    input.clientSecret === undefined &&
    input.privateKeyJwk === undefined &&
    input.clientAuth === current.clientAuth;
  const secretEnc = keepsCredential ? current.secretEnc : sealCredential(platform, current.id, input);
  const definition = withoutCredential(input);
  await checkMetadata(platform, current.id, definition, secretEnc);
  await identityProviders.updateProvider(
    db,
    applicationId,
    current.id,
    definition,
    secretEnc,
    platform.now().getTime(),
  );
  forgetClient(platform, current.id);
  return getProvider(platform, applicationId, current.id);
}

export async function deleteProvider(platform: Platform, applicationId: string, idOrProviderId: string) {
  const current = await getProvider(platform, applicationId, idOrProviderId);
  await identityProviders.deleteProvider(platform.database.db, applicationId, current.id);
  forgetClient(platform, current.id);
}
