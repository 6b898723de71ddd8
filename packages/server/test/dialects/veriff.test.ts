import { testDialects } from '@openidv/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DialectCredential,
  issueDialectCredential,
  startReceiver,
  startTestServer,
  waitFor,
} from '../support/harness.ts';
import { testPhotos } from '../support/photos.ts';
import { isValidVeriffWebhook, veriffClient } from './veriff-client.ts';

// biome-ignore lint/suspicious/noExplicitAny: webhook bodies are read as Veriff documents them
const vjson = (h: { json: unknown }) => h.json as Record<string, any>;

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe.each(await testDialects())('Veriff dialect, on %s', (dialect) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let credential: DialectCredential;
  let veriff: ReturnType<typeof veriffClient>;
  let photos: Awaited<ReturnType<typeof testPhotos>>;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    receiver = await startReceiver();
    photos = await testPhotos();
    credential = await issueDialectCredential(server.api, {
      name: 'veriff-migration',
      dialect: 'veriff',
      webhookUrl: receiver.url,
    });
    veriff = veriffClient(`${server.api.base}/compat/veriff`, credential.key, credential.secret);
  });
  afterAll(async () => {
    await receiver?.close();
    await server?.close();
  });

  it('issues a key and a shared secret in Veriff shape, with the base URL to use', () => {
    expect(credential.key).toMatch(UUID_V4);
    expect(credential.secret).toMatch(UUID_V4);
    expect(credential.baseUrl).toMatch(/\/compat\/veriff$/);
  });

  it('refuses a credential whose webhook URL cannot be used, and keeps no credential behind', async () => {
    const refused = await server.api.json('POST', '/v1/dialect-credentials', {
      name: 'bad-webhook',
      dialect: 'veriff',
      webhookUrl: 'ftp://example.com/hooks',
    });
    expect(refused.status).toBe(422);
    expect((refused.body as { error: { code: string } }).error.code).toBe('WEBHOOK_URL_NOT_ALLOWED');
    const list = await server.api.json('GET', '/v1/dialect-credentials');
    // biome-ignore lint/suspicious/noExplicitAny: list items as the API documents them
    const names = ((list.body as { data: any[] }).data ?? []).map((c) => c.name);
    expect(names).toContain('veriff-migration');
    expect(names).not.toContain('bad-webhook');
  });

  it('runs the whole API flow: create, upload, collected data, submit, decision webhook and GETs', async () => {
    const start = receiver.received.length;
    const created = await veriff.createSession({
      callback: 'https://example.com/verified',
      person: { firstName: 'Anna', lastName: 'Meier', dateOfBirth: '1990-04-01' },
      document: { type: 'PASSPORT', country: 'EE' },
      vendorData: 'user-1',
      endUserId: 'c1de400b-2a4d-4d6f-8c4e-6d5b1c0f2a11',
      timestamp: new Date().toISOString(),
    });
    expect(created.status).toBe(201);
    const v = created.body.verification;
    expect(created.body.status).toBe('success');
    expect(v.id).toMatch(UUID_V4);
    expect(v.status).toBe('created');
    expect(v.vendorData).toBe('user-1');
    expect(v.url).toMatch(/\/j\/[A-Za-z0-9_-]+$/);
    expect(v.sessionToken.split('.')).toHaveLength(3);

    // The response is signed like Veriff's: HMAC of the body with the shared secret.
    expect(created.headers.get('x-hmac-signature')).toBe(veriff.hmac(created.raw));

    const front = await veriff.uploadMedia(v.id, 'document-front', photos.sharpJpeg);
    expect(front.status).toBe(200);
    expect(front.body.image.context).toBe('document-front');
    expect(front.body.image.id).toMatch(UUID_V4);
    const face = await veriff.uploadMedia(v.id, 'face', photos.png);
    expect(face.status).toBe(200);
    const collected = await veriff.collectedData(v.id, {
      providerName: 'acme-signup',
      network: { ip: '203.0.113.9' },
      device: { fingerprint: 'fp-123' },
      person: { email: 'anna@example.com' },
    });
    expect(collected.status).toBe(200);

    const submitted = await veriff.submit(v.id);
    expect(submitted.status).toBe(200);
    expect(submitted.body.verification.status).toBe('submitted');

    // After submission, media is refused with 409 as at Veriff.
    const late = await veriff.uploadMedia(v.id, 'face', photos.png);
    expect(late.status).toBe(409);
    expect(late.body.status).toBe('fail');

    const hooks = await waitFor(
      async () => {
        const mine = receiver.received
          .slice(start)
          .filter((h) => vjson(h).id === v.id || vjson(h).verification?.id === v.id);
        return mine.some((h) => vjson(h).verification) && mine;
      },
      20_000,
      'the decision webhook',
    );
    expect(
      isValidVeriffWebhook(hooks[0]!.body, hooks[0]!.headers['x-hmac-signature'] as string, credential.key),
    ).toBe(false);
    for (const h of hooks) {
      expect(isValidVeriffWebhook(h.body, h.headers['x-hmac-signature'] as string, credential.secret)).toBe(
        true,
      );
      expect(h.headers['x-auth-client']).toBe(credential.key);
    }
    const events = hooks.filter((h) => vjson(h).action);
    expect(events.map((h) => [vjson(h).action, vjson(h).code])).toEqual([
      ['started', 7001],
      ['submitted', 7002],
    ]);
    expect(vjson(events[0]!).vendorData).toBe('user-1');
    expect(vjson(events[0]!).endUserId).toBe('c1de400b-2a4d-4d6f-8c4e-6d5b1c0f2a11');
    const decision = vjson(hooks.find((h) => vjson(h).verification)!);
    expect(decision.status).toBe('success');
    expect(decision.verification.id).toBe(v.id);
    expect(decision.verification.status).toBe('approved');
    expect(decision.verification.code).toBe(9001);
    expect(decision.verification.reasonCode).toBeNull();
    expect(decision.verification.vendorData).toBe('user-1');
    expect(decision.verification.attemptId).toMatch(UUID_V4);
    expect(decision.technicalData.ip).toBe('203.0.113.9');

    // The same decision through the API, signed with the session id.
    const got = await veriff.get(`/sessions/${v.id}/decision`, v.id);
    expect(got.status).toBe(200);
    expect(got.body.verification.status).toBe('approved');
    expect(got.body.verification.attemptId).toBe(decision.verification.attemptId);

    const attempts = await veriff.get(`/sessions/${v.id}/attempts`, v.id);
    expect(attempts.body.verifications).toEqual([
      { id: decision.verification.attemptId, status: 'approved' },
    ]);
    const media = await veriff.get(`/sessions/${v.id}/media`, v.id);
    expect(media.body.images.map((i: { context: string }) => i.context).sort()).toEqual([
      'document-front',
      'face',
    ]);
    const byAttempt = await veriff.get(
      `/attempts/${decision.verification.attemptId}/media`,
      decision.verification.attemptId,
    );
    expect(byAttempt.body.images).toHaveLength(2);
    const file = await veriff.get(`/media/${front.body.image.id}`, front.body.image.id);
    expect(file.status).toBe(200);
    expect(file.raw.equals(photos.sharpJpeg)).toBe(true);
    const person = await veriff.get(`/sessions/${v.id}/person`, v.id);
    expect(person.body.person.firstName).toBe('Anna');
    const watchlist = await veriff.get(`/sessions/${v.id}/watchlist-screening`, v.id);
    expect(watchlist.body).toEqual({ status: 'success', data: null }); // the test workflow has no AML check

    // Deliveries go through the native log, with the exact Veriff bytes.
    const endpoints = await server.api.json('GET', '/v1/webhooks');
    const endpoint = endpoints.body.data.find((e: { url: string }) => e.url === receiver.url);
    const log = await server.api.json('GET', `/v1/webhooks/${endpoint.id}/deliveries`);
    expect(log.body.data.length).toBeGreaterThanOrEqual(3);

    const deleted = await veriff.delete(v.id);
    expect(deleted.status).toBe(200);
    expect((await veriff.get(`/sessions/${v.id}/decision`, v.id)).status).toBe(404);
  });

  it('sends resubmission_requested with code 9103 and a Veriff reason code', async () => {
    const start = receiver.received.length;
    const { body } = await veriff.createSession({ vendorData: 'user-2' });
    const id = body.verification.id;
    await veriff.uploadMedia(id, 'document-front', photos.sharpJpeg); // no face: the workflow needs one
    await veriff.submit(id);
    const hook = await waitFor(
      async () => receiver.received.slice(start).find((h) => vjson(h).verification?.id === id),
      20_000,
      'the decision webhook',
    );
    expect(vjson(hook).verification).toMatchObject({
      status: 'resubmission_requested',
      code: 9103,
      reasonCode: 201,
      reason: 'Video and/or photos missing',
    });
  });

  it('refuses missing, malformed, unknown and revoked keys with Veriff codes', async () => {
    const url = `${server.api.base}/compat/veriff/v1/sessions`;
    const post = async (headers: Record<string, string>) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{"verification":{}}',
      });
      return { status: res.status, json: async () => (await res.json()) as { status: string; code: string } };
    };
    const missing = await post({});
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ status: 'fail', code: '1801' });
    expect((await (await post({ 'x-auth-client': 'not-a-uuid' })).json()).code).toBe('1802');
    expect((await (await post({ 'x-auth-client': crypto.randomUUID() })).json()).code).toBe('1803');
    // A native API key is not a Veriff key.
    expect((await post({ 'x-auth-client': server.api.key })).status).toBe(401);
    expect(
      (
        await (
          await post({ 'x-auth-client': credential.key, 'vrf-integration-id': crypto.randomUUID() })
        ).json()
      ).code,
    ).toBe('1803');
    expect(
      (await post({ 'x-auth-client': credential.key, 'vrf-integration-id': credential.integrationId }))
        .status,
    ).toBe(201);

    const other = await server.api.json('POST', '/v1/dialect-credentials', {
      name: 'old',
      dialect: 'veriff',
    });
    await server.api.json('DELETE', `/v1/dialect-credentials/${other.body.id}`);
    const revoked = await post({ 'x-auth-client': other.body.key });
    expect(revoked.status).toBe(401);
    expect((await revoked.json()).code).toBe('1804');
  });

  it('refuses bad signatures, and accepts the legacy X-SIGNATURE', async () => {
    const { body } = await veriff.createSession({});
    const id = body.verification.id;
    const media = { image: { context: 'face', content: photos.png.toString('base64') } };
    const wrongSecret = veriffClient(`${server.api.base}/compat/veriff`, credential.key, crypto.randomUUID());
    const bad = await wrongSecret.call('POST', `/sessions/${id}/media`, { body: media });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('1819');
    // Signing the id where the body is due (a common mistake) fails the same way.
    expect(
      (await veriff.call('POST', `/sessions/${id}/media`, { body: media, signWith: id })).body.code,
    ).toBe('1819');
    expect((await wrongSecret.get(`/sessions/${id}/decision`, id)).body.code).toBe('1818');
    expect((await veriff.get(`/sessions/${id}/decision`, 'another-id')).body.code).toBe('1818');
    const notHex = await veriff.call('GET', `/sessions/${id}/decision`, {
      headers: { 'x-hmac-signature': 'zz' },
    });
    expect(notHex.body.code).toBe('1812');
    const unsigned = await fetch(`${server.api.base}/compat/veriff/v1/sessions/${id}/decision`, {
      headers: { 'x-auth-client': credential.key },
    });
    expect(unsigned.status).toBe(401);

    const legacy = await veriff.call('GET', `/sessions/${id}/decision`, {
      headers: { 'x-signature': veriff.legacySignature(id) },
    });
    expect(legacy.status).toBe(200);
    const legacyBad = await veriff.call('GET', `/sessions/${id}/decision`, {
      headers: { 'x-signature': veriff.legacySignature('x') },
    });
    expect(legacyBad.body.code).toBe('1813');
    // Tampering with a signed body after signing is caught.
    const raw = JSON.stringify(media);
    const tampered = await veriff.call('POST', `/sessions/${id}/media`, {
      body: raw.replace('"face"', '"document-front"'),
      headers: { 'x-hmac-signature': veriff.hmac(raw) },
    });
    expect(tampered.body.code).toBe('1819');
  });

  it('refuses replayed requests whose timestamp is over an hour old (code 1201)', async () => {
    const { body } = await veriff.createSession({});
    const id = body.verification.id;
    const old = new Date(Date.now() - 2 * 3_600_000).toISOString();
    const replayedUpload = await veriff.uploadMedia(id, 'face', photos.png, old);
    expect(replayedUpload.status).toBe(400);
    expect(replayedUpload.body.code).toBe('1201');
    expect((await veriff.submit(id, old)).body.code).toBe('1201');
    expect((await veriff.createSession({ timestamp: old })).body.code).toBe('1201');
    expect((await veriff.submit(id, 'yesterday')).body.code).toBe('1202');
  });

  it('validates like Veriff: missing verification, vendorData, callback, contexts, base64, ids', async () => {
    expect((await veriff.call('POST', '/sessions', { body: {} })).body.code).toBe('1102');
    expect((await veriff.createSession({ vendorData: 'x'.repeat(1001) })).body.code).toBe('1500');
    expect((await veriff.createSession({ vendorData: 12 })).body.code).toBe('1501');
    expect((await veriff.createSession({ callback: 'http://example.com' })).body.code).toBe('1302');
    expect((await veriff.createSession({ person: { dateOfBirth: '01.02.1990' } })).body.code).toBe('1203');
    const { body } = await veriff.createSession({});
    const id = body.verification.id;
    expect((await veriff.call('POST', `/sessions/${id}/media`, { body: {} })).body.code).toBe('1403');
    expect(
      (await veriff.call('POST', `/sessions/${id}/media`, { body: { image: { context: 'face' } } })).body
        .code,
    ).toBe('1400');
    expect((await veriff.uploadMedia(id, 'selfie-with-cat', photos.png)).body.code).toBe('1402');
    const notBase64 = await veriff.call('POST', `/sessions/${id}/media`, {
      body: { image: { context: 'face', content: '%%%' } },
    });
    expect(notBase64.body.code).toBe('1401');
    expect(
      (await veriff.call('PATCH', `/sessions/${id}`, { body: { verification: { status: 'approved' } } })).body
        .code,
    ).toBe('1303');
    expect((await veriff.collectedData(id, { providerName: 'x' })).body.code).toBe('1102');
    expect((await veriff.get('/sessions/not-a-uuid/decision', 'not-a-uuid')).body.code).toBe('1002');
    const unknown = crypto.randomUUID();
    expect((await veriff.get(`/sessions/${unknown}/decision`, unknown)).status).toBe(404);
    const notJson = await veriff.call('PATCH', `/sessions/${id}`, { body: '{"verification":' });
    expect(notJson.status).toBe(400);
  });

  it("keeps applications apart: another application's Veriff key cannot see the session", async () => {
    const { body } = await veriff.createSession({});
    const id = body.verification.id;
    const foreign = await server.otherApi.json('POST', '/v1/dialect-credentials', {
      name: 'x',
      dialect: 'veriff',
    });
    const stranger = veriffClient(`${server.api.base}/compat/veriff`, foreign.body.key, foreign.body.secret);
    expect((await stranger.get(`/sessions/${id}/decision`, id)).status).toBe(404);
  });

  it('answers services openidv does not run with a clear documented error', async () => {
    const { body } = await veriff.createSession({});
    const id = body.verification.id;
    for (const path of [`/sessions/${id}/decision/ine-registry`, `/sessions/${id}/decision/curp-registry`]) {
      const r = await veriff.get(path, id);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('1301');
      expect(r.body.message).toMatch(/openidv does not run/);
    }
    const mfa = await veriff.call('POST', `/sessions/${id}/mfa/generate`, { body: {} });
    expect(mfa.body).toMatchObject({ status: 'fail', code: '1301' });
    expect((await veriff.call('POST', '/sessions/validate-registry', { body: {} })).body.code).toBe('1301');
  });
});
