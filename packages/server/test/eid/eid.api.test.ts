import { testDialects } from '@openidv/storage/testing';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitFor } from '../support/harness.ts';
import { bankIdProvider, signIn, startTestProvider, type TestProvider } from '../support/oidc-provider.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
type Json = Record<string, any>;

const HIGH = '19900101-1234';
const LOW = '19800505-5555';
const NO_BIRTHDATE = '19700707-7777';

describe.each(await testDialects())('eID over OpenID Connect (%s)', (dialect) => {
  let server: Server;
  let idp: TestProvider;
  let base = '';
  beforeAll(async () => {
    server = await startTestServer(dialect);
    base = server.api.base.replace('127.0.0.1', 'localhost');
    idp = await startTestProvider(() => `${base}/eid/callback`);
    const p = await server.api.json(
      'POST',
      '/v1/identity-providers',
      bankIdProvider(idp, {
        scopes: ['openid', 'profile'],
        acrValues: ['urn:test:loa:high', 'urn:test:loa:low'],
        loginHintLabel: 'Personal code',
      }),
    );
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    const w = await server.api.json('POST', '/v1/workflows', {
      name: 'eID first',
      checks: [
        { type: 'eid', config: { providers: ['bankidse'], minimumLevelOfAssurance: 'substantial' } },
        { type: 'aml', config: {} },
      ],
      isDefault: true,
    });
    expect(w.status, JSON.stringify(w.body)).toBe(201);
  });
  afterAll(async () => {
    await idp?.close();
    await server?.close();
  });

  async function session(body: Json = {}) {
    const r = await server.api.json('POST', '/v1/sessions', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { id: r.body.id as string, token: new URL(r.body.url).pathname.split('/')[2]! };
  }
  const journeyStart = (token: string, channel = 'redirect') =>
    `${base}/j/${token}/eid/bankidse/start?channel=${channel}`;
  const decision = (id: string) =>
    waitFor(async () => {
      const d = await server.api.json('GET', `/v1/sessions/${id}/decision`);
      return d.body.status !== 'pending' && d.body;
    });

  it('stores the provider with its secret sealed, and never returns the secret', async () => {
    const list = await server.api.json('GET', '/v1/identity-providers');
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({
      providerId: 'bankidse',
      hasSecret: true,
      redirectUri: `${base}/eid/callback`,
    });
    expect(JSON.stringify(list.body)).not.toContain(idp.clientSecret);
    const dup = await server.api.json('POST', '/v1/identity-providers', {
      providerId: 'bankidse',
      name: 'Again',
      issuer: idp.issuer,
      clientId: 'x',
      clientSecret: 'y',
      levelOfAssurance: 'high',
    });
    expect(dup.body.error.code).toBe('IDENTITY_PROVIDER_TAKEN');
    const unreachable = await server.api.json('POST', '/v1/identity-providers', {
      providerId: 'nowhere',
      name: 'Nowhere',
      issuer: 'http://127.0.0.1:9/',
      clientId: 'x',
      clientSecret: 'y',
      levelOfAssurance: 'high',
    });
    expect(unreachable.status).toBe(422);
    expect(unreachable.body.error.code).toBe('IDENTITY_PROVIDER_INVALID');
  });

  it('refuses up front a session whose minimum level of assurance no provider reaches', async () => {
    const low = await server.api.json('POST', '/v1/identity-providers', {
      providerId: 'weakid',
      name: 'Weak ID',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      levelOfAssurance: 'low',
    });
    expect(low.status).toBe(201);
    const r = await server.api.json('POST', '/v1/sessions', {
      eid: { providers: ['weakid'], minimumLevelOfAssurance: 'high' },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('EID_PROVIDER_NOT_ENABLED'); // not in the workflow's list
    const w2 = await server.api.json('POST', '/v1/workflows', {
      name: 'any provider',
      checks: [{ type: 'eid', config: {} }],
    });
    const r2 = await server.api.json('POST', '/v1/sessions', {
      workflowId: w2.body.id,
      eid: { providers: ['weakid'], minimumLevelOfAssurance: 'high' },
    });
    expect(r2.status).toBe(400);
    expect(r2.body.error.code).toBe('EID_LEVEL_UNREACHABLE');
    expect(r2.body.error.message).toContain('weakid');
    await server.api.json('DELETE', '/v1/identity-providers/weakid');
  });

  it('verifies a person through the redirect flow: claims, provenance, AML on the verified name, evidence', async () => {
    const s = await session({
      person: { firstName: 'Ingrid', lastName: 'Johansson', dateOfBirth: '1990-01-01' },
      eid: { requestedClaims: ['firstName', 'lastName', 'dateOfBirth', 'nationalId'] },
    });
    const back = await signIn(journeyStart(s.token), HIGH);
    expect(back.searchParams.get('eid')).toBe('done');
    const d = await decision(s.id);
    expect(d.status).toBe('approved');
    expect(d.person).toMatchObject({
      firstName: 'Ingrid',
      lastName: 'Johansson',
      dateOfBirth: '1990-01-01',
      personalNumber: '199001011234',
      address: 'Storgatan 1, 111 22 Stockholm',
    });
    expect(d.extracted.person.firstName).toMatchObject({ source: 'eid', confidence: 1 });
    expect(d.provenance).toMatchObject({
      provider: 'bankidse',
      issuer: idp.issuer,
      channel: 'redirect',
      levelOfAssurance: 'high',
      acr: 'urn:test:loa:high',
      subject: HIGH,
    });
    expect(Date.parse(d.provenance.authenticatedAt)).toBeGreaterThan(Date.now() - 60_000);
    const aml = d.checks.find((c: Json) => c.type === 'aml');
    expect(aml.evidence.screened).toMatchObject({ source: 'eid', name: 'Ingrid Johansson' });

    const ev = await server.api.json('GET', `/v1/sessions/${s.id}/evidence`);
    expect(ev.body.data).toHaveLength(1);
    // An auditor re-verifies the signature with the provider's published keys.
    const verified = await jwtVerify(
      ev.body.data[0].idToken,
      createRemoteJWKSet(new URL(ev.body.data[0].jwksUri)),
      {
        issuer: idp.issuer,
        audience: idp.clientId,
        currentDate: new Date(),
      },
    );
    expect(verified.payload.sub).toBe(HIGH);

    // Erasing the session erases the evidence with it.
    expect((await server.api.request('DELETE', `/v1/sessions/${s.id}`)).status).toBe(204);
    expect((await server.api.json('GET', `/v1/sessions/${s.id}/evidence`)).body.data).toEqual([]);
  });

  it('authenticates at the token endpoint with private_key_jwt when configured so', async () => {
    const p = await server.api.json('POST', '/v1/identity-providers', {
      providerId: 'keyid',
      name: 'Key ID',
      issuer: idp.issuer,
      clientId: idp.keyClient.clientId,
      clientAuth: 'private_key_jwt',
      privateKeyJwk: idp.keyClient.privateKeyJwk,
      levelOfAssurance: 'high',
    });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    expect(JSON.stringify(p.body)).not.toContain(String(idp.keyClient.privateKeyJwk.d));
    const w = await server.api.json('POST', '/v1/workflows', {
      name: 'key id',
      checks: [{ type: 'eid', config: { providers: ['keyid'] } }],
    });
    const s = await session({ workflowId: w.body.id });
    const back = await signIn(`${base}/j/${s.token}/eid/keyid/start`, HIGH);
    expect(back.searchParams.get('eid')).toBe('done');
    await server.api.json('DELETE', '/v1/identity-providers/keyid');
  });

  it("compares the verified person with the expected one, with the document check's reason codes", async () => {
    const s = await session({
      person: { firstName: 'Someone', lastName: 'Else', dateOfBirth: '1991-02-02' },
    });
    await signIn(journeyStart(s.token), HIGH);
    const d = await decision(s.id);
    expect(d.status).toBe('review');
    expect(d.reasons.map((r: Json) => r.code).sort()).toEqual(['DOB_MISMATCH', 'NAME_MISMATCH']);
  });

  it('refuses a replayed callback (the same state twice)', async () => {
    const s = await session();
    const start = await server.api.json('GET', `/v1/sessions/${s.id}/eid/bankidse/start`);
    expect(start.status).toBe(200);
    // Drive the provider but stop before openidv's callback, to replay it.
    const callback = await signInUntilCallback(start.body.authorizationUrl, HIGH);
    const first = await fetch(callback, { redirect: 'manual' });
    expect(new URL(first.headers.get('location')!).searchParams.get('eid')).toBe('done');
    const again = await fetch(callback, { redirect: 'manual' });
    expect(new URL(again.headers.get('location')!).searchParams.get('eid')).toBe('EID_EXPIRED');
    expect((await decision(s.id)).status).toBe('approved');
  });

  it('refuses a callback finished in another browser than the one that started the sign-in', async () => {
    const s = await session();
    // The journey's start link binds the sign-in to the starting browser with a cookie; a forwarded
    // authorization link finished elsewhere arrives without it.
    const callback = await signInUntilCallback(journeyStart(s.token), HIGH);
    const elsewhere = await fetch(callback, { redirect: 'manual' });
    expect(new URL(elsewhere.headers.get('location')!).searchParams.get('eid')).toBe(
      'EID_VERIFICATION_FAILED',
    );
    const d = await server.api.json('GET', `/v1/sessions/${s.id}/decision`);
    expect(d.body.status).toBe('pending');
  });

  for (const tamper of ['signature', 'issuer', 'audience', 'expired'] as const) {
    it(`refuses an ID token with a spoiled ${tamper === 'signature' ? 'signature' : tamper === 'expired' ? 'expiry' : tamper}`, async () => {
      const s = await session();
      idp.tamper(tamper);
      try {
        const back = await signIn(journeyStart(s.token), HIGH);
        expect(back.searchParams.get('eid')).toBe('EID_VERIFICATION_FAILED');
      } finally {
        idp.tamper(null);
      }
      const j = (await (await fetch(`${base}/j/${s.token}/api/session`)).json()) as Json;
      expect(j.eid.lastSignIn).toMatchObject({ status: 'failed', errorCode: 'EID_VERIFICATION_FAILED' });
      expect(j.phase).not.toBe('finished');
      const ev = await server.api.json('GET', `/v1/sessions/${s.id}/evidence`);
      expect(ev.body.data).toEqual([]);
    });
  }

  it('refuses a sign-in without a requested claim, and one below the minimum level', async () => {
    const s = await session();
    expect((await signIn(journeyStart(s.token), NO_BIRTHDATE)).searchParams.get('eid')).toBe(
      'EID_VERIFICATION_FAILED',
    );
    expect((await signIn(journeyStart(s.token), LOW)).searchParams.get('eid')).toBe(
      'EID_VERIFICATION_FAILED',
    );
    const d = await server.api.json('GET', `/v1/sessions/${s.id}/decision`);
    expect(d.body.status).toBe('pending');
  });

  it('tells the journey when the applicant cancelled at the provider, and refuses providers not offered', async () => {
    const s = await session();
    expect((await signIn(journeyStart(s.token), 'cancel')).searchParams.get('eid')).toBe('EID_CANCELLED');
    const res = await fetch(`${base}/j/${s.token}/eid/unknown/start`, { redirect: 'manual' });
    expect(new URL(res.headers.get('location')!).searchParams.get('eid')).toBe('EID_PROVIDER_NOT_ENABLED');
  });

  it('verifies a person through push (CIBA): the applicant types their code and confirms in the app', async () => {
    const s = await session({ person: { firstName: 'Ingrid', lastName: 'Johansson' } });
    const r = await fetch(`${base}/j/${s.token}/api/eid/bankidse/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ loginHint: HIGH }),
    });
    expect(r.status).toBe(201);
    const { signIn: push } = (await r.json()) as Json;
    const poll = async () =>
      (await fetch(`${base}/j/${s.token}/api/eid/sign-ins/${push.id}`)).json() as Promise<Json>;
    expect((await poll()).status).toBe('pending');
    await waitFor(async () => idp.pendingPush().includes(HIGH));
    await idp.answerPush(HIGH, true);
    const done = await waitFor(async () => {
      const p = await poll();
      return p.status !== 'pending' && p;
    });
    expect(done.status).toBe('completed');
    const d = await decision(s.id);
    expect(d.status).toBe('approved');
    expect(d.provenance).toMatchObject({ channel: 'push', levelOfAssurance: 'high', provider: 'bankidse' });
  });

  it('completes a push once when the journey and an API client poll at the same time', async () => {
    const s = await session();
    const r = await server.api.json('POST', `/v1/sessions/${s.id}/eid/bankidse/push`, { loginHint: HIGH });
    await waitFor(async () => idp.pendingPush().includes(HIGH));
    await idp.answerPush(HIGH, true);
    const id = r.body.signIn.id as string;
    await Promise.all([
      server.api.json('GET', `/v1/sessions/${s.id}/eid/sign-ins/${id}`),
      fetch(`${base}/j/${s.token}/api/eid/sign-ins/${id}`),
      server.api.json('GET', `/v1/sessions/${s.id}/eid/sign-ins/${id}`),
    ]);
    const done = await waitFor(async () => {
      const p = await server.api.json('GET', `/v1/sessions/${s.id}/eid/sign-ins/${id}`);
      return p.body.status !== 'pending' && p.body;
    });
    expect(done, JSON.stringify(done)).toMatchObject({ status: 'completed' });
    expect((await decision(s.id)).status).toBe('approved');
  });

  it('records a push refused in the app as cancelled', async () => {
    const s = await session();
    const r = await server.api.json('POST', `/v1/sessions/${s.id}/eid/bankidse/push`, { loginHint: HIGH });
    expect(r.status).toBe(201);
    await waitFor(async () => idp.pendingPush().includes(HIGH));
    await idp.answerPush(HIGH, false);
    const res = await server.api.json('GET', `/v1/sessions/${s.id}/eid/sign-ins/${r.body.signIn.id}`);
    expect(res.body.error?.code ?? res.body.status).toBe('EID_CANCELLED');
  });

  it('says when a provider is unavailable, keeps the document journey open, and expires a push nobody confirms', async () => {
    const slow = await startTestProvider(() => `${base}/eid/callback`, { pushTtlSeconds: 2 });
    const add = (providerId: string) =>
      server.api.json('POST', '/v1/identity-providers', {
        providerId,
        name: providerId,
        issuer: slow.issuer,
        clientId: slow.clientId,
        clientSecret: slow.clientSecret,
        levelOfAssurance: 'substantial',
        flows: ['redirect', 'push'],
      });
    expect((await add('shortid')).status).toBe(201);
    expect((await add('downid')).status).toBe(201);
    const w = await server.api.json('POST', '/v1/workflows', {
      name: 'eID or document',
      checks: [
        { type: 'eid', config: { providers: ['shortid', 'downid'] } },
        { type: 'document', config: {} },
      ],
    });
    const s = await session({ workflowId: w.body.id });

    // A push that nobody confirms runs out.
    const push = await server.api.json('POST', `/v1/sessions/${s.id}/eid/shortid/push`, { loginHint: HIGH });
    expect(push.status).toBe(201);
    await new Promise((r) => setTimeout(r, 2_500));
    const expired = await server.api.json('GET', `/v1/sessions/${s.id}/eid/sign-ins/${push.body.signIn.id}`);
    expect(expired.status).toBe(409);
    expect(expired.body.error.code).toBe('EID_EXPIRED');

    await slow.close();
    const res = await fetch(journeyStart(s.token).replace('bankidse', 'downid'), { redirect: 'manual' });
    expect(new URL(res.headers.get('location')!).searchParams.get('eid')).toBe('EID_PROVIDER_UNAVAILABLE');
    const again = await server.api.json('POST', `/v1/sessions/${s.id}/eid/shortid/push`, { loginHint: HIGH });
    expect(again.status).toBe(502);
    expect(again.body.error.code).toBe('EID_PROVIDER_UNAVAILABLE');
    const j = (await (await fetch(`${base}/j/${s.token}/api/session`)).json()) as Json;
    expect(j.eid).toMatchObject({ fallbackToDocument: true });
    expect(j.plan.document).not.toBeNull();
  });

  it('refuses a disabled provider at session creation and at start', async () => {
    const p = await server.api.json('GET', '/v1/identity-providers/bankidse');
    const { id: _id, hasSecret: _h, redirectUri: _r, createdAt: _c, updatedAt: _u, ...definition } = p.body;
    const s = await session();
    const off = await server.api.json('PUT', '/v1/identity-providers/bankidse', {
      ...definition,
      enabled: false,
    });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body.hasSecret).toBe(true); // the stored secret was kept
    try {
      const start = await server.api.json('GET', `/v1/sessions/${s.id}/eid/bankidse/start`);
      expect(start.body.error.code).toBe('EID_PROVIDER_NOT_ENABLED');
      const r = await server.api.json('POST', '/v1/sessions', { eid: { providers: ['bankidse'] } });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('EID_PROVIDER_NOT_ENABLED');
    } finally {
      await server.api.json('PUT', '/v1/identity-providers/bankidse', { ...definition, enabled: true });
    }
  });

  /** Like signIn, but returns openidv's callback URL instead of calling it. */
  async function signInUntilCallback(authorizationUrl: string, personalCode: string): Promise<string> {
    let captured = '';
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const u = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (u.startsWith(`${base}/eid/callback`)) {
        captured = u;
        return new Response(null, { status: 302, headers: { location: `${base}/j/captured` } });
      }
      return realFetch(input, init);
    }) as typeof fetch;
    try {
      await signIn(authorizationUrl, personalCode);
    } finally {
      globalThis.fetch = realFetch;
    }
    return captured;
  }
});
