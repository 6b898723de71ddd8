import type { Dialect } from '@openidv/storage';
import { testDialects } from '@openidv/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueDialectCredential, startReceiver, startTestServer, waitFor } from '../support/harness.ts';
import { testPhotos, visserPassport } from '../support/photos.ts';
import { idenfyClient, isValidIdenfyWebhook } from './idenfy-client.ts';

type Hook = { body: string; headers: Record<string, string | string[] | undefined>; json: unknown };
// biome-ignore lint/suspicious/noExplicitAny: webhook bodies are read as iDenfy documents them
const ijson = (h: Hook) => h.json as Record<string, any>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** openidv with an iDenfy credential whose webhooks go to a receiver, and an iDenfy client holding it. */
async function startIdenfy(dialect: Dialect, env: Record<string, string> = {}) {
  const server = await startTestServer(dialect, env);
  const receiver = await startReceiver();
  const credential = await issueDialectCredential(server.api, {
    name: 'idenfy-migration',
    dialect: 'idenfy',
    webhookUrl: receiver.url,
  });
  const idenfy = idenfyClient(
    credential.baseUrl.replace('localhost', '127.0.0.1'),
    credential.key,
    credential.secret,
  );
  return { server, receiver, credential, idenfy };
}

type Idenfy = Awaited<ReturnType<typeof startIdenfy>>;

describe.each(await testDialects())('iDenfy dialect, on %s', (dialect) => {
  let server: Idenfy['server'];
  let receiver: Idenfy['receiver'];
  let credential: Idenfy['credential'];
  let idenfy: Idenfy['idenfy'];
  let photos: Awaited<ReturnType<typeof testPhotos>>;

  beforeAll(async () => {
    ({ server, receiver, credential, idenfy } = await startIdenfy(dialect));
    photos = await testPhotos();
  });
  afterAll(async () => {
    await receiver?.close();
    await server?.close();
  });

  const hooksFor = (scanRef: string, from = 0) =>
    (receiver.received as Hook[]).slice(from).filter((h) => ijson(h).scanRef === scanRef);

  it('issues an API key and secret in iDenfy shape, with the base URL to use', () => {
    expect(credential.key).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(credential.secret).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(credential.baseUrl).toMatch(/\/compat\/idenfy$/);
  });

  it('runs the whole flow: token, journey links, direct processing, signed result webhook, status, data, deletion', async () => {
    const start = receiver.received.length;
    const token = await idenfy.token({
      clientId: 'user-123',
      firstName: 'Anna Maria',
      lastName: 'Meier',
      dateOfBirth: '1990-04-01',
      successUrl: 'https://example.com/verified',
      errorUrl: 'https://example.com/failed',
      locale: 'et',
      expiryTime: 1800,
      externalRef: 'order-77',
    });
    expect(token.status).toBe(201);
    const t = token.body;
    expect(t.message).toBe('Token created successfully');
    expect(t.scanRef).toMatch(UUID);
    expect(t.authToken).toMatch(/^[A-Za-z0-9_-]{10,40}$/);
    expect(t.clientId).toBe('user-123');
    expect(t.firstName).toBe('ANNA MARIA');
    expect(t.lastName).toBe('MEIER');
    expect(t.expiryTime).toBe(1800);
    expect(t.sessionLength).toBe(600);
    expect(t.redirectUrl).toMatch(/\/compat\/idenfy\/api\/v2\/redirect\?authToken=/);

    // The redirect URL and the iFrame URL (?authToken=) both lead to the applicant journey, without the API keys.
    for (const url of [
      t.redirectUrl.replace('localhost', '127.0.0.1'),
      `${credential.baseUrl.replace('localhost', '127.0.0.1')}/?authToken=${t.authToken}`,
    ]) {
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toMatch(new RegExp(`/j/${t.authToken}$`));
    }
    const page = await fetch(`${server.api.base}/j/${t.authToken}`);
    expect(page.status).toBe(200);

    // The session carries what the token asked for.
    const native = await server.api.json('GET', '/v1/sessions?vendorData=user-123');
    const s = native.body.data[0];
    expect(s.person).toEqual({
      firstName: 'ANNA MARIA',
      lastName: 'MEIER',
      dateOfBirth: '1990-04-01',
    });
    // The journey ends at the dialect's result page, which sends the applicant on by outcome.
    expect(s.callbackUrl).toBe(`${credential.baseUrl}/result?scanRef=${t.scanRef}`);
    expect(s.locale).toBe('et');
    expect(Date.parse(s.expiresAt) - Date.parse(s.createdAt)).toBe(1800_000);

    const before = await idenfy.status(t.scanRef);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ status: 'ACTIVE', scanRef: t.scanRef, clientId: 'user-123' });

    // A live token cannot be deleted yet, as at iDenfy.
    const early = await idenfy.remove(t.scanRef);
    expect(early.status).toBe(400);
    expect(early.body).toEqual({ identifier: 'PARTNER_ERROR', message: 'Token has not expired yet.' });

    const processed = await idenfy.process({
      authToken: t.authToken,
      country: 'EE',
      documentType: 'PASSPORT',
      images: { FRONT: photos.sharpJpeg.toString('base64'), FACE: photos.png.toString('base64') },
    });
    expect([processed.status, processed.raw]).toEqual([200, '']);

    // The token is used up: processing it again is refused the iDenfy way.
    const again = await idenfy.process({
      authToken: t.authToken,
      images: { FRONT: photos.png.toString('base64') },
    });
    expect(again.status).toBe(400);
    expect(again.body.identifier).toBe('TOKEN_NOT_VALID');

    const hook = await waitFor(async () => hooksFor(t.scanRef, start)[0], 20_000, 'the result webhook');
    // Verified as iDenfy tells integrators to: HMAC-SHA256 of the raw body with the signing key.
    expect(
      isValidIdenfyWebhook(hook.body, hook.headers['idenfy-signature'] as string, credential.secret),
    ).toBe(true);
    expect(isValidIdenfyWebhook(hook.body, hook.headers['idenfy-signature'] as string, credential.key)).toBe(
      false,
    );
    expect(
      isValidIdenfyWebhook(`${hook.body} `, hook.headers['idenfy-signature'] as string, credential.secret),
    ).toBe(false);
    expect(hook.headers['idenfy-event-type']).toBe('IDENTIFICATION_AUTO_FINISHED');
    const result = ijson(hook);
    expect(result.final).toBe(true);
    expect(result.status.overall).toBe('APPROVED');
    expect(result.status.fraudTags).toEqual([]);
    expect(result.status.mismatchTags).toEqual([]);
    // The default test workflow only judges photo quality: neither part was analysed.
    expect([result.status.autoDocument, result.status.autoFace]).toEqual([
      'DOC_NOT_ANALYSED',
      'FACE_NOT_ANALYSED',
    ]);
    expect(result).toMatchObject({ scanRef: t.scanRef, clientId: 'user-123', externalRef: 'order-77' });
    expect(result.data).toMatchObject({ selectedCountry: 'EE', docType: 'PASSPORT' });
    expect(typeof result.startTime).toBe('number');
    expect(typeof result.finishTime).toBe('number');

    const polled = await idenfy.status(t.scanRef);
    expect(polled.body).toMatchObject({
      status: 'APPROVED',
      fraudTags: [],
      mismatchTags: [],
      scanRef: t.scanRef,
      clientId: 'user-123',
    });
    const data = await idenfy.data(t.scanRef);
    expect(data.status).toBe(200);
    expect(data.body).toMatchObject({ scanRef: t.scanRef, clientId: 'user-123', selectedCountry: 'EE' });

    const removed = await idenfy.remove(t.scanRef);
    expect(removed.status).toBe(200);
    expect(removed.raw).toBe('');
    expect((await idenfy.status(t.scanRef)).body.status).toBe('DELETED');
    expect((await idenfy.remove(t.scanRef)).body.identifier).toBe('PARTNER_ERROR');
  });

  it('sends the applicant at the end to successUrl once the automatic result is in, waiting for it', async () => {
    const urls = {
      successUrl: 'https://shop.example/kyc/ok',
      errorUrl: 'https://shop.example/kyc/failed',
      unverifiedUrl: 'https://shop.example/kyc/unverified',
    };
    const t = (await idenfy.token({ clientId: 'user-return', ...urls })).body;
    expect(t).toMatchObject(urls);
    const result = `${credential.baseUrl.replace('localhost', '127.0.0.1')}/result?scanRef=${t.scanRef}`;
    // Not finished yet: back to the journey.
    const early = await fetch(result, { redirect: 'manual' });
    expect(early.status).toBe(302);
    expect(early.headers.get('location')).toMatch(new RegExp(`/j/${t.authToken}$`));

    const processed = await idenfy.process({
      authToken: t.authToken,
      images: { FRONT: photos.sharpJpeg.toString('base64'), FACE: photos.png.toString('base64') },
    });
    expect(processed.status).toBe(200);
    // Asked while the checks run, the page waits for the automatic result instead of guessing.
    const res = await fetch(result, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(urls.successUrl);
    expect((await idenfy.status(t.scanRef)).body.status).toBe('APPROVED');

    const unknown = await fetch(result.replace(t.scanRef, '00000000-0000-4000-8000-000000000000'), {
      redirect: 'manual',
    });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { identifier: string }).identifier).toBe('TOKEN_NOT_VALID');
  });

  it('reports a photo to retake as DENIED, not final, and the same token takes the new photos', async () => {
    const start = receiver.received.length;
    const t = (await idenfy.token({ clientId: 'user-retake' })).body;
    const blurred = await idenfy.process({
      authToken: t.authToken,
      images: { FRONT: photos.blurredJpeg.toString('base64'), FACE: photos.png.toString('base64') },
    });
    expect(blurred.status).toBe(200);
    const first = await waitFor(async () => hooksFor(t.scanRef, start)[0], 20_000, 'the first result');
    expect(ijson(first).final).toBe(false);
    expect(ijson(first).status.overall).toBe('DENIED');
    expect(ijson(first).status.autoDocument).toBe('DOC_TOO_BLURRY');
    expect((await idenfy.status(t.scanRef)).body.status).toBe('DENIED');

    const retaken = await idenfy.process({
      authToken: t.authToken,
      images: { FRONT: photos.sharpJpeg.toString('base64'), FACE: photos.png.toString('base64') },
    });
    expect(retaken.status).toBe(200);
    const second = await waitFor(async () => hooksFor(t.scanRef, start)[1], 20_000, 'the second result');
    expect([ijson(second).status.overall, ijson(second).final]).toEqual(['APPROVED', true]);
    expect(
      isValidIdenfyWebhook(second.body, second.headers['idenfy-signature'] as string, credential.secret),
    ).toBe(true);
  });

  it('reports what the document says in data.* and a name that differs from the token as a mismatch', async () => {
    const start = receiver.received.length;
    const passport = await visserPassport();
    // ageLimit and country bring the document check into this token's workflow.
    const t = (
      await idenfy.token({
        clientId: 'user-passport',
        firstName: 'Anna Maria',
        lastName: 'Jansen',
        dateOfBirth: '1990-02-15',
        ageLimit: 18,
        country: 'NL',
      })
    ).body;
    const processed = await idenfy.process({
      authToken: t.authToken,
      country: 'NL',
      documentType: 'PASSPORT',
      images: { FRONT: passport.toString('base64'), FACE: photos.png.toString('base64') },
    });
    expect(processed.status).toBe(200);
    const hook = await waitFor(async () => hooksFor(t.scanRef, start)[0], 60_000, 'the result webhook');
    const result = ijson(hook);
    expect(result.data).toMatchObject({
      docFirstName: 'ANNA MARIA',
      docLastName: 'VISSER',
      fullName: 'ANNA MARIA VISSER',
      docNumber: 'NX4R7K2P1',
      docDob: '1990-02-15',
      docExpiry: '2034-01-01',
      docType: 'PASSPORT',
      docSex: 'FEMALE',
      docNationality: 'NL',
      docIssuingCountry: 'NL',
      selectedCountry: 'NL',
    });
    expect(result.status.mismatchTags).toEqual(['NAME']);
    expect(result.status.autoDocument).toBe('DOC_INFO_MISMATCH');
    // As at iDenfy, a mismatch with the data given at token creation makes the result SUSPECTED.
    expect([result.status.overall, result.final]).toEqual(['SUSPECTED', false]);
  });

  it('documents its routes in the OpenAPI reference under Compat: iDenfy', async () => {
    const doc = (await (await fetch(`${server.api.base}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    for (const path of ['token', 'status', 'data', 'process', 'delete']) {
      expect(doc.paths[`/compat/idenfy/api/v2/${path}`]?.['post']?.tags).toEqual(['Compat: iDenfy']);
    }
    expect(doc.paths['/compat/idenfy/api/v2/redirect']?.['get']).toBeDefined();
  });

  it("takes iDenfy's own example request, whose clientId is a number", async () => {
    const res = await idenfy.token({ clientId: 1 });
    expect(res.status).toBe(201);
    expect(res.body.clientId).toBe('1');
  });

  it('refuses missing or wrong credentials with 401 UNAUTHORIZED, and other dialects’ keys', async () => {
    const url = `${credential.baseUrl.replace('localhost', '127.0.0.1')}/api/v2/token`;
    const none = await fetch(url, {
      method: 'POST',
      body: '{"clientId":"x"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({
      identifier: 'UNAUTHORIZED',
      message: 'Invalid authorization credentials',
    });
    const wrongSecret = idenfyClient(
      credential.baseUrl.replace('localhost', '127.0.0.1'),
      credential.key,
      'nope',
    );
    expect((await wrongSecret.token({ clientId: 'x' })).status).toBe(401);
    const veriff = await server.api.json('POST', '/v1/dialect-credentials', { name: 'v', dialect: 'veriff' });
    const crossed = idenfyClient(
      credential.baseUrl.replace('localhost', '127.0.0.1'),
      veriff.body.key,
      veriff.body.secret,
    );
    expect((await crossed.token({ clientId: 'x' })).status).toBe(401);
    // A revoked credential is refused as iDenfy refuses an inactive partner.
    const spare = await server.api.json('POST', '/v1/dialect-credentials', {
      name: 'spare',
      dialect: 'idenfy',
    });
    const spareClient = idenfyClient(
      credential.baseUrl.replace('localhost', '127.0.0.1'),
      spare.body.key,
      spare.body.secret,
    );
    expect((await spareClient.token({ clientId: 'x' })).status).toBe(201);
    expect((await server.api.json('DELETE', `/v1/dialect-credentials/${spare.body.id}`)).status).toBeLessThan(
      300,
    );
    const revoked = await spareClient.token({ clientId: 'x' });
    expect([revoked.status, revoked.body]).toEqual([
      403,
      { identifier: 'PERMISSIONS_ERROR', message: 'Partner inactive' },
    ]);
    // The native API does not take iDenfy keys either.
    const nativeRes = await fetch(`${server.api.base}/v1/sessions`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${credential.key}:${credential.secret}`).toString('base64')}`,
      },
    });
    expect(nativeRes.status).toBe(401);
  });

  it('answers bad input with iDenfy identifiers and a clear message', async () => {
    const cases: [Record<string, unknown> | string, number, string][] = [
      [{}, 400, 'MISSING_VALUE'],
      [{ clientId: 'x', firstName: 'R2D2' }, 400, 'BAD_VALUE'],
      [{ clientId: 'x', dateOfBirth: '01/02/1990' }, 400, 'BAD_VALUE'],
      [{ clientId: 'x', country: 'Estonia' }, 400, 'BAD_VALUE'],
      [{ clientId: 'x', documents: ['LIBRARY_CARD'] }, 400, 'BAD_VALUE'],
      [{ clientId: 'x', checkAml: 'yes' }, 400, 'BAD_VALUE'],
      [{ clientId: 'x', expiryTime: 5 }, 400, 'BAD_VALUE'],
      [{ clientId: 'x', tokenType: 'VIDEO_CALL' }, 400, 'BAD_VALUE'],
      [{ clientId: 'x', nfcRequired: true }, 400, 'BAD_VALUE'],
      [{ clientId: 'x', dummyStatus: 'APPROVED' }, 403, 'PERMISSIONS_ERROR'],
      ['{"clientId": ', 400, 'JSON_ERROR'],
    ];
    for (const [body, status, identifier] of cases) {
      const res = await idenfy.token(body as Record<string, unknown>);
      expect([JSON.stringify(body), res.status, res.body.identifier]).toEqual([
        JSON.stringify(body),
        status,
        identifier,
      ]);
      expect(res.body.message.length).toBeGreaterThan(5);
    }
    expect((await idenfy.status('1b7f4a8e-0000-4000-8000-000000000000')).status).toBe(404);
    const basic = `Basic ${Buffer.from(`${credential.key}:${credential.secret}`).toString('base64')}`;
    const base = credential.baseUrl.replace('localhost', '127.0.0.1');
    const get = await fetch(`${base}/api/v2/token`, { headers: { authorization: basic } });
    expect([get.status, ((await get.json()) as { identifier: string }).identifier]).toEqual([
      405,
      'METHOD_NOT_ALLOWED',
    ]);
    const unknown = async (headers: Record<string, string>) => {
      const res = await fetch(`${base}/api/v2/nothing`, { method: 'POST', headers });
      return [res.status, ((await res.json()) as { identifier: string }).identifier];
    };
    expect(await unknown({ authorization: basic })).toEqual([404, 'BAD_VALUE']);
    expect(await unknown({})).toEqual([401, 'UNAUTHORIZED']);
    expect((await idenfy.post('status', {})).body.identifier).toBe('MISSING_VALUE');
    expect(
      (await idenfy.process({ authToken: 'not-a-token-of-ours', images: { FRONT: 'AAAA' } })).body.identifier,
    ).toBe('TOKEN_NOT_VALID');
    const t = (await idenfy.token({ clientId: 'user-bad-images' })).body;
    expect((await idenfy.process({ authToken: t.authToken, images: { FACE: 'AAAA' } })).body.identifier).toBe(
      'MISSING_VALUE',
    );
    expect(
      (await idenfy.process({ authToken: t.authToken, images: { SELFIE: 'AAAA' } })).body.identifier,
    ).toBe('BAD_VALUE');
    const notImage = await idenfy.process({
      authToken: t.authToken,
      images: { FRONT: Buffer.from('hello').toString('base64') },
    });
    expect(notImage.status).toBe(400);
    expect(notImage.body.identifier).toBe('BAD_VALUE');
    // Nothing was lost: the token still works.
    expect((await idenfy.status(t.scanRef)).body.status).toBe('ACTIVE');
  });

  it('maps the check switches onto a variant of the default workflow, reused for the same switches', async () => {
    const options = {
      checkAml: true,
      checkIpProxy: true,
      checkDuplicateFaces: true,
      checkFaceBlacklist: false,
      ageLimit: 21,
      country: ['EE', 'LV'],
      documents: ['PASSPORT', 'ID_CARD'],
    };
    const a = await idenfy.token({ clientId: 'switches-1', ...options });
    const b = await idenfy.token({ clientId: 'switches-2', ...options });
    expect([a.status, b.status]).toEqual([201, 201]);
    const sessions = await server.api.json('GET', '/v1/sessions?limit=100');
    const wf = (clientId: string) =>
      sessions.body.data.find((s: { vendorData: string }) => s.vendorData === clientId).workflowId;
    expect(wf('switches-1')).toBe(wf('switches-2'));
    const workflow = await server.api.json('GET', `/v1/workflows/${wf('switches-1')}`);
    expect(workflow.body.isDefault).toBe(false);
    const checks = workflow.body.checks as {
      type: string;
      config: Record<string, unknown>;
      reasonActions?: unknown;
    }[];
    expect(checks.map((c) => c.type)).toEqual([
      'image-quality',
      'document',
      'aml',
      'ip-risk',
      'face-duplicates',
    ]);
    expect(checks[1]!.config).toMatchObject({
      minAge: 21,
      acceptedCountries: ['EST', 'LVA'],
      acceptedTypes: ['passport', 'id_card'],
    });
    expect(checks[4]!.reasonActions).toEqual({ FACE_BLOCKLISTED: 'none' });
    // A document-only token drops the selfie checks and the selfie requirement: the journey asks for no selfie.
    const doc = await idenfy.token({ clientId: 'document-only', tokenType: 'DOCUMENT', checkAml: true });
    expect(doc.body.tokenType).toBe('DOCUMENT');
    const docSession = await server.api.json('GET', '/v1/sessions?vendorData=document-only');
    const docWorkflow = await server.api.json('GET', `/v1/workflows/${docSession.body.data[0].workflowId}`);
    const docChecks = docWorkflow.body.checks as { type: string; config: { required?: string[] } }[];
    expect(docChecks.map((c) => c.type)).toEqual(['image-quality', 'aml']);
    expect(docChecks[0]!.config.required).toEqual(['document-front']);
    const plan = await fetch(`${server.api.base}/j/${doc.body.authToken}/api/session`);
    expect(((await plan.json()) as { plan: { steps: string[] } }).plan.steps).not.toContain('selfie');
    expect(
      (await idenfy.token({ clientId: 'x', tokenType: 'DOCUMENT', checkDuplicateFaces: true })).body
        .identifier,
    ).toBe('BAD_VALUE');

    // Without switches the default workflow runs.
    await idenfy.token({ clientId: 'no-switches' });
    const all = await server.api.json('GET', '/v1/sessions?vendorData=no-switches');
    const defaults = await server.api.json('GET', '/v1/workflows');
    const def = defaults.body.data.find((w: { isDefault: boolean }) => w.isDefault);
    expect(all.body.data[0].workflowId).toBe(def.id);
  });
});

describe.each(await testDialects())('iDenfy dummy results in test mode, on %s', (dialect) => {
  let server: Idenfy['server'];
  let receiver: Idenfy['receiver'];
  let credential: Idenfy['credential'];
  let idenfy: Idenfy['idenfy'];

  beforeAll(async () => {
    ({ server, receiver, credential, idenfy } = await startIdenfy(dialect, { OPENIDV_TEST_MODE: 'true' }));
  });
  afterAll(async () => {
    await receiver?.close();
    await server?.close();
  });

  const resultUrl = (scanRef: string) =>
    `${credential.baseUrl.replace('localhost', '127.0.0.1')}/result?scanRef=${scanRef}`;
  const landing = async (scanRef: string) => {
    const res = await fetch(resultUrl(scanRef), { redirect: 'manual' });
    return [res.status, res.headers.get('location')];
  };

  it('sends the applicant to successUrl, errorUrl or unverifiedUrl by outcome', async () => {
    const urls = {
      successUrl: 'https://shop.example/kyc/ok',
      errorUrl: 'https://shop.example/kyc/failed',
      unverifiedUrl: 'https://shop.example/kyc/unverified',
    };
    const landed: Record<string, unknown> = {};
    for (const dummyStatus of ['APPROVED', 'DENIED', 'SUSPECTED', 'EXPIRED']) {
      const t = (await idenfy.token({ clientId: `return-${dummyStatus}`, dummyStatus, ...urls })).body;
      landed[dummyStatus] = await landing(t.scanRef);
    }
    expect(landed).toEqual({
      APPROVED: [302, urls.successUrl],
      DENIED: [302, urls.errorUrl],
      // SUSPECTED is an approval with flags when the document and face passed (here: not analysed, no finding).
      SUSPECTED: [302, urls.successUrl],
      EXPIRED: [302, urls.unverifiedUrl],
    });

    // The applicant cancels in the journey: nothing was analysed.
    const t = (await idenfy.token({ clientId: 'return-cancel', ...urls })).body;
    const consent = await fetch(`${server.api.base}/j/${t.authToken}/api/consent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accept: false }),
    });
    expect(consent.status).toBe(200);
    const state = (await consent.json()) as { phase: string; callbackUrl: string | null };
    expect(state.phase).toBe('cancelled');
    expect(state.callbackUrl).toBe(`${credential.baseUrl}/result?scanRef=${t.scanRef}`);
    expect(await landing(t.scanRef)).toEqual([302, urls.unverifiedUrl]);

    // Without a URL for the outcome, a plain result page (iDenfy shows its own).
    const only = (
      await idenfy.token({ clientId: 'return-only', dummyStatus: 'DENIED', successUrl: urls.successUrl })
    ).body;
    const page = await fetch(resultUrl(only.scanRef), { redirect: 'manual' });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Verification failed.');
    // Without any of the three, the journey keeps its own end page (no callback).
    const none = (await idenfy.token({ clientId: 'return-none' })).body;
    const session = await fetch(`${server.api.base}/j/${none.authToken}/api/session`);
    expect(((await session.json()) as { hasCallback: boolean }).hasCallback).toBe(false);
  });

  it('sends the result webhook of a token with a callbackUrl there, signed with the credential secret', async () => {
    const own = await startReceiver();
    try {
      const start = receiver.received.length;
      const t = (
        await idenfy.token({ clientId: 'own-callback', dummyStatus: 'DENIED', callbackUrl: own.url })
      ).body;
      expect(t.callbackUrl).toBe(own.url);
      const hook = await waitFor(async () => own.received[0], 20_000, 'the webhook at the callbackUrl');
      expect(
        isValidIdenfyWebhook(hook.body, hook.headers['idenfy-signature'] as string, credential.secret),
      ).toBe(true);
      expect(hook.headers['idenfy-event-type']).toBe('IDENTIFICATION_AUTO_FINISHED');
      expect(ijson(hook as Hook)).toMatchObject({
        scanRef: t.scanRef,
        clientId: 'own-callback',
        final: true,
      });
      // Another token's webhook still goes to the credential's URL, and this one's does not.
      const other = (await idenfy.token({ clientId: 'own-callback-2', dummyStatus: 'APPROVED' })).body;
      await waitFor(
        async () =>
          (receiver.received as Hook[]).slice(start).some((h) => ijson(h).scanRef === other.scanRef),
        20_000,
        'the other webhook at the credential URL',
      );
      expect(
        (receiver.received as Hook[]).slice(start).filter((h) => ijson(h).scanRef === t.scanRef),
      ).toEqual([]);
      expect(own.received).toHaveLength(1);
      // It is logged and retried like any delivery, but not listed with the application's endpoints.
      const listed = await server.api.json('GET', '/v1/webhooks');
      expect(listed.body.data.map((e: { url: string }) => e.url)).not.toContain(own.url);
    } finally {
      await own.close();
    }
  });

  it('sends the requested result by signed webhook without running checks', async () => {
    const wanted: [string, string, boolean][] = [
      ['APPROVED', 'APPROVED', true],
      ['DENIED', 'DENIED', true],
      ['SUSPECTED', 'SUSPECTED', false],
      ['EXPIRED', 'EXPIRED', true],
    ];
    const refs: string[] = [];
    for (const [dummyStatus] of wanted) {
      const res = await idenfy.token({ clientId: `dummy-${dummyStatus}`, dummyStatus });
      expect(res.status).toBe(201);
      refs.push(res.body.scanRef);
    }
    const hooks = await waitFor(
      async () => {
        const got = refs.map((r) => (receiver.received as Hook[]).find((h) => ijson(h).scanRef === r));
        return got.every(Boolean) && (got as Hook[]);
      },
      20_000,
      'the dummy webhooks',
    );
    hooks.forEach((h, i) => {
      const [, overall, final] = wanted[i]!;
      expect(isValidIdenfyWebhook(h.body, h.headers['idenfy-signature'] as string, credential.secret)).toBe(
        true,
      );
      expect(h.headers['idenfy-event-type']).toBe(
        overall === 'EXPIRED' ? 'IDENTIFICATION_EXPIRED' : 'IDENTIFICATION_AUTO_FINISHED',
      );
      expect([ijson(h).clientId, ijson(h).status.overall, ijson(h).final]).toEqual([
        `dummy-${wanted[i]![0]}`,
        overall,
        final,
      ]);
      // No check ran; an expired token has no result at all.
      expect([ijson(h).status.autoDocument, ijson(h).status.autoFace]).toEqual(
        overall === 'EXPIRED' ? [null, null] : ['DOC_NOT_ANALYSED', 'FACE_NOT_ANALYSED'],
      );
    });
    expect((await idenfy.status(refs[1]!)).body.status).toBe('DENIED');

    // SUSPECTED is not final: a reviewer's approval follows as iDenfy's manual result.
    const listed = await server.api.json('GET', '/v1/sessions?vendorData=dummy-SUSPECTED');
    const reviewed = await server.api.json('POST', `/v1/sessions/${listed.body.data[0].id}/review`, {
      decision: 'approved',
    });
    expect(reviewed.status).toBe(200);
    const manual = await waitFor(
      async () => (receiver.received as Hook[]).filter((h) => ijson(h).scanRef === refs[2])[1],
      20_000,
      'the manual result',
    );
    expect(
      isValidIdenfyWebhook(manual.body, manual.headers['idenfy-signature'] as string, credential.secret),
    ).toBe(true);
    expect(manual.headers['idenfy-event-type']).toBe('IDENTIFICATION_MANUAL_FINISHED');
    expect(ijson(manual)).toMatchObject({
      final: true,
      status: { overall: 'APPROVED', manualDocument: 'DOC_VALIDATED', manualFace: 'FACE_MATCH' },
      data: { manuallyDataChanged: false },
    });
  });
});

describe('iDenfy token callbackUrl under the webhook address rules', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let idenfy: ReturnType<typeof idenfyClient>;

  beforeAll(async () => {
    server = await startTestServer('sqlite', { OPENIDV_WEBHOOK_ALLOW_PRIVATE: 'false' });
    const credential = await issueDialectCredential(server.api, { name: 'no-private', dialect: 'idenfy' });
    idenfy = idenfyClient(
      credential.baseUrl.replace('localhost', '127.0.0.1'),
      credential.key,
      credential.secret,
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a callbackUrl the webhook rules refuse with BAD_VALUE, storing nothing', async () => {
    const workflowsBefore = (await server.api.json('GET', '/v1/workflows')).body.data.length;
    for (const callbackUrl of [
      'http://127.0.0.1:9/hook',
      'http://[::1]/hook',
      'http://10.1.2.3/hook',
      'https://user:pass@example.com/hook',
    ]) {
      const res = await idenfy.token({ clientId: 'refused-callback', callbackUrl, checkAml: true });
      expect(res.status, callbackUrl).toBe(400);
      expect(res.body.identifier).toBe('BAD_VALUE');
      expect(res.body.message).toMatch(/^callbackUrl: /);
    }
    expect((await server.api.json('GET', '/v1/sessions?vendorData=refused-callback')).body.data).toEqual([]);
    // Not even the workflow variant the switches would have made.
    expect((await server.api.json('GET', '/v1/workflows')).body.data.length).toBe(workflowsBefore);
  });
});
