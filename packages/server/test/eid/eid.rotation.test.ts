import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitFor } from '../support/harness.ts';
import { bankIdProvider, signIn, startTestProvider, type TestProvider } from '../support/oidc-provider.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;

/**
 * Key rotation at the provider. openid-client keeps the provider's JWKS and fetches it again when a token names a
 * key it does not hold and its copy is at least 60 s old (or at 5 minutes in any case); this test waits that
 * minute, so it runs once, on SQLite.
 */
describe('eID when the provider rotates its signing key', () => {
  let server: Server;
  let idp: TestProvider;
  let base = '';
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    base = server.api.base.replace('127.0.0.1', 'localhost');
    idp = await startTestProvider(() => `${base}/eid/callback`);
    // the shared body without its acr and flow settings, which key rotation does not involve
    const p = await server.api.json(
      'POST',
      '/v1/identity-providers',
      bankIdProvider(idp, { acrValues: undefined, acrLevels: undefined, flows: undefined }),
    );
    expect(p.status).toBe(201);
    await server.api.json('POST', '/v1/workflows', {
      name: 'eID',
      checks: [{ type: 'eid', config: {} }],
      isDefault: true,
    });
  });
  afterAll(async () => {
    await idp?.close();
    await server?.close();
  });

  const verify = async () => {
    const r = await server.api.json('POST', '/v1/sessions', {});
    const token = new URL(r.body.url).pathname.split('/')[2]!;
    const back = await signIn(`${base}/j/${token}/eid/bankidse/start`, '19900101-1234');
    return { id: r.body.id as string, outcome: back.searchParams.get('eid') };
  };

  it('accepts tokens signed with the new key once the provider publishes it', async () => {
    expect((await verify()).outcome).toBe('done'); // the old key's JWKS is now cached
    await new Promise((r) => setTimeout(r, 61_000));
    await idp.rotateKeys();
    const after = await verify();
    expect(after.outcome).toBe('done');
    const d = await waitFor(async () => {
      const x = await server.api.json('GET', `/v1/sessions/${after.id}/decision`);
      return x.body.status !== 'pending' && x.body;
    });
    expect(d.status).toBe('approved');
    const ev = await server.api.json('GET', `/v1/sessions/${after.id}/evidence`);
    const header = JSON.parse(Buffer.from(ev.body.data[0].idToken.split('.')[0], 'base64url').toString());
    expect(header.kid).toBe('test-key-2');
  }, 120_000);
});
