import { testDialects } from '@openidv/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitFor } from '../support/harness.ts';
import { multipart, testPhotos } from '../support/photos.ts';

describe.each(await testDialects())('sessions API refuses bad input clearly, on %s', (dialect) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let photos: Awaited<ReturnType<typeof testPhotos>>;

  beforeAll(async () => {
    [server, photos] = await Promise.all([
      startTestServer(dialect, { OPENIDV_UPLOAD_LIMIT_BYTES: String(300_000) }),
      testPhotos(),
    ]);
  });
  afterAll(async () => server?.close());

  const expectError = (res: { status: number; body: any }, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.error.message).toBe('string');
    expect(res.body.error.requestId).toMatch(/^req_/);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/); // never a stack trace
  };

  it('malformed JSON is 400 BAD_REQUEST', async () => {
    expectError(await server.api.json('POST', '/v1/sessions', '{"vendorData":'), 400, 'BAD_REQUEST');
  });

  it('wrong types and unknown fields are 400 VALIDATION_FAILED naming the field', async () => {
    const res = await server.api.json('POST', '/v1/sessions', { vendorData: 12, lifetimeSeconds: 'soon' });
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.message).toContain('vendorData');
    expect(res.body.error.message).toContain('lifetimeSeconds');
    expectError(await server.api.json('POST', '/v1/sessions', { surprise: true }), 400, 'VALIDATION_FAILED');
    const dob = await server.api.json('POST', '/v1/sessions', { person: { dateOfBirth: '01/02/1990' } });
    expectError(dob, 400, 'VALIDATION_FAILED');
    expect(dob.body.error.message).toContain('YYYY-MM-DD');
    expectError(await server.api.json('GET', '/v1/sessions?limit=100000'), 400, 'VALIDATION_FAILED');
    expectError(await server.api.json('GET', '/v1/sessions?status=happy'), 400, 'VALIDATION_FAILED');
  });

  it('an unknown workflow is 404 and an unknown session is 404', async () => {
    expectError(await server.api.json('POST', '/v1/sessions', { workflowId: 'wf_nope' }), 404, 'NOT_FOUND');
    expectError(await server.api.json('GET', '/v1/sessions/ses_nope'), 404, 'NOT_FOUND');
    expectError(await server.api.json('GET', '/v1/nothing-here'), 404, 'NOT_FOUND');
  });

  it('uploads: a non-image is 415, an oversized file is 413, a bad context or missing file is 400', async () => {
    const { body: s } = await server.api.json('POST', '/v1/sessions', {});
    const pdf = Buffer.from(
      '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
    );
    // A PDF named .jpg and declared image/jpeg is still a PDF.
    expectError(
      await server.api.json(
        'POST',
        `/v1/sessions/${s.id}/media`,
        multipart('document-front', pdf, 'id.jpg', 'image/jpeg'),
      ),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectError(
      await server.api.json('POST', `/v1/sessions/${s.id}/media`, {
        context: 'face',
        content: Buffer.from('hello').toString('base64'),
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    const big = Buffer.concat([photos.sharpJpeg, Buffer.alloc(400_000)]);
    expectError(
      await server.api.json('POST', `/v1/sessions/${s.id}/media`, multipart('face', big)),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expectError(
      await server.api.json('POST', `/v1/sessions/${s.id}/media`, {
        context: 'face',
        content: big.toString('base64'),
      }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expectError(
      await server.api.json('POST', `/v1/sessions/${s.id}/media`, multipart('selfie-ish', photos.sharpJpeg)),
      400,
      'VALIDATION_FAILED',
    );
    const noFile = new FormData();
    noFile.append('context', 'face');
    expectError(
      await server.api.json('POST', `/v1/sessions/${s.id}/media`, noFile),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await server.api.json('POST', `/v1/sessions/${s.id}/media`, { context: 'face', content: '***' }),
      400,
      'VALIDATION_FAILED',
    );
    // Nothing of the refused uploads was stored.
    expect((await server.api.json('GET', `/v1/sessions/${s.id}/media`)).body.data).toEqual([]);
  });

  it('invalid transitions and uploads after submission are 409 with stable codes, and lose nothing', async () => {
    const { body: s } = await server.api.json('POST', '/v1/sessions', {});
    await server.api.json(
      'POST',
      `/v1/sessions/${s.id}/media`,
      multipart('document-front', photos.sharpJpeg),
    );
    await server.api.json('POST', `/v1/sessions/${s.id}/media`, multipart('face', photos.sharpJpeg));
    expect((await server.api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'submitted' })).status).toBe(
      200,
    );
    expectError(
      await server.api.json('POST', `/v1/sessions/${s.id}/media`, multipart('face', photos.sharpJpeg)),
      409,
      'SESSION_NOT_ACCEPTING_MEDIA',
    );
    expectError(
      await server.api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'submitted' }),
      409,
      'INVALID_TRANSITION',
    );
    expectError(
      await server.api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'approved' }),
      400,
      'VALIDATION_FAILED',
    );
    await waitFor(
      async () => (await server.api.json('GET', `/v1/sessions/${s.id}/decision`)).body.status === 'approved',
    );
    expectError(
      await server.api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'cancelled' }),
      409,
      'INVALID_TRANSITION',
    );
    expectError(
      await server.api.json('POST', `/v1/sessions/${s.id}/collected-data`, { ip: '203.0.113.1' }),
      409,
      'INVALID_TRANSITION',
    );
    expect((await server.api.json('GET', `/v1/sessions/${s.id}/media`)).body.data).toHaveLength(2);
  });

  it('a session submitted with no photos is asked to resubmit (MEDIA_MISSING), never approved', async () => {
    const { body: s } = await server.api.json('POST', '/v1/sessions', {});
    await server.api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'submitted' });
    const d = await waitFor(async () => {
      const r = await server.api.json('GET', `/v1/sessions/${s.id}/decision`);
      return r.body.status !== 'pending' && r.body;
    });
    expect(d.status).toBe('resubmission_requested');
    expect(d.reasons.map((r: { code: string }) => r.code)).toEqual(['MEDIA_MISSING', 'MEDIA_MISSING']);
  });

  it('an expired session refuses uploads and submission with SESSION_EXPIRED', async () => {
    const { body: s } = await server.api.json('POST', '/v1/sessions', { lifetimeSeconds: 60 });
    // Move its expiry into the past, as time would.
    const db = server.db.open();
    await db.db
      .updateTable('sessions')
      .set({ expires_at: Date.now() - 1000 })
      .where('id', '=', s.id)
      .execute();
    await db.close();
    expectError(
      await server.api.json('POST', `/v1/sessions/${s.id}/media`, multipart('face', photos.sharpJpeg)),
      409,
      'SESSION_EXPIRED',
    );
    expectError(
      await server.api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'submitted' }),
      409,
      'SESSION_EXPIRED',
    );
  });

  it('a repeated Idempotency-Key replays the first response and does not create twice', async () => {
    const key = `idem-${Date.now()}`;
    const a = await server.api.json('POST', '/v1/sessions', { vendorData: key }, { 'idempotency-key': key });
    const b = await server.api.json('POST', '/v1/sessions', { vendorData: key }, { 'idempotency-key': key });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    const list = await server.api.json('GET', `/v1/sessions?vendorData=${key}`);
    expect(list.body.data).toHaveLength(1);
    expectError(
      await server.api.json('POST', '/v1/sessions', { vendorData: 'different' }, { 'idempotency-key': key }),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
    // Keys are per application: another application may use the same one.
    const other = await server.otherApi.json(
      'POST',
      '/v1/sessions',
      { vendorData: key },
      { 'idempotency-key': key },
    );
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(a.body.id);
  });
});
