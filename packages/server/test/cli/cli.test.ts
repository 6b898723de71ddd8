import { execFileSync, spawnSync } from 'node:child_process';
import { createTestDatabase } from '@openidv/storage/testing';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { apiClient, kill, MAIN, spawnServer } from '../support/harness.ts';

describe('openidv command line', () => {
  it('keys create --json prints a key that works against a server on the same data store', async () => {
    const t = await createTestDatabase('sqlite');
    const env = { ...process.env, OPENIDV_DATA_DIR: t.dataDir, OPENIDV_LOG_LEVEL: 'silent' };
    try {
      const out = execFileSync(process.execPath, [MAIN, 'keys', 'create', '--name', 'ci', '--json'], {
        env,
      }).toString();
      const created = JSON.parse(out) as { key: string; id: string; prefix: string; name: string };
      expect(created).toMatchObject({ name: 'ci', key: expect.stringMatching(/^oidv_/) });
      const server = await spawnServer(t, {});
      try {
        const api = apiClient(server.base, created.key, '');
        expect((await api.json('POST', '/v1/sessions', {})).status).toBe(201);
        // First start after the CLI made the application prints no new secrets.
        expect(server.output()).not.toContain('First start');
      } finally {
        await kill(server.proc);
      }
      const list = execFileSync(process.execPath, [MAIN, 'keys', 'list', '--json'], { env }).toString();
      expect(JSON.parse(list).map((k: { id: string }) => k.id)).toContain(created.id);
      execFileSync(process.execPath, [MAIN, 'keys', 'revoke', created.id], { env });
      const after = JSON.parse(
        execFileSync(process.execPath, [MAIN, 'keys', 'list', '--json'], { env }).toString(),
      );
      expect(after.find((k: { id: string }) => k.id === created.id).revokedAt).not.toBeNull();
    } finally {
      await t.dispose();
    }
    // four CLI processes and a server start up in turn: seconds each when the 2-core machine is busy
  }, 120_000);

  it('refuses to start with an invalid setting, naming it', () => {
    const r = spawnSync(process.execPath, [MAIN, 'start'], {
      env: { ...process.env, PORT: 'eighty', DATABASE_URL: 'mysql://x' },
    });
    expect(r.status).toBe(2);
    const err = r.stderr.toString();
    expect(err).toContain('PORT');
    expect(err).toContain('DATABASE_URL');
  });

  it('explains unknown commands', () => {
    const r = spawnSync(process.execPath, [MAIN, 'fly'], { env: process.env });
    expect(r.status).toBe(2);
    expect(r.stderr.toString()).toContain('Unknown command "fly"');
  });
});

describe('configuration', () => {
  it('has documented defaults for every setting', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, webhookAllowPrivate: false, publicUrl: 'http://localhost:8080' });
    expect(c.webhookRetryScheduleMs).toHaveLength(9);
    // At least 8 attempts spread over at least 24 hours.
    expect(c.webhookRetryScheduleMs.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(24 * 3600 * 1000);
  });

  it('reads the documented variables', () => {
    const c = loadConfig({
      PORT: '9000',
      OPENIDV_DATA_DIR: '/srv/openidv',
      DATABASE_URL: 'postgres://u@db/openidv',
      OPENIDV_PUBLIC_URL: 'https://kyc.example.com/',
      OPENIDV_WEBHOOK_ALLOW_PRIVATE: 'true',
    });
    expect(c).toMatchObject({
      port: 9000,
      dataDir: '/srv/openidv',
      databaseUrl: 'postgres://u@db/openidv',
      publicUrl: 'https://kyc.example.com',
      webhookAllowPrivate: true,
    });
  });

  it('rejects a malformed boolean or duration instead of guessing', () => {
    expect(() => loadConfig({ OPENIDV_WEBHOOK_ALLOW_PRIVATE: 'yes please' })).toThrow(
      /OPENIDV_WEBHOOK_ALLOW_PRIVATE/,
    );
    expect(() => loadConfig({ OPENIDV_WEBHOOK_RETRY_SCHEDULE: '1s,soon' })).toThrow(
      /OPENIDV_WEBHOOK_RETRY_SCHEDULE/,
    );
  });
});
