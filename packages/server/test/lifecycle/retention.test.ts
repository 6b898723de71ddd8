import { testDialects } from '@openidv/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform } from '../../src/platform/platform.ts';
import { applyRetention, RETENTION_ACTOR } from '../../src/usecases/sessions/apply-retention.ts';
import { startTestServer } from '../support/harness.ts';
import { multipart, testPhotos } from '../support/photos.ts';

describe.each(await testDialects())('data retention policy, on %s', (dialect) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let photos: Awaited<ReturnType<typeof testPhotos>>;
  beforeAll(async () => {
    [server, photos] = await Promise.all([
      startTestServer(dialect, { OPENIDV_DATA_RETENTION: '30d' }),
      testPhotos(),
    ]);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('erases personal data and media of sessions final for longer than OPENIDV_DATA_RETENTION, and nothing else', async () => {
    const { api } = server;
    const person = { firstName: 'Qwertzuiopa', lastName: 'Retained' };
    const create = async () =>
      (await api.json('POST', '/v1/sessions', { vendorData: 'ret-user', person })).body;
    const old = await create();
    const media = await api.json('POST', `/v1/sessions/${old.id}/media`, multipart('face', photos.sharpJpeg));
    expect(media.status).toBe(201);
    const recent = await create();
    const open = await create();
    for (const s of [old, recent]) {
      expect((await api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'cancelled' })).status).toBe(200);
    }

    // 31 days pass for `old` and `open` (as time would make it); `recent` was cancelled a day ago.
    const day = 86_400_000;
    const db = server.db.open();
    await db.db
      .updateTable('sessions')
      .set({ updated_at: Date.now() - 31 * day })
      .where('id', 'in', [old.id, open.id])
      .execute();
    await db.db
      .updateTable('sessions')
      .set({ updated_at: Date.now() - day })
      .where('id', '=', recent.id)
      .execute();
    await db.close();

    const platform = await createPlatform(server.config);
    try {
      expect(await applyRetention(platform)).toBe(1);
      expect(await applyRetention(platform)).toBe(0); // idempotent: erased sessions are not found again
    } finally {
      await platform.close();
    }

    const tomb = (await api.json('GET', `/v1/sessions/${old.id}`)).body;
    expect(tomb).toMatchObject({ id: old.id, status: 'cancelled', vendorData: null, person: null });
    expect(tomb.deletedAt).toBeTruthy();
    expect((await api.json('GET', `/v1/sessions/${old.id}/media/${media.body.id}`)).status).toBe(404);
    const events = (await api.json('GET', `/v1/sessions/${old.id}/events`)).body.data;
    expect(events.at(-1)).toMatchObject({ type: 'session.deleted', actor: RETENTION_ACTOR });
    expect(JSON.stringify(events)).not.toContain('Qwertzuiopa');

    // Not yet due, and not final (an applicant may still come back): both keep their data.
    for (const s of [recent, open]) {
      const kept = (await api.json('GET', `/v1/sessions/${s.id}`)).body;
      expect(kept.deletedAt ?? null).toBeNull();
      expect(kept.person).toMatchObject(person);
    }
  });
});
