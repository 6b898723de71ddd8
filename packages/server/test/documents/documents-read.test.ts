import { readFileSync } from 'node:fs';
import { hugePng } from '@openidv/document-reader/testing';
import { renderScene } from '@openidv/image-decoding/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/harness.ts';

const passport = readFileSync(
  new URL('../../../../examples/fixtures/specimen-passport-td3.jpg', import.meta.url),
);

const fileForm = (bytes: Buffer, type = 'image/jpeg') => {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), 'upload');
  return form;
};

/** POST /v1/documents/read: an image in, the fields and the judgement out, nothing stored. */
describe('reading a document photo without a session', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(async () => server?.close());

  it('reads the MRZ of a passport photo sent as base64 JSON and judges it', async () => {
    const r = await server.api.json('POST', '/v1/documents/read', {
      content: passport.toString('base64'),
      expected: { person: { firstName: 'Anna Maria', lastName: 'Eriksson', dateOfBirth: '1974-08-12' } },
    });
    expect(r.status).toBe(200);
    expect(r.body.person).toMatchObject({
      lastName: { value: 'ERIKSSON', source: 'mrz' },
      firstName: { value: 'ANNA MARIA' },
      dateOfBirth: { value: '1974-08-12' },
    });
    expect(r.body.document).toMatchObject({
      number: { value: 'L898902C3' },
      type: { value: 'passport' },
      country: { value: 'UTO' },
    });
    expect(r.body.document.mrz.value).toHaveLength(2);
    expect(r.body.reading).toMatchObject({ status: 'read', mrzFormat: 'TD3' });
    expect(r.body.reading.checkDigits.every((c: { valid: boolean }) => c.valid)).toBe(true);
    // ICAO's Utopia specimen, expired in 2012: declined for what it is, and the names matched.
    const codes = r.body.reasons.map((x: { code: string }) => x.code);
    expect(codes).toEqual(expect.arrayContaining(['SPECIMEN_DOCUMENT', 'DOC_EXPIRED']));
    expect(codes).not.toContain('NAME_MISMATCH');
    expect(r.body.status).toBe('failed');
    // The printed page was read; nothing on it contradicts the MRZ.
    expect(r.body.reading.visualZone.linesRead).toBeGreaterThan(0);
    expect(r.body.reading.visualZone.comparisons.every((c: { agree: boolean }) => c.agree)).toBe(true);
    expect(codes).not.toContain('VIZ_MRZ_MISMATCH');
  });

  it('takes a multipart upload too, and stores nothing', async () => {
    const r = await server.api.json('POST', '/v1/documents/read', fileForm(passport));
    expect(r.status).toBe(200);
    expect(r.body.document.number.value).toBe('L898902C3');
    const sessions = await server.api.json('GET', '/v1/sessions');
    expect(sessions.body.data).toEqual([]);
  });

  it('says so when the photo shows no document', async () => {
    const r = await server.api.json('POST', '/v1/documents/read', fileForm(await renderScene(640, 420)));
    expect(r.status).toBe(200);
    expect(r.body.reading.status).toBe('nothing-found');
    expect(r.body.reasons.map((x: { code: string }) => x.code)).toContain('MRZ_NOT_FOUND');
  });

  it('refuses a truncated file, a PDF and a 20,000 × 20,000 image with stable codes', async () => {
    const truncated = await server.api.json(
      'POST',
      '/v1/documents/read',
      fileForm(passport.subarray(0, passport.length >> 1)),
    );
    expect(truncated.status).toBe(422);
    expect(truncated.body.error.code).toBe('IMAGE_UNREADABLE');

    const pdf = Buffer.from(
      '%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
    );
    const p = await server.api.json('POST', '/v1/documents/read', { content: pdf.toString('base64') });
    expect(p.status).toBe(415);
    expect(p.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');

    const huge = await server.api.json(
      'POST',
      '/v1/documents/read',
      fileForm(hugePng(20_000, 20_000), 'image/png'),
    );
    expect(huge.status).toBe(422);
    expect(huge.body.error.code).toBe('IMAGE_TOO_LARGE');
  });

  it('rejects a request without a file or with content that is not base64', async () => {
    const none = await server.api.json('POST', '/v1/documents/read', {});
    expect(none.status).toBe(400);
    const bad = await server.api.json('POST', '/v1/documents/read', { content: 'not base64 ☃' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('needs an API key and is documented in the OpenAPI description', async () => {
    const anonymous = await fetch(`${server.api.base}/v1/documents/read`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    const doc = (await (await fetch(`${server.api.base}/openapi.json`)).json()) as {
      paths: Record<string, { post: { summary: string; responses: Record<string, unknown> } }>;
    };
    const op = doc.paths['/v1/documents/read']!.post;
    expect(op.summary).toMatch(/nothing stored/);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '415', '422']));
  });
});
