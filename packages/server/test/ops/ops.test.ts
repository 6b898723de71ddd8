import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createTestDatabase } from '@openidv/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/cli/start-server.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { createPlatform } from '../../src/platform/platform.ts';
import { createApplication } from '../../src/usecases/applications/bootstrap-application.ts';
import {
  apiClient,
  CORE_TEST_WORKFLOW,
  startReceiver,
  startTestServer,
  testConfig,
  waitFor,
} from '../support/harness.ts';
import { multipart, testPhotos } from '../support/photos.ts';

describe('health, readiness and metrics', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(async () => server?.close());

  it('answers /healthz and /readyz without a key', async () => {
    expect(await (await fetch(`${server.api.base}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${server.api.base}/readyz`)).json()).toEqual({
      status: 'ready',
      database: 'sqlite',
    });
  });

  it('exposes Prometheus metrics, including sessions, decisions, request latency and the job queue', async () => {
    await server.api.json('POST', '/v1/sessions', {});
    const text = await (await fetch(`${server.api.base}/metrics`)).text();
    expect(text).toMatch(/^openidv_sessions_created_total \d+/m);
    expect(text).toContain('openidv_http_request_duration_seconds_bucket{');
    expect(text).toContain('route="/v1/sessions"');
    expect(text).toMatch(/^openidv_jobs\{status="queued"\} \d+/m);
    expect(text).toContain('openidv_process_cpu_seconds_total');
  });

  it('keeps the generated master key private to its owner (mode 0600)', () => {
    const mode = statSync(join(server.db.dataDir, 'master.key')).mode & 0o777;
    expect(mode.toString(8)).toBe('600');
  });
});

describe('logs', () => {
  it('carry neither secrets nor personal data, even when requests fail', async () => {
    const t = await createTestDatabase('sqlite');
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger('trace', sink);
    const config = testConfig(t, { OPENIDV_LOG_LEVEL: 'trace' });
    const setup = await createPlatform(config);
    const app = await createApplication(setup, 'Acme');
    await setup.close();
    const server = await startServer(config, { quiet: true, handleSignals: false, logger });
    const receiver = await startReceiver(() => 500);
    try {
      const api = apiClient(server.url.replace('localhost', '127.0.0.1'), app.apiKey, app.applicationId);
      await api.json('POST', '/v1/workflows', CORE_TEST_WORKFLOW);
      const hook = await api.json('POST', '/v1/webhooks', { url: receiver.url, events: ['*'] });
      const { body: s } = await api.json('POST', '/v1/sessions', {
        vendorData: 'Private-Vendor-Ref',
        person: {
          firstName: 'Leakyfirst',
          lastName: 'Leakylast',
          dateOfBirth: '1980-02-03',
          idNumber: 'ID-99887766',
        },
      });
      const photos = await testPhotos();
      await api.json('POST', `/v1/sessions/${s.id}/media`, multipart('document-front', photos.sharpJpeg));
      await api.json('POST', `/v1/sessions/${s.id}/collected-data`, {
        email: 'leaky@example.com',
        ip: '203.0.113.77',
      });
      await api.json('POST', '/v1/sessions', '{"broken json');
      await fetch(`${api.base}/v1/sessions`, {
        headers: { authorization: 'Bearer oidv_wrong-key-that-must-not-be-logged' },
      });
      await api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'submitted' });
      await waitFor(
        async () => (await api.json('GET', `/v1/sessions/${s.id}/decision`)).body.status !== 'pending',
      );
      await waitFor(async () => receiver.received.length >= 3, 15_000, 'failing deliveries');
      const log = lines.join('');
      expect(log.length).toBeGreaterThan(0);
      for (const secret of [
        app.apiKey,
        hook.body.secret,
        'oidv_wrong-key-that-must-not-be-logged',
        'Leakyfirst',
        'Leakylast',
        '1980-02-03',
        'ID-99887766',
        'leaky@example.com',
        '203.0.113.77',
        'Private-Vendor-Ref',
      ]) {
        const at = log.indexOf(secret);
        expect([secret, at >= 0 ? log.slice(Math.max(0, at - 300), at + 100) : 'absent']).toEqual([
          secret,
          'absent',
        ]);
      }
    } finally {
      await server.close();
      await receiver.close();
      await t.dispose();
    }
  });
});
