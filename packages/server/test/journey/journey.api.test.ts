import { testDialects } from '@openidv/storage/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitFor } from '../support/harness.ts';
import { multipart, testPhotos } from '../support/photos.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
type Json = Record<string, any>;

describe.each(await testDialects())('the journey API (%s)', (dialect) => {
  let server: Server;
  let photos: Awaited<ReturnType<typeof testPhotos>>;
  beforeAll(async () => {
    server = await startTestServer(dialect, { OPENIDV_JOURNEY_RATE_LIMIT_PER_MINUTE: '40' });
    photos = await testPhotos();
  });
  afterAll(async () => server?.close());

  async function session(body: Record<string, unknown> = {}) {
    const r = await server.api.json('POST', '/v1/sessions', body);
    const token = new URL(r.body.url).pathname.split('/')[2]!;
    const j = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      fetch(`${server.api.base}/j/${token}/api/${path}`, {
        method,
        headers: {
          ...(body !== undefined && !(body instanceof FormData) && { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body !== undefined && { body: body instanceof FormData ? body : JSON.stringify(body) }),
      }).then(async (res) => ({
        status: res.status,
        headers: res.headers,
        body: (await res.json()) as Json,
      }));
    return { id: r.body.id as string, token, j };
  }

  it('is authenticated by the token alone and tells the page what to ask for, without personal data', async () => {
    const s = await session({
      locale: 'et',
      callbackUrl: 'https://shop.example/back',
      person: { firstName: 'Mari' },
    });
    const r = await s.j('GET', 'session');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      reference: s.id,
      phase: 'consent',
      status: 'started',
      locale: 'et',
      application: { name: 'Acme', logo: null, primaryColor: null },
      plan: { steps: ['consent', 'document', 'selfie', 'review'], selfie: { liveness: false } },
      consented: false,
      uploaded: [],
      hasCallback: true,
      callbackUrl: null,
      // Created with the native API: no vendor's iFrame messages.
      frame: null,
    });
    expect(JSON.stringify(r.body)).not.toContain('Mari');
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
    // Opening the page starts the session (the applicant landed in the flow); consent gates the uploads.
    expect((await server.api.json('GET', `/v1/sessions/${s.id}`)).body.status).toBe('started');
  });

  it('answers unknown tokens with NOT_FOUND in the standard error shape', async () => {
    const res = await fetch(`${server.api.base}/j/not-a-token/api/session`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as Json;
    expect(body.error).toMatchObject({ code: 'NOT_FOUND' });
    expect(body.error.requestId).toMatch(/^req_/);
  });

  it('needs consent before photos; accepting starts the session and is recorded', async () => {
    const s = await session();
    const early = await s.j('POST', 'media', multipart('document-front', photos.sharpJpeg));
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('CONSENT_REQUIRED');
    const bad = await s.j('POST', 'consent', { accept: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const ok = await s.j('POST', 'consent', { accept: true, locale: 'de' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ phase: 'capture', consented: true, status: 'started' });
    const events = await server.api.json('GET', `/v1/sessions/${s.id}/events`);
    const types = events.body.data.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['journey.consent', 'session.started']));
    expect(events.body.data.find((e: { type: string }) => e.type === 'journey.consent').actor).toBe(
      'applicant',
    );
  });

  it('declining cancels the session, and the page then shows it cancelled', async () => {
    const s = await session({ callbackUrl: 'https://shop.example/back' });
    const r = await s.j('POST', 'consent', { accept: false });
    expect(r.body).toMatchObject({
      phase: 'cancelled',
      status: 'cancelled',
      callbackUrl: 'https://shop.example/back',
    });
    expect((await server.api.json('GET', `/v1/sessions/${s.id}`)).body.status).toBe('cancelled');
    const again = await s.j('POST', 'consent', { accept: true });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('INVALID_TRANSITION');
  });

  it('uploads through the same use case as the API: sniffed types, journey contexts only, 409 after submission', async () => {
    const s = await session();
    await s.j('POST', 'consent', { accept: true });
    const pdf = await s.j(
      'POST',
      'media',
      multipart('document-front', Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n')),
    );
    expect(pdf.status).toBe(415);
    expect(pdf.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const reference = await s.j('POST', 'media', multipart('face-reference', photos.sharpJpeg));
    expect(reference.status).toBe(400);
    const json = await s.j('POST', 'media', { context: 'face', content: 'abc' });
    expect(json.status).toBe(415);
    // Submitting before the photos the workflow needs is refused, naming them.
    const early = await s.j('POST', 'submit');
    expect(early.status).toBe(400);
    expect(early.body.error.details.missing).toEqual(['document-front', 'face']);
    expect((await s.j('POST', 'media', multipart('document-front', photos.sharpJpeg))).status).toBe(201);
    expect((await s.j('POST', 'media', multipart('face', photos.png, 'face.png', 'image/png'))).status).toBe(
      201,
    );
    const state = await s.j('GET', 'session');
    expect(state.body.uploaded.sort()).toEqual(['document-front', 'face']);
    const submitted = await s.j('POST', 'submit');
    expect(submitted.status).toBe(200);
    expect(submitted.body.phase).toBe('finished');
    const late = await s.j('POST', 'media', multipart('face', photos.sharpJpeg));
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('SESSION_NOT_ACCEPTING_MEDIA');
    const media = await server.api.json('GET', `/v1/sessions/${s.id}/media`);
    expect(media.body.data.map((m: { mimeType: string }) => m.mimeType).sort()).toEqual([
      'image/jpeg',
      'image/png',
    ]);
    await waitFor(
      async () => (await server.api.json('GET', `/v1/sessions/${s.id}`)).body.status === 'approved',
    );
  });

  it('reports steps for a desktop to follow, as JSON and as Server-Sent Events', async () => {
    const s = await session();
    expect((await s.j('POST', 'step', { step: 'nowhere' })).status).toBe(400);
    const stepped = await s.j('POST', 'step', { step: 'consent' });
    expect(stepped.body).toEqual({ phase: 'consent', status: 'created', step: 'consent', uploaded: [] });
    const res = await fetch(`${server.api.base}/j/${s.token}/api/progress`, {
      headers: { accept: 'text/event-stream' },
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const next = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}: ${text}`);
        text += decoder.decode(value);
      }
    };
    await next('"step":"consent"');
    await s.j('POST', 'consent', { accept: true });
    await s.j('POST', 'step', { step: 'document-type' });
    await next('"step":"document-type"');
    expect(text).toMatch(/^data: \{"phase":"consent"/);
    await server.api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'cancelled' });
    await next('"phase":"cancelled"');
    // A finished journey closes the stream.
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
  });

  it('rate-limits each link on its own', async () => {
    const a = await session();
    const b = await session();
    let limited: { status: number; body: Json; headers: Headers } | undefined;
    for (let i = 0; i < 45 && !limited; i++) {
      const r = await a.j('GET', 'session');
      if (r.status === 429) limited = r;
    }
    expect(limited?.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await b.j('GET', 'session')).status).toBe(200);
  });

  it('serves the page with strict headers and answers unknown links with 404', async () => {
    const s = await session();
    const page = await fetch(`${server.api.base}/j/${s.token}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="app">');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('permissions-policy')).toContain('camera=(self)');
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)![1]!;
    const asset = await fetch(`${server.api.base}/j/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const raw = await fetch(`${server.api.base}/j/${script}`, { headers: { 'accept-encoding': 'identity' } });
    const plain = Buffer.from(await raw.arrayBuffer());
    expect(raw.headers.get('content-encoding')).toBeNull();
    // fetch decodes: the compressed answer is the same script.
    expect(asset.headers.get('content-encoding')).toMatch(/^(br|gzip)$/);
    expect(Buffer.from(await asset.arrayBuffer()).equals(plain)).toBe(true);
    expect((await fetch(`${server.api.base}/j/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${server.api.base}/j/unknown-token`)).status).toBe(404);
  });

  it('branding: the application name, logo, colour and links reach the journey; bad logos are refused', async () => {
    const logo = await sharp({ create: { width: 60, height: 20, channels: 3, background: '#223344' } })
      .png()
      .toBuffer();
    const r = await server.api.json('PATCH', '/v1/application', {
      name: 'Acme Bank',
      branding: {
        logo: `data:image/png;base64,${logo.toString('base64')}`,
        primaryColor: '#0a7d5a',
        termsUrl: 'https://acme.example/terms',
      },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      name: 'Acme Bank',
      branding: { primaryColor: '#0a7d5a', privacyUrl: null },
    });
    // A PNG labelled JPEG is re-labelled from its bytes; text is refused.
    const relabelled = await server.api.json('PATCH', '/v1/application', {
      branding: { logo: `data:image/jpeg;base64,${logo.toString('base64')}` },
    });
    expect(relabelled.body.branding.logo).toMatch(/^data:image\/png;base64,/);
    const text = await server.api.json('PATCH', '/v1/application', {
      branding: { logo: `data:image/png;base64,${Buffer.from('<svg onload=alert(1)>').toString('base64')}` },
    });
    expect(text.status).toBe(415);
    const colour = await server.api.json('PATCH', '/v1/application', { branding: { primaryColor: 'red' } });
    expect(colour.status).toBe(400);
    const js = await server.api.json('PATCH', '/v1/application', {
      branding: { termsUrl: 'javascript:alert(1)' },
    });
    expect(js.status).toBe(400);
    const s = await session();
    const state = await s.j('GET', 'session');
    expect(state.body.application).toMatchObject({
      name: 'Acme Bank',
      primaryColor: '#0a7d5a',
      termsUrl: 'https://acme.example/terms',
    });
    // null clears; the other application is untouched.
    await server.api.json('PATCH', '/v1/application', { branding: { primaryColor: null } });
    expect((await server.api.json('GET', '/v1/application')).body.branding.primaryColor).toBeNull();
    expect((await server.otherApi.json('GET', '/v1/application')).body).toMatchObject({
      name: 'Other',
      branding: { logo: null },
    });
  });

  it('never accepts an API key instead of the token, nor the token on the API', async () => {
    const s = await session();
    const res = await fetch(`${server.api.base}/v1/sessions/${s.id}`, {
      headers: { authorization: `Bearer ${s.token}` },
    });
    expect(res.status).toBe(401);
    const wrong = await fetch(`${server.api.base}/j/${server.api.key}/api/session`);
    expect(wrong.status).toBe(404);
  });
});
