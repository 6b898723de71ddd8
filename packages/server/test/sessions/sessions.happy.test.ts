import { createHmac, timingSafeEqual } from 'node:crypto';
import { testDialects } from '@openidv/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, startTestServer, waitFor } from '../support/harness.ts';
import { multipart, testPhotos } from '../support/photos.ts';

/** Verification as an integrator would write it, with node:crypto only (not openidv's own code). */
function verify(secret: string, rawBody: string, header: string, nowSeconds: number): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe.each(await testDialects())('a verification from start to webhook, on %s', (dialect) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let photos: Awaited<ReturnType<typeof testPhotos>>;
  let secret: string;

  beforeAll(async () => {
    [server, receiver, photos] = await Promise.all([startTestServer(dialect), startReceiver(), testPhotos()]);
    const hook = await server.api.json('POST', '/v1/webhooks', { url: receiver.url, events: ['*'] });
    expect(hook.status).toBe(201);
    secret = hook.body.secret;
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('creates a session, takes a document photo and a selfie, decides, and announces it signed', async () => {
    const { api } = server;
    const created = await api.json('POST', '/v1/sessions', {
      vendorData: 'user-42',
      person: { firstName: 'Anna', lastName: 'Müller', dateOfBirth: '1990-04-01' },
      document: { country: 'DEU', type: 'passport' },
      locale: 'de',
      metadata: { plan: 'gold' },
      callbackUrl: 'https://shop.example/done',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'created',
      vendorData: 'user-42',
      locale: 'de',
      metadata: { plan: 'gold' },
      person: { lastName: 'Müller' },
    });
    expect(created.body.id).toMatch(/^ses_/);
    expect(created.body.url).toMatch(/\/j\/[A-Za-z0-9_-]{32}$/);
    expect(new Date(created.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const id = created.body.id as string;

    const front = await api.json(
      'POST',
      `/v1/sessions/${id}/media`,
      multipart('document-front', photos.sharpJpeg),
    );
    expect(front.status).toBe(201);
    expect(front.body).toMatchObject({
      context: 'document-front',
      mimeType: 'image/jpeg',
      size: photos.sharpJpeg.length,
    });
    // JSON with base64 works as well as multipart.
    const face = await api.json('POST', `/v1/sessions/${id}/media`, {
      context: 'face',
      content: photos.png.toString('base64'),
    });
    expect(face.status).toBe(201);
    expect(face.body.mimeType).toBe('image/png');

    const collected = await api.json('POST', `/v1/sessions/${id}/collected-data`, {
      ip: '203.0.113.7',
      email: 'anna@example.com',
    });
    expect(collected.body.collected).toEqual({ ip: '203.0.113.7', email: 'anna@example.com' });

    expect((await api.json('GET', `/v1/sessions/${id}`)).body.status).toBe('started');
    const submitted = await api.json('PATCH', `/v1/sessions/${id}`, { status: 'submitted' });
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('submitted');

    const decision = await waitFor(
      async () => {
        const d = await api.json('GET', `/v1/sessions/${id}/decision`);
        return d.body.status !== 'pending' && d.body;
      },
      20_000,
      'a decision',
    );
    expect(decision).toMatchObject({ sessionId: id, status: 'approved', reasons: [], vendorData: 'user-42' });
    expect(decision.checks).toHaveLength(1);
    expect(decision.checks[0]).toMatchObject({ type: 'image-quality', status: 'passed' });
    expect(decision.decidedAt).toBeTruthy();
    expect((await api.json('GET', `/v1/sessions/${id}`)).body.status).toBe('approved');

    // The downloaded media is the uploaded bytes (decrypted), while the file on disk is not.
    const download = await api.request('GET', `/v1/sessions/${id}/media/${front.body.id}`);
    expect(download.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await download.arrayBuffer()).equals(photos.sharpJpeg)).toBe(true);

    const hooks = await waitFor(
      async () => {
        const mine = receiver.received.filter((h) => JSON.stringify(h.json.data).includes(id));
        return mine.some((h) => h.json.type === 'session.decided') && mine;
      },
      20_000,
      'the session.decided webhook',
    );
    const types = hooks.map((h) => h.json.type);
    for (const t of ['session.created', 'session.started', 'session.submitted', 'session.decided']) {
      expect(types).toContain(t);
    }
    const now = Math.floor(Date.now() / 1000);
    for (const h of hooks) {
      expect(verify(secret, h.body, String(h.headers['openidv-signature']), now)).toBe(true);
      expect(verify('whsec_wrong', h.body, String(h.headers['openidv-signature']), now)).toBe(false);
      expect(h.headers['openidv-event-id']).toBe(h.json.id);
    }
    expect(new Set(hooks.map((h) => h.json.id)).size).toBe(hooks.length);
    const decided = hooks.find((h) => h.json.type === 'session.decided')!;
    expect(decided.json.data.decision.status).toBe('approved');
    expect(decided.json.data.session.vendorData).toBe('user-42');

    const events = await api.json('GET', `/v1/sessions/${id}/events`);
    expect(events.body.data.map((e: { type: string }) => e.type)).toEqual([
      'session.created',
      'session.started',
      'media.uploaded',
      'media.uploaded',
      'session.submitted',
      'session.decided',
    ]);
  });

  it('asks for resubmission of a blurry photo, then decides a new attempt and keeps the first', async () => {
    const { api } = server;
    const { body: s } = await api.json('POST', '/v1/sessions', { vendorData: 'blurry' });
    await api.json('POST', `/v1/sessions/${s.id}/media`, multipart('document-front', photos.blurredJpeg));
    await api.json('POST', `/v1/sessions/${s.id}/media`, multipart('face', photos.sharpJpeg));
    await api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'submitted' });
    const first = await waitFor(async () => {
      const d = await api.json('GET', `/v1/sessions/${s.id}/decision`);
      return d.body.status !== 'pending' && d.body;
    });
    expect(first.status).toBe('resubmission_requested');
    expect(first.reasons).toEqual([
      expect.objectContaining({ code: 'IMAGE_TOO_BLURRY', check: 'image-quality', action: 'resubmit' }),
    ]);

    // The next upload opens attempt 2 in the same session.
    const again = await api.json(
      'POST',
      `/v1/sessions/${s.id}/media`,
      multipart('document-front', photos.sharpJpeg),
    );
    expect(again.status).toBe(201);
    await api.json('POST', `/v1/sessions/${s.id}/media`, multipart('face', photos.sharpJpeg));
    expect((await api.json('GET', `/v1/sessions/${s.id}/decision`)).body.status).toBe('pending');
    await api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'submitted' });
    const second = await waitFor(async () => {
      const d = await api.json('GET', `/v1/sessions/${s.id}/decision`);
      return d.body.status !== 'pending' && d.body;
    });
    expect(second).toMatchObject({ status: 'approved', attempt: 2 });
    const attempts = await api.json('GET', `/v1/sessions/${s.id}/attempts`);
    expect(attempts.body.data.map((a: { decisionStatus: string }) => a.decisionStatus)).toEqual([
      'resubmission_requested',
      'approved',
    ]);
    const media = await api.json('GET', `/v1/sessions/${s.id}/media`);
    expect(media.body.data).toHaveLength(4);
  });

  it('lists sessions newest first with a cursor and filters', async () => {
    const { api } = server;
    const vendor = `list-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await api.json('POST', '/v1/sessions', { vendorData: vendor })).body.id);
    const p1 = await api.json('GET', `/v1/sessions?vendorData=${vendor}&limit=2`);
    const p2 = await api.json(
      'GET',
      `/v1/sessions?vendorData=${vendor}&limit=2&cursor=${p1.body.nextCursor}`,
    );
    const p3 = await api.json(
      'GET',
      `/v1/sessions?vendorData=${vendor}&limit=2&cursor=${p2.body.nextCursor}`,
    );
    expect([...p1.body.data, ...p2.body.data, ...p3.body.data].map((s: { id: string }) => s.id)).toEqual(
      ids.reverse(),
    );
    expect(p3.body.nextCursor).toBeNull();
    const approved = await api.json('GET', `/v1/sessions?vendorData=${vendor}&status=approved,declined`);
    expect(approved.body.data).toEqual([]);
    const future = await api.json(
      'GET',
      `/v1/sessions?vendorData=${vendor}&createdFrom=2999-01-01T00:00:00Z`,
    );
    expect(future.body.data).toEqual([]);
  });

  it('cancels a session and deletes one, leaving a tombstone without personal data', async () => {
    const { api } = server;
    const { body: s } = await api.json('POST', '/v1/sessions', { vendorData: 'to-cancel' });
    expect((await api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'cancelled' })).body.status).toBe(
      'cancelled',
    );

    const { body: d } = await api.json('POST', '/v1/sessions', {
      vendorData: 'to-delete',
      person: { firstName: 'Zyxwvutsrq', lastName: 'Me' },
    });
    const m = await api.json('POST', `/v1/sessions/${d.id}/media`, multipart('face', photos.sharpJpeg));
    expect((await api.request('DELETE', `/v1/sessions/${d.id}`)).status).toBe(204);
    const tomb = await api.json('GET', `/v1/sessions/${d.id}`);
    expect(tomb.status).toBe(200);
    expect(tomb.body).toMatchObject({ id: d.id, vendorData: null, person: null, url: null });
    expect(tomb.body.deletedAt).toBeTruthy();
    expect((await api.json('GET', `/v1/sessions/${d.id}/media/${m.body.id}`)).status).toBe(404);
    const events = await api.json('GET', `/v1/sessions/${d.id}/events`);
    expect(events.body.data.at(-1)).toMatchObject({ type: 'session.deleted' });
    expect(JSON.stringify(events.body)).not.toContain('Zyxwvutsrq');
    // Nor does the webhook delivery log keep it.
    const endpoints = await api.json('GET', '/v1/webhooks');
    for (const e of endpoints.body.data) {
      const log = await api.json('GET', `/v1/webhooks/${e.id}/deliveries?limit=200`);
      for (const d of log.body.data) {
        const full = await api.json('GET', `/v1/webhooks/${e.id}/deliveries/${d.id}`);
        expect(full.body.payload).not.toContain('Zyxwvutsrq');
      }
    }
  });

  it('serves the OpenAPI 3.1 document and the reference page', async () => {
    const res = await fetch(`${server.api.base}/openapi.json`);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      info: { description: string };
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const p of [
      '/v1/sessions',
      '/v1/sessions/{id}',
      '/v1/sessions/{id}/media',
      '/v1/sessions/{id}/decision',
      '/v1/webhooks',
    ]) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
    expect(doc.info.description).toContain('INVALID_TRANSITION');
    const docs = await fetch(`${server.api.base}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).not.toMatch(/https?:\/\/(cdn|unpkg|cdnjs)/);
  });
});
