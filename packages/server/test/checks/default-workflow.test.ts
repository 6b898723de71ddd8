import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitFor } from '../support/harness.ts';
import { multipart } from '../support/photos.ts';

const passport = readFileSync(
  new URL('../../../../examples/fixtures/specimen-passport-td3.jpg', import.meta.url),
);
const selfie = readFileSync(new URL('../../../biometrics/fixtures/person-a.jpg', import.meta.url));

/** The workflow a new application gets, run through the API on real images: every check takes part. */
describe('the default workflow', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let workflowId: string;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    const all = await server.api.json('GET', '/v1/workflows');
    workflowId = all.body.data.find((w: { name: string }) => w.name === 'Default identity verification').id;
  });
  afterAll(async () => server?.close());

  it('reads the passport, compares the selfie, screens the holder, and explains the decision', async () => {
    const { body: s } = await server.api.json('POST', '/v1/sessions', {
      workflowId,
      person: { firstName: 'Anna Maria', lastName: 'Eriksson', dateOfBirth: '1974-08-12' },
    });
    await server.api.json('POST', `/v1/sessions/${s.id}/media`, multipart('document-front', passport));
    await server.api.json('POST', `/v1/sessions/${s.id}/media`, multipart('face', selfie));
    await server.api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'submitted' });
    const d = await waitFor(
      async () => {
        const r = await server.api.json('GET', `/v1/sessions/${s.id}/decision`);
        return r.body.status !== 'pending' && r.body;
      },
      120_000,
      'the decision',
    );
    expect(d.checks.map((c: { type: string }) => c.type)).toEqual([
      'image-quality',
      'document',
      'face-match',
      'liveness',
      'face-duplicates',
      'aml',
    ]);
    // The ICAO "Utopia" specimen: read from its MRZ, and declined as a specimen that expired in 2012.
    expect(d.person).toMatchObject({ lastName: 'ERIKSSON', dateOfBirth: '1974-08-12', sex: 'F' });
    expect(d.document).toMatchObject({ number: 'L898902C3', type: 'passport', expiryDate: '2012-04-15' });
    expect(d.extracted.person.lastName).toMatchObject({ source: 'mrz' });
    const codes = d.reasons.map((r: { code: string }) => r.code);
    expect(codes).toContain('SPECIMEN_DOCUMENT');
    expect(codes).toContain('DOC_EXPIRED');
    expect(d.status).toBe('declined');
    // The selfie is someone else than the specimen's portrait.
    const face = d.checks.find((c: { type: string }) => c.type === 'face-match');
    expect(face.status).toBe('failed');
    expect(face.score).toBeLessThan(face.threshold);
    expect(codes).toContain('FACE_MISMATCH');
    // The document portrait was kept as an artifact of the attempt.
    const media = await server.api.json('GET', `/v1/sessions/${s.id}/media`);
    expect(media.body.data.map((m: { context: string }) => m.context)).toContain('document-portrait');
    // The holder is screened and is not on the shipped lists.
    const aml = d.checks.find((c: { type: string }) => c.type === 'aml');
    expect(aml.status).toBe('passed');
  });
});
