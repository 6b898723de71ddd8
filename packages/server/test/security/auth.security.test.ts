import { testDialects } from '@openidv/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, startTestServer } from '../support/harness.ts';
import { multipart, testPhotos } from '../support/photos.ts';

/** Every route of the API, with a placeholder for ids: each must refuse a missing, wrong or revoked key. */
const ROUTES: [string, string][] = [
  ['POST', '/v1/sessions'],
  ['GET', '/v1/sessions'],
  ['GET', '/v1/sessions/:id'],
  ['PATCH', '/v1/sessions/:id'],
  ['DELETE', '/v1/sessions/:id'],
  ['GET', '/v1/sessions/:id/decision'],
  ['GET', '/v1/sessions/:id/attempts'],
  ['GET', '/v1/sessions/:id/events'],
  ['POST', '/v1/sessions/:id/collected-data'],
  ['POST', '/v1/sessions/:id/media'],
  ['GET', '/v1/sessions/:id/media'],
  ['GET', '/v1/sessions/:id/media/med_x'],
  ['POST', '/v1/webhooks'],
  ['GET', '/v1/webhooks'],
  ['GET', '/v1/webhooks/:id'],
  ['DELETE', '/v1/webhooks/:id'],
  ['GET', '/v1/webhooks/:id/deliveries'],
  ['GET', '/v1/webhooks/:id/deliveries/whd_x'],
  ['POST', '/v1/webhooks/:id/deliveries/whd_x/redeliver'],
  ['GET', '/v1/checks'],
  ['POST', '/v1/workflows'],
  ['GET', '/v1/workflows'],
  ['GET', '/v1/workflows/:id'],
  ['PUT', '/v1/workflows/:id'],
  ['DELETE', '/v1/workflows/:id'],
  ['GET', '/v1/keys'],
  ['POST', '/v1/keys'],
  ['DELETE', '/v1/keys/:id'],
];

describe.each(await testDialects())('authentication and isolation, on %s', (dialect) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let sessionId: string;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    sessionId = (await server.api.json('POST', '/v1/sessions', { vendorData: 'secret-user' })).body.id;
  });
  afterAll(async () => server?.close());

  it('every route refuses a request without a key, with a bad scheme, and with an unknown key (401)', async () => {
    for (const [method, path] of ROUTES) {
      const url = `${server.api.base}${path.replace(':id', sessionId)}`;
      for (const authorization of [undefined, `Basic ${server.api.key}`, 'Bearer oidv_not-a-real-key']) {
        const res = await fetch(url, {
          method,
          headers: { ...(authorization && { authorization }), 'content-type': 'application/json' },
          ...(method !== 'GET' && method !== 'DELETE' && { body: '{}' }),
        });
        const body = (await res.json()) as { error: { code: string } };
        expect([method, path, authorization?.slice(0, 6), res.status]).toEqual([
          method,
          path,
          authorization?.slice(0, 6),
          401,
        ]);
        expect(body.error.code).toBe('UNAUTHORIZED');
      }
    }
  });

  it("another application's session does not exist for you (404), whatever you try", async () => {
    const other = server.otherApi;
    const photo = (await testPhotos()).sharpJpeg;
    for (const [method, path] of ROUTES.filter(([, p]) => p.startsWith('/v1/sessions/:id'))) {
      // Valid bodies, so that the request reaches the session lookup.
      const body: Record<string, unknown> = {
        PATCH: { status: 'cancelled' },
        'POST /v1/sessions/:id/collected-data': { ip: '203.0.113.9' },
        'POST /v1/sessions/:id/media': { context: 'face', content: photo.toString('base64') },
      };
      const res = await other.json(
        method,
        path.replace(':id', sessionId),
        body[`${method} ${path}`] ?? body[method],
      );
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }
    const list = await other.json('GET', '/v1/sessions?vendorData=secret-user');
    expect(list.body.data).toEqual([]);
    // And the session is untouched.
    expect((await server.api.json('GET', `/v1/sessions/${sessionId}`)).body.status).toBe('created');
  });

  it('a revoked key stops working at once, and keys are listed by prefix only', async () => {
    const created = await server.api.json('POST', '/v1/keys', { name: 'temporary' });
    expect(created.status).toBe(201);
    const temp = apiClient(server.api.base, created.body.key, server.api.applicationId);
    expect((await temp.json('GET', '/v1/sessions')).status).toBe(200);
    const listed = await server.api.json('GET', '/v1/keys');
    const entry = listed.body.data.find((k: { id: string }) => k.id === created.body.id);
    expect(entry.prefix).toBe(created.body.key.slice(0, 12));
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    expect((await server.api.request('DELETE', `/v1/keys/${created.body.id}`)).status).toBe(204);
    const after = await temp.json('GET', '/v1/sessions');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHORIZED');
    expect((await server.otherApi.json('DELETE', `/v1/keys/${created.body.id}`)).status).toBe(404);
  });

  it('keys are stored hashed: the database never holds the key itself', async () => {
    const created = await server.api.json('POST', '/v1/keys', { name: 'hash-check' });
    const db = server.db.open();
    const rows = await db.db.selectFrom('api_keys').selectAll().execute();
    await db.close();
    expect(JSON.stringify(rows)).not.toContain(created.body.key);
  });

  it('media are encrypted at rest: the bytes on disk are not the photo', async () => {
    const photos = await testPhotos();
    const up = await server.api.json(
      'POST',
      `/v1/sessions/${sessionId}/media`,
      multipart('face', photos.sharpJpeg),
    );
    const db = server.db.open();
    const row = await db.db
      .selectFrom('media')
      .selectAll()
      .where('id', '=', up.body.id)
      .executeTakeFirstOrThrow();
    await db.close();
    const { readFileSync } = await import('node:fs');
    const onDisk = readFileSync(`${server.db.dataDir}/media/${row.storage_key}.bin`);
    expect(onDisk.includes(photos.sharpJpeg.subarray(0, 64))).toBe(false);
    expect(onDisk.subarray(0, 5).toString()).toBe('OIDV1');
  });
});

describe('rate limits and body limits', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer('sqlite', {
      OPENIDV_RATE_LIMIT_PER_MINUTE: '5',
      OPENIDV_BODY_LIMIT_BYTES: '2048',
    });
  });
  afterAll(async () => server?.close());

  it('answers 429 RATE_LIMITED with Retry-After once a key is over its limit, per key', async () => {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 7; i++) {
      last = await server.api.request('GET', '/v1/sessions');
      statuses.push(last.status);
    }
    // The harness spent one request of the 5 creating the test workflow.
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await last!.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    // Another key has its own budget.
    expect((await server.otherApi.request('GET', '/v1/sessions')).status).toBe(200);
  });

  it('refuses a JSON body over the limit with 413', async () => {
    const res = await server.otherApi.json('POST', '/v1/sessions', { metadata: { blob: 'x'.repeat(5000) } });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
