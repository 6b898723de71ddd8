import { testDialects } from '@openidv/storage/testing';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitFor } from '../support/harness.ts';
import { bankIdProvider, signIn, startTestProvider, type TestProvider } from '../support/oidc-provider.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
type Json = Record<string, any>;

const PERSON = '19900101-1234';

/**
 * An integration written against Hopae Connect's documentation: HTTP Basic with client id and secret, create a
 * verification, poll it, then read UserInfo and the evidence. Only the base URL and the credentials differ.
 */
function hopaeClient(baseUrl: string, clientId: string, clientSecret: string) {
  const authorization = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Json };
  };
}

describe.each(await testDialects())('Hopae Connect dialect (%s)', (dialect) => {
  let server: Server;
  let idp: TestProvider;
  let hopae: ReturnType<typeof hopaeClient>;
  let base = '';

  beforeAll(async () => {
    server = await startTestServer(dialect);
    base = server.api.base.replace('127.0.0.1', 'localhost');
    idp = await startTestProvider(() => `${base}/eid/callback`);
    const p = await server.api.json('POST', '/v1/identity-providers', bankIdProvider(idp));
    expect(p.status).toBe(201);
    const w = await server.api.json('POST', '/v1/workflows', {
      name: 'eID',
      checks: [{ type: 'eid', config: {} }],
    });
    expect(w.status).toBe(201);
    const c = await server.api.json('POST', '/v1/dialect-credentials', { name: 'hopae', dialect: 'hopae' });
    expect(c.status).toBe(201);
    // The base URL openidv prints replaces Hopae's https://sandbox.api.hopae.com/connect/v1 as it is.
    expect(c.body.baseUrl).toBe(`${base}/compat/hopae/connect/v1`);
    hopae = hopaeClient(c.body.baseUrl, c.body.key, c.body.secret);
  });
  afterAll(async () => {
    await idp?.close();
    await server?.close();
  });

  it('redirect: create, the person signs in, poll to completed, userinfo with provenance, evidence', async () => {
    const created = await hopae('POST', '/verifications', {
      providerId: 'bankidse',
      flowType: 'redirect',
      redirectUri: 'https://shop.example/back',
      requestedClaims: ['given_name', 'family_name', 'birthdate', 'email'],
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      verificationId: expect.stringMatching(/^[0-9a-f]{32}$/),
      status: 'authenticating',
      providerId: 'bankidse',
      flowType: 'redirect',
      flowDetails: { redirectUrl: expect.stringContaining(`${idp.issuer}/auth?`) },
    });
    const id = created.body.verificationId as string;
    const pending = await hopae('GET', `/verifications/${id}/userinfo`);
    expect(pending.status).toBe(409);
    expect(pending.type).toContain('application/problem+json');
    expect(pending.body).toMatchObject({ code: 300003, type: 'urn:org:hopae:problem-type:client/300003' });

    await signIn(created.body.flowDetails.redirectUrl, PERSON);
    const done = await hopae('GET', `/verifications/${id}`);
    expect(done.body.status).toBe('completed');
    expect(done.body.flowDetails).toBeUndefined();

    const info = await hopae('GET', `/verifications/${id}/userinfo`);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({
      given_name: 'Ingrid',
      family_name: 'Johansson',
      name: 'Ingrid Johansson',
      birthdate: '1990-01-01',
      acr: 'urn:hopae:loa4',
      loa: 4,
      loa_label: 'high',
      missing_claims: ['email'],
      provenance: {
        presentation: {
          channel: { type: 'centralized_idp', transport: 'internet' },
          credentials: [{ type: 'bankidse', issuer: { id: idp.issuer }, evidence: { names: 'id_token' } }],
        },
        _metadata: { verification_id: id },
      },
    });
    expect(info.body.sub).not.toBe(PERSON);
    const evidence = await hopae('GET', `/verifications/${id}/evidence`);
    expect(evidence.body.names).toBe('id_token');
    const jwks = createRemoteJWKSet(new URL(`${idp.issuer}/jwks`));
    const { payload } = await jwtVerify(evidence.body.token.id_token, jwks, { issuer: idp.issuer });
    expect(payload.sub).toBe(PERSON);
  });

  it('push: the identifier from userData, the person confirms, polling reaches completed', async () => {
    const missing = await hopae('POST', '/verifications', { providerId: 'bankidse', flowType: 'push' });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe(200003);
    const created = await hopae('POST', '/verifications', {
      providerId: 'bankidse',
      flowType: 'push',
      userData: { personalCode: PERSON },
    });
    expect(created.body.status).toBe('pending');
    await waitFor(async () => idp.pendingPush().includes(PERSON));
    await idp.answerPush(PERSON, true);
    const done = await waitFor(async () => {
      const r = await hopae('GET', `/verifications/${created.body.verificationId}`);
      return r.body.status !== 'pending' && r.body;
    });
    expect(done.status).toBe('completed');
  });

  it('qr: qrData is a link for the phone; the verification stays initiated until it is scanned', async () => {
    const created = await hopae('POST', '/verifications', { providerId: 'bankidse', flowType: 'qr' });
    expect(created.body).toMatchObject({
      status: 'initiated',
      flowDetails: { qrData: expect.stringContaining('channel=qr') },
    });
    const back = await signIn(created.body.flowDetails.qrData, PERSON);
    expect(back.searchParams.get('eid')).toBe('done');
    const info = await hopae('GET', `/verifications/${created.body.verificationId}/userinfo`);
    expect(info.body.provenance.presentation.channel.transport).toBe('qr_code');
  });

  it("answers Hopae's errors: bad credentials, unknown session, provider not enabled, unreachable level", async () => {
    const bad = await hopaeClient(
      `${base}/compat/hopae/connect/v1`,
      'nobody',
      'nothing',
    )('GET', '/verifications/x');
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe(100001);
    expect((await hopae('GET', '/verifications/0123456789abcdef0123456789abcdef')).body.code).toBe(300001);
    const off = await hopae('POST', '/verifications', { providerId: 'smartid' });
    expect(off.status).toBe(400);
    expect(off.body.code).toBe(400002);
    const noProvider = await hopae('POST', '/verifications', {});
    expect(noProvider.body.code).toBe(200001);
    const weak = await server.api.json('POST', '/v1/identity-providers', {
      providerId: 'weakid',
      name: 'Weak',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      levelOfAssurance: 'low',
    });
    expect(weak.status).toBe(201);
    const loa = await hopae('POST', '/verifications', { providerId: 'weakid', requestedLoa: 4 });
    expect(loa.status).toBe(422);
    expect(loa.body.code).toBe(200004);
  });
});
