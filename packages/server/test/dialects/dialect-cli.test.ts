import { execFileSync, spawnSync } from 'node:child_process';
import { createTestDatabase } from '@openidv/storage/testing';
import { describe, expect, it } from 'vitest';
import { kill, MAIN, spawnServer } from '../support/harness.ts';
import { veriffClient } from './veriff-client.ts';

describe('openidv keys create --dialect', () => {
  it('prints a Veriff key and secret that a server on the same data store accepts; webhook URL per credential', async () => {
    const t = await createTestDatabase('sqlite');
    const env = {
      ...process.env,
      OPENIDV_DATA_DIR: t.dataDir,
      OPENIDV_LOG_LEVEL: 'silent',
      OPENIDV_WEBHOOK_ALLOW_PRIVATE: 'true',
    };
    const cli = (...args: string[]) => execFileSync(process.execPath, [MAIN, ...args], { env }).toString();
    try {
      const created = JSON.parse(
        cli('keys', 'create', '--name', 'veriff', '--dialect', 'veriff', '--json'),
      ) as {
        id: string;
        key: string;
        secret: string;
        dialect: string;
        baseUrl: string;
        webhookUrl: string | null;
      };
      expect(created).toMatchObject({
        dialect: 'veriff',
        webhookUrl: null,
        baseUrl: expect.stringMatching(/\/compat\/veriff$/),
      });
      const set = JSON.parse(
        cli('keys', 'webhook', created.id, '--url', 'http://127.0.0.1:9/hooks', '--json'),
      );
      expect(set.url).toBe('http://127.0.0.1:9/hooks');
      const listed = JSON.parse(cli('keys', 'list', '--json')) as { id: string; webhookUrl?: string }[];
      expect(listed.find((k) => k.id === created.id)?.webhookUrl).toBe('http://127.0.0.1:9/hooks');

      const server = await spawnServer(t, {});
      try {
        const veriff = veriffClient(`${server.base}/compat/veriff`, created.key, created.secret);
        const session = await veriff.createSession({ vendorData: 'cli' });
        expect(session.status).toBe(201);
        const id = session.body.verification.id;
        expect((await veriff.get(`/sessions/${id}/decision`, id)).status).toBe(200);
        cli('keys', 'revoke', created.id);
        // Another process revoked it: this server sees it within its 2-second key cache.
        await new Promise((r) => setTimeout(r, 2100));
        expect((await veriff.get(`/sessions/${id}/decision`, id)).body.code).toBe('1804');
      } finally {
        await kill(server.proc);
      }

      const bad = spawnSync(process.execPath, [MAIN, 'keys', 'create', '--name', 'x', '--dialect', 'jumio'], {
        env,
      });
      expect(bad.status).toBe(2);
      expect(bad.stderr.toString()).toContain('--dialect must be one of veriff, idenfy, didit, hopae');
    } finally {
      await t.dispose();
    }
    // five CLI processes and a server start up in turn: seconds each when the 2-core machine is busy
  }, 120_000);
});
