import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTestDatabase, testDialects } from '@openidv/storage/testing';
import { describe, expect, it } from 'vitest';
import { kill, spawnServer } from '../support/harness.ts';

const EXAMPLE = fileURLToPath(new URL('../../../../examples/end-to-end.mjs', import.meta.url));

describe.each(await testDialects())('examples/end-to-end.mjs against a real server, on %s', (dialect) => {
  it('creates a session, uploads a real photo, gets a final decision and a verified webhook', async () => {
    const t = await createTestDatabase(dialect);
    const server = await spawnServer(t, {});
    try {
      const key = /API key:\s+(\S+)/.exec(server.output())![1]!;
      const { stdout } = await promisify(execFile)(process.execPath, [EXAMPLE], {
        env: { ...process.env, OPENIDV_URL: server.base, OPENIDV_API_KEY: key },
      });
      expect(stdout).toContain('uploaded image/jpeg');
      expect(stdout).toMatch(/decision: (approved|declined|review|resubmission_requested)/);
      expect(stdout).toContain('webhook session.decided');
      expect(stdout).toContain('signature valid');
      expect(stdout).toContain('OK: decision polled and webhook verified');
    } finally {
      await kill(server.proc);
      await t.dispose();
    }
  });
});
