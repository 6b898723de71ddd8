import { createTestDatabase, testDialects } from '@openidv/storage/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  CORE_TEST_WORKFLOW,
  kill,
  spawnServer,
  startReceiver,
  waitFor,
} from '../support/harness.ts';
import { multipart, testPhotos } from '../support/photos.ts';

/** Large, detailed photos make the image-quality check take long enough to kill the server in the middle of it. */
async function heavyPhoto(seed: number): Promise<Buffer> {
  return sharp({
    create: {
      width: 4000,
      height: 3000,
      channels: 3,
      background: { r: 120 + seed, g: 110, b: 100 },
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .jpeg({ quality: 60 })
    .toBuffer();
}

describe.each(await testDialects())('a killed server loses nothing, on %s', (dialect) => {
  let heavy: Buffer[];
  let photos: Awaited<ReturnType<typeof testPhotos>>;
  beforeAll(async () => {
    photos = await testPhotos();
    heavy = await Promise.all([1, 2, 3, 4].map(heavyPhoto));
  });

  it('resumes a session killed in the middle of processing and decides it after restart', async () => {
    const t = await createTestDatabase(dialect);
    const env = { OPENIDV_JOB_LEASE: '2s', OPENIDV_JOB_CONCURRENCY: '1' };
    let first = await spawnServer(t, env);
    try {
      const key = /API key:\s+(\S+)/.exec(first.output())![1]!;
      const api = apiClient(first.base, key, '');
      await api.json('POST', '/v1/workflows', CORE_TEST_WORKFLOW);
      const { body: s } = await api.json('POST', '/v1/sessions', {});
      await api.json('POST', `/v1/sessions/${s.id}/media`, multipart('document-front', heavy[0]!));
      await api.json('POST', `/v1/sessions/${s.id}/media`, multipart('document-back', heavy[1]!));
      await api.json('POST', `/v1/sessions/${s.id}/media`, multipart('additional-document', heavy[2]!));
      await api.json('POST', `/v1/sessions/${s.id}/media`, multipart('face', photos.sharpJpeg));
      await api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'submitted' });
      await waitFor(
        async () => (await api.json('GET', `/v1/sessions/${s.id}`)).body.status === 'processing',
        10_000,
        'processing',
      );
      await kill(first.proc);

      // The job is left leased by a dead worker, the session mid-pipeline.
      const db = t.open();
      const jobs = await db.db.selectFrom('jobs').selectAll().where('type', '=', 'session.process').execute();
      const status = (
        await db.db.selectFrom('sessions').select('status').where('id', '=', s.id).executeTakeFirstOrThrow()
      ).status;
      await db.close();
      expect(jobs.map((j) => j.status)).toEqual(['running']);
      expect(status).toBe('processing');

      first = await spawnServer(t, env);
      const api2 = apiClient(first.base, key, '');
      const decision = await waitFor(
        async () => {
          const d = await api2.json('GET', `/v1/sessions/${s.id}/decision`);
          return d.body.status !== 'pending' && d.body;
        },
        30_000,
        'a decision after restart',
      );
      expect(['approved', 'resubmission_requested']).toContain(decision.status);
      expect(decision.checks[0].type).toBe('image-quality');
      expect((await api2.json('GET', `/v1/sessions/${s.id}`)).body.status).toBe(decision.status);
    } finally {
      await kill(first.proc);
      await t.dispose();
    }
  });

  it('delivers a webhook whose delivery was cut off by a kill, with the same event id', async () => {
    const t = await createTestDatabase(dialect);
    let hang = true;
    const receiver = await startReceiver(() => (hang ? 'hang' : 200));
    const env = { OPENIDV_JOB_LEASE: '2s', OPENIDV_WEBHOOK_TIMEOUT: '60s' };
    let server = await spawnServer(t, env);
    try {
      const key = /API key:\s+(\S+)/.exec(server.output())![1]!;
      const api = apiClient(server.base, key, '');
      await api.json('POST', '/v1/webhooks', { url: receiver.url, events: ['session.created'] });
      const { body: s } = await api.json('POST', '/v1/sessions', { vendorData: 'restart-hook' });
      await waitFor(async () => receiver.received.length >= 1, 10_000, 'the first delivery attempt');
      await kill(server.proc); // mid-request: the receiver never answered
      hang = false;
      server = await spawnServer(t, env);
      await waitFor(async () => receiver.received.length >= 2, 30_000, 'redelivery after restart');
      expect(receiver.received[1]!.json.id).toBe(receiver.received[0]!.json.id);
      expect(receiver.received[1]!.json.data.session.id).toBe(s.id);
    } finally {
      await kill(server.proc);
      await receiver.close();
      await t.dispose();
    }
  });

  afterAll(() => {});
});
