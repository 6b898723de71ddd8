import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, startTestServer, waitFor } from '../support/harness.ts';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../checks/ip-risk/src/fixtures/${name}`, import.meta.url));

describe('openidv risk-data', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [MAIN, 'risk-data', ...args], {
      env: { ...process.env, OPENIDV_DATA_DIR: server.db.dataDir, OPENIDV_LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });
  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(async () => server?.close());

  it('imports a newer Tor exit list that the server then uses, and says what is in service', async () => {
    const r = cli('import', 'tor', fixture('exit-addresses.txt'), '--date', '2024-02-27', '--licence', 'MIT');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Imported 3 tor entries into .*risk-data\/tor-exit-nodes\.lst\./);
    const show = JSON.parse(cli('show', '--json').stdout) as {
      name: string;
      origin: string;
      date?: string;
    }[];
    expect(show.find((d) => d.name === 'tor')).toMatchObject({ origin: 'imported', date: '2024-02-27' });
    expect(show.find((d) => d.name === 'country-ipv4')).toMatchObject({ origin: 'shipped' });
    expect(show.find((d) => d.name === 'disposable')).toMatchObject({ origin: 'shipped' });

    const w = await server.api.json('POST', '/v1/workflows', { name: 'IP', checks: [{ type: 'ip-risk' }] });
    const { body: s } = await server.api.json('POST', '/v1/sessions', { workflowId: w.body.id });
    // 204.8.96.100 is in the imported list only
    await server.api.json('POST', `/v1/sessions/${s.id}/collected-data`, { ip: '204.8.96.100' });
    await server.api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'submitted' });
    const d = await waitFor(async () => {
      const r = await server.api.json('GET', `/v1/sessions/${s.id}/decision`);
      return r.body.status !== 'pending' && r.body;
    });
    expect(d.reasons.map((x: { code: string }) => x.code)).toEqual(['IP_TOR']);
  });

  it('refuses a file of the wrong kind, and an unknown kind, with a message', () => {
    const wrong = cli('import', 'asn-ipv4', fixture('exit-addresses.txt'));
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/Import failed: no asn-ipv4 entries found in exit-addresses.txt/);
    const unknown = cli('import', 'maxmind', fixture('exit-addresses.txt'));
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/KIND is one of tor, vpn, hosting/);
  });
});
