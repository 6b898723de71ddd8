import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createTestDatabase } from '@openidv/storage/testing';
import { describe, expect, it } from 'vitest';
import { MAIN } from '../support/harness.ts';
import { startTestProvider } from '../support/oidc-provider.ts';

const run = promisify(execFile);

describe('openidv eid-providers', () => {
  it('adds a provider after reading its metadata, lists it without its secret, and removes it', async () => {
    const t = await createTestDatabase('sqlite');
    const idp = await startTestProvider(() => 'http://localhost:3000/eid/callback');
    const env = { ...process.env, OPENIDV_DATA_DIR: t.dataDir, OPENIDV_LOG_LEVEL: 'silent' };
    const cli = (...args: string[]) => run(process.execPath, [MAIN, ...args], { env });
    try {
      const added = await cli(
        ...['eid-providers', 'add', '--id', 'smartid', '--name', 'Smart-ID', '--issuer', idp.issuer],
        ...['--client-id', idp.clientId, '--client-secret', idp.clientSecret, '--level', 'high'],
        ...['--flows', 'redirect,push', '--json'],
      );
      const p = JSON.parse(added.stdout) as Record<string, unknown>;
      expect(p).toMatchObject({ providerId: 'smartid', hasSecret: true, flows: ['redirect', 'push'] });
      expect(p['redirectUri']).toMatch(/\/eid\/callback$/);
      const list = await cli('eid-providers', 'list', '--json');
      expect(list.stdout).toContain('smartid');
      expect(list.stdout).not.toContain(idp.clientSecret);

      const bad = cli(
        'eid-providers',
        'add',
        '--id',
        'X',
        '--name',
        'x',
        '--issuer',
        idp.issuer,
        '--level',
        'top',
      );
      await expect(bad).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--id') });

      await cli('eid-providers', 'remove', 'smartid');
      expect(JSON.parse((await cli('eid-providers', 'list', '--json')).stdout)).toEqual([]);
    } finally {
      await idp.close();
      await t.dispose();
    }
  }, 60_000);
});
