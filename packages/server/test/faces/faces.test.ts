import { readFileSync } from 'node:fs';
import { testDialects } from '@openidv/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitFor } from '../support/harness.ts';
import { multipart, testPhotos } from '../support/photos.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../biometrics/fixtures/${name}`, import.meta.url));
const personA = fixture('person-a.jpg');
const personB = fixture('person-b.jpg');

describe.each(await testDialects())('faces, on %s', (dialect) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let workflowId: string;
  beforeAll(async () => {
    server = await startTestServer(dialect);
    const w = await server.api.json('POST', '/v1/workflows', {
      name: 'Selfie against known faces',
      checks: [{ type: 'face-duplicates' }],
    });
    workflowId = w.body.id;
  });
  afterAll(async () => server?.close());

  async function verify(vendorData: string, selfie: Buffer) {
    const { body: s } = await server.api.json('POST', '/v1/sessions', { workflowId, vendorData });
    await server.api.json('POST', `/v1/sessions/${s.id}/media`, multipart('face', selfie));
    await server.api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'submitted' });
    const decision = await waitFor(async () => {
      const r = await server.api.json('GET', `/v1/sessions/${s.id}/decision`);
      return r.body.status !== 'pending' && r.body;
    }, 60_000);
    return { id: s.id as string, decision };
  }

  async function enrolled(count: number) {
    await waitFor(
      async () => {
        const db = server.db.open();
        const rows = await db.db
          .selectFrom('face_templates')
          .select('id')
          .where('kind', '=', 'approved')
          .execute();
        await db.close();
        return rows.length >= count;
      },
      60_000,
      `${count} enrolled faces`,
    );
  }

  it('compares two images 1:1 without storing anything', async () => {
    const same = await server.api.json('POST', '/v1/faces/compare', {
      a: personA.toString('base64'),
      b: personA.toString('base64'),
    });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ match: true, threshold: 0.35, faces: { a: 1, b: 1 } });
    expect(same.body.similarity).toBeGreaterThan(0.9);
    const form = new FormData();
    form.append('a', new Blob([new Uint8Array(personA)]), 'a.jpg');
    form.append('b', new Blob([new Uint8Array(personB)]), 'b.jpg');
    const different = await server.api.json('POST', '/v1/faces/compare', form);
    expect(different.body).toMatchObject({ match: false });
    expect(different.body.similarity).toBeLessThan(0.35);
    const scene = (await testPhotos()).sharpJpeg;
    const none = await server.api.json('POST', '/v1/faces/compare', {
      a: personA.toString('base64'),
      b: scene.toString('base64'),
    });
    expect([none.status, none.body.error.code]).toEqual([422, 'NO_FACE_FOUND']);
    expect(none.body.error.message).toContain('image b');
    const text = await server.api.json('POST', '/v1/faces/compare', {
      a: Buffer.from('not an image').toString('base64'),
      b: personA.toString('base64'),
    });
    expect([text.status, text.body.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const missing = await server.api.json('POST', '/v1/faces/compare', { a: personA.toString('base64') });
    expect(missing.status).toBe(400);
  });

  it('flags the same face under another user as a duplicate, but not the same user coming back', async () => {
    const first = await verify('user-a', personA);
    expect(first.decision.status).toBe('approved');
    await enrolled(1);
    const other = await verify('someone-else', personA);
    expect(other.decision.status).toBe('review');
    expect(other.decision.reasons.map((r: { code: string }) => r.code)).toEqual(['DUPLICATE_FACE']);
    const check = other.decision.checks[0];
    expect(check.evidence.duplicates[0]).toMatchObject({ sessionId: first.id, vendorData: 'user-a' });
    expect(other.decision.riskLabels).toContain('duplicate_face');
    const again = await verify('user-a', personA);
    expect(again.decision.status).toBe('approved');
    const stranger = await verify('user-b', personB);
    expect(stranger.decision.status).toBe('approved');

    // Erasing the first user's session removes its face from the search.
    await enrolled(3);
    for (const s of [first.id, again.id])
      expect((await server.api.request('DELETE', `/v1/sessions/${s}`)).status).toBe(204);
    const later = await verify('newcomer', personA);
    expect(later.decision.status).toBe('approved');
  });

  it('declines a blocklisted face, and stops once it is removed from the blocklist', async () => {
    const added = await server.api.json('POST', '/v1/blocklists/faces', {
      content: personB.toString('base64'),
      note: 'fraud ring',
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ note: 'fraud ring', sessionId: null });
    const listed = await server.api.json('GET', '/v1/blocklists/faces');
    expect(listed.body.data.map((e: { id: string }) => e.id)).toContain(added.body.id);
    const blocked = await verify('blocked-user', personB);
    expect(blocked.decision.status).toBe('declined');
    expect(blocked.decision.reasons.map((r: { code: string }) => r.code)).toContain('FACE_BLOCKLISTED');
    expect((await server.otherApi.json('GET', '/v1/blocklists/faces')).body.data).toEqual([]);
    expect((await server.api.request('DELETE', `/v1/blocklists/faces/${added.body.id}`)).status).toBe(204);
    const after = await verify('blocked-user-2', personB);
    expect(after.decision.reasons.map((r: { code: string }) => r.code)).not.toContain('FACE_BLOCKLISTED');
    const noFace = await server.api.json('POST', '/v1/blocklists/faces', {
      content: (await testPhotos()).sharpJpeg.toString('base64'),
    });
    expect([noFace.status, noFace.body.error.code]).toEqual([422, 'NO_FACE_FOUND']);
  });
});
