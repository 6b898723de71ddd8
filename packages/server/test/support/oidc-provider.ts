/// <reference path="./oidc-provider-module.d.ts" />
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

/** People the test provider knows: their claims and the `acr` their sign-in reaches. */
export const ACCOUNTS: Record<string, { acr: string; claims: Record<string, unknown> }> = {
  '19900101-1234': {
    acr: 'urn:test:loa:high',
    claims: {
      given_name: 'Ingrid',
      family_name: 'Johansson',
      birthdate: '1990-01-01',
      personal_identity_number: '199001011234',
      address: { formatted: 'Storgatan 1, 111 22 Stockholm' },
    },
  },
  '19800505-5555': {
    acr: 'urn:test:loa:low',
    claims: { given_name: 'Lars', family_name: 'Lund', birthdate: '1980-05-05' },
  },
  '19700707-7777': {
    acr: 'urn:test:loa:high',
    claims: { given_name: 'Nils', family_name: 'Nobirth' },
  },
};

/** How the token endpoint's ID token is spoiled, to prove each refusal. */
export type Tamper = 'signature' | 'issuer' | 'audience' | 'expired' | null;

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** A second client that authenticates with private_key_jwt: its id and private key (JWK). */
  keyClient: { clientId: string; privateKeyJwk: JWK };
  /** Makes the next token responses carry a spoiled ID token (null: honest again). */
  tamper(mode: Tamper): void;
  /**
   * Rotates the signing key: a new key is published in the JWKS and signs every ID token from now on, as a
   * provider does when it rolls its keys.
   */
  rotateKeys(): Promise<void>;
  /** Push (CIBA) requests waiting for the person to confirm in their app. */
  pendingPush(): string[];
  /** How many requests reached the token endpoint so far. */
  tokenRequests(): number;
  /** The person confirms (or refuses) the push request in their app. */
  answerPush(loginHint: string, accept: boolean): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real OpenID Connect provider (oidc-provider) on loopback: RS256 keys, test accounts with `acr`, the
 * authorization code flow with a minimal login page (sign in / cancel), and CIBA in poll mode.
 */
export async function startTestProvider(
  redirectUri: () => string,
  options: { pushTtlSeconds?: number } = {},
): Promise<TestProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
  const rogue = (await generateKeyPair('RS256', { extractable: true })).privateKey;
  let tamper: Tamper = null;
  let tokenCalls = 0;
  let rotated: { key: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']; publicJwk: JWK } | null =
    null;
  const pushes = new Map<string, { request: unknown; accountId: string }>();
  let provider!: Provider;
  const server: Server = createServer((req, res) => handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'openidv-test';
  const clientSecret = 'a-long-client-secret-for-the-test-provider';
  const clientKeys = await generateKeyPair('ES256', { extractable: true });
  const keyClient = {
    clientId: 'openidv-test-pkjwt',
    privateKeyJwk: { ...(await exportJWK(clientKeys.privateKey)), kid: 'client-key-1', alg: 'ES256' },
  };

  provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: ['http://localhost/placeholder'],
        grant_types: ['authorization_code', 'urn:openid:params:grant-type:ciba'],
        response_types: ['code'],
        backchannel_token_delivery_mode: 'poll',
      },
      {
        client_id: keyClient.clientId,
        redirect_uris: ['http://localhost/placeholder'],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        jwks: {
          keys: [
            { ...(await exportJWK(clientKeys.publicKey)), kid: 'client-key-1', alg: 'ES256', use: 'sig' },
          ],
        },
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ['test-cookie-key'] },
    acrValues: ['urn:test:loa:low', 'urn:test:loa:high'],
    claims: {
      acr: null,
      auth_time: null,
      sid: null,
      iss: null,
      openid: ['sub'],
      profile: ['given_name', 'family_name', 'birthdate', 'personal_identity_number', 'address'],
    },
    features: {
      devInteractions: { enabled: false },
      ciba: {
        enabled: true,
        deliveryModes: ['poll'],
        processLoginHint: async (_ctx: KoaContextWithOIDC, loginHint: string) =>
          ACCOUNTS[loginHint] ? loginHint : undefined,
        validateBindingMessage: async () => {},
        validateRequestContext: async () => {},
        verifyUserCode: async () => {},
        triggerAuthenticationDevice: async (_ctx: KoaContextWithOIDC, request: { accountId: string }) => {
          pushes.set(request.accountId, { request, accountId: request.accountId });
        },
      },
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx: unknown, sub: string) =>
      ACCOUNTS[sub] && { accountId: sub, claims: async () => ({ sub, ...ACCOUNTS[sub]!.claims }) },
    pkce: { required: () => true },
    // Loopback http in tests only.
    ttl: {
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      IdToken: 600,
      AccessToken: 600,
      AuthorizationCode: 60,
      BackchannelAuthenticationRequest: options.pushTtlSeconds ?? 120,
    },
  } as ConstructorParameters<typeof Provider>[1]);
  // The redirect URI is only known once openidv listens.
  for (const id of [clientId, keyClient.clientId]) {
    const client = await provider.Client.find(id);
    (client as unknown as { redirectUris: string[] }).redirectUris = [redirectUri()];
  }
  const callback = provider.callback();

  async function resign(body: string): Promise<string> {
    const json = JSON.parse(body) as { id_token?: string };
    if (!json.id_token || (!tamper && !rotated)) return body;
    const claims = decodeJwt(json.id_token);
    const now = Math.floor(Date.now() / 1000);
    if (tamper === 'issuer') claims.iss = 'http://127.0.0.1:1/another-issuer';
    if (tamper === 'audience') claims.aud = 'somebody-else';
    if (tamper === 'expired') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
    const key = tamper === 'signature' ? rogue : (rotated?.key ?? privateKey);
    json.id_token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: rotated ? 'test-key-2' : 'test-key-1', typ: 'JWT' })
      .sign(key);
    return JSON.stringify(json);
  }

  async function publishRotated(body: string): Promise<string> {
    const jwks = JSON.parse(body) as { keys: JWK[] };
    return JSON.stringify({ keys: [rotated!.publicJwk, ...jwks.keys] });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === '/token') tokenCalls++;
    try {
      const m = /^\/interaction\/([^/]+)(\/(login|cancel))?$/.exec(url.pathname);
      if (m) return await interaction(req, res, m[3]);
      if ((url.pathname === '/token' && (tamper || rotated)) || (url.pathname === '/jwks' && rotated)) {
        const rewrite = url.pathname === '/jwks' ? publishRotated : resign;
        const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
        (res as unknown as { end: (chunk?: unknown) => void }).end = (chunk?: unknown) => {
          rewrite(String(chunk ?? '')).then((b) => {
            res.setHeader('content-length', Buffer.byteLength(b));
            end(b);
          });
        };
      }
      callback(req, res);
    } catch (e) {
      res.statusCode = 500;
      res.end(String(e));
    }
  }

  async function interaction(req: IncomingMessage, res: ServerResponse, action: string | undefined) {
    const details = await provider.interactionDetails(req, res);
    if (action === 'cancel') {
      return provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'cancelled' },
        {
          mergeWithLastSubmission: false,
        },
      );
    }
    if (details.prompt.name === 'login' && action === 'login') {
      const body = await new Promise<string>((r) => {
        let b = '';
        req.on('data', (d) => (b += d));
        req.on('end', () => r(b));
      });
      const accountId = new URLSearchParams(body).get('personalCode') ?? '';
      const account = ACCOUNTS[accountId];
      if (!account) {
        res.statusCode = 400;
        return res.end('unknown person');
      }
      return provider.interactionFinished(
        req,
        res,
        { login: { accountId, acr: account.acr } },
        {
          mergeWithLastSubmission: false,
        },
      );
    }
    if (details.prompt.name === 'consent') {
      const grant = new provider.Grant({
        accountId: details.session!.accountId,
        clientId: details.params.client_id as string,
      });
      const d = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
      if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
      if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
      return provider.interactionFinished(
        req,
        res,
        { consent: { grantId: await grant.save() } },
        {
          mergeWithLastSubmission: true,
        },
      );
    }
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html lang="en"><title>Test eID</title><h1>Test eID</h1>
<form method="post" action="/interaction/${details.uid}/login">
<label>Personal code <input name="personalCode" autocomplete="off"></label>
<button type="submit">Sign in</button></form>
<form method="post" action="/interaction/${details.uid}/cancel"><button type="submit">Cancel</button></form></html>`);
  }

  return {
    issuer,
    clientId,
    clientSecret,
    keyClient,
    tamper: (mode) => {
      tamper = mode;
    },
    async rotateKeys() {
      const pair = await generateKeyPair('RS256', { extractable: true });
      rotated = {
        key: pair.privateKey,
        publicJwk: { ...(await exportJWK(pair.publicKey)), kid: 'test-key-2', alg: 'RS256', use: 'sig' },
      };
    },
    pendingPush: () => [...pushes.keys()],
    tokenRequests: () => tokenCalls,
    async answerPush(loginHint, accept) {
      const p = pushes.get(loginHint);
      if (!p) throw new Error(`no push request for ${loginHint}`);
      pushes.delete(loginHint);
      const request = p.request as { accountId: string; clientId: string; scope: string; claims?: unknown };
      if (!accept) {
        const { errors } = await import('oidc-provider');
        await provider.backchannelResult(request as never, new errors.AccessDenied('refused in the app'));
        return;
      }
      const grant = new provider.Grant({ accountId: loginHint, clientId });
      grant.addOIDCScope(request.scope);
      await grant.save();
      await provider.backchannelResult(request as never, grant, {
        acr: ACCOUNTS[loginHint]!.acr,
        authTime: Math.floor(Date.now() / 1000),
      });
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * A browser without a browser: follows redirects with a cookie jar, and signs in on the test provider's login
 * page with the given personal code (or cancels there).
 */
export async function signIn(startUrl: string, personalCode: string | 'cancel'): Promise<URL> {
  const jar = new Map<string, string>();
  let url = startUrl;
  let method = 'GET';
  let body: string | undefined;
  for (let hops = 0; hops < 20; hops++) {
    const u = new URL(url);
    const cookie = [...jar]
      .filter(([k]) => k.startsWith(`${u.host}|`))
      .map(([k, v]) => `${k.split('|')[1]}=${v}`);
    const res = await fetch(url, {
      method,
      redirect: 'manual',
      headers: {
        ...(cookie.length && { cookie: cookie.join('; ') }),
        ...(body && { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      ...(body && { body }),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, ...v] = pair!.split('=');
      jar.set(`${u.host}|${k}`, v.join('='));
    }
    method = 'GET';
    body = undefined;
    const location = res.headers.get('location');
    if (location) {
      const next = new URL(location, url);
      if (next.pathname.startsWith('/j/')) return next;
      url = next.href;
      continue;
    }
    const html = await res.text();
    const m = /action="(\/interaction\/[^"]+\/login)"/.exec(html);
    if (!m) throw new Error(`unexpected page ${res.status} at ${url}: ${html.slice(0, 300)}`);
    method = 'POST';
    if (personalCode === 'cancel') {
      url = new URL(m[1]!.replace(/\/login$/, '/cancel'), url).href;
    } else {
      url = new URL(m[1]!, url).href;
      body = new URLSearchParams({ personalCode }).toString();
    }
  }
  throw new Error('too many redirects');
}

/** The body that registers the loopback provider as "bankidse" (high assurance, all three flows), with overrides. */
export function bankIdProvider(
  idp: TestProvider,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    providerId: 'bankidse',
    name: 'BankID',
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    levelOfAssurance: 'high',
    acrValues: ['urn:test:loa:high'],
    acrLevels: { 'urn:test:loa:high': 'high', 'urn:test:loa:low': 'low' },
    flows: ['redirect', 'qr', 'push'],
    ...overrides,
  };
}
