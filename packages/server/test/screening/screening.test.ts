import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderSyntheticDocument, td3Mrz } from '@openidv/document-reader/testing';
import { testDialects } from '@openidv/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform } from '../../src/platform/platform.ts';
import { importList } from '../../src/usecases/screening/import-list.ts';
import { MAIN, startReceiver, startTestServer, waitFor } from '../support/harness.ts';
import { multipart, testPhotos } from '../support/photos.ts';
import { ofacXml } from './lists.ts';

describe.each(await testDialects())('sanctions screening, on %s', (dialect) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    [server, receiver] = await Promise.all([startTestServer(dialect), startReceiver()]);
    await server.api.json('POST', '/v1/webhooks', { url: receiver.url, events: ['user.screening.hit'] });
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('serves the shipped lists right after start, with source, date, licence and size', async () => {
    const res = await server.api.json('GET', '/v1/screening/lists');
    const ids = res.body.data.map((l: { listId: string }) => l.listId);
    expect(ids).toEqual(expect.arrayContaining(['us-ofac-sdn', 'un-sc-consolidated']));
    for (const l of res.body.data) {
      expect(l).toMatchObject({
        version: 'shipped',
        licence: expect.any(String),
        entityCount: expect.any(Number),
      });
      expect(l.entityCount).toBeGreaterThan(100);
    }
  });

  it('screens a listed name, its Cyrillic spelling, and explains each hit', async () => {
    const latin = await server.api.json('POST', '/v1/screenings', {
      name: 'Viktor Yanukovych',
      type: 'person',
    });
    expect(latin.status).toBe(200);
    expect(latin.body.hits[0]).toMatchObject({ entityId: 'us-ofac-sdn:16641', match: true });
    const cyrillic = await server.api.json('POST', '/v1/screenings', {
      name: 'Виктор Федорович Янукович',
      dateOfBirth: '1950-07-09',
    });
    const hit = cyrillic.body.hits[0];
    expect(hit).toMatchObject({ entityId: 'us-ofac-sdn:16641', match: true });
    expect(hit.score).toBeGreaterThan(0.9);
    expect(hit.explanation.length).toBeGreaterThan(1);
    expect(hit.explanation.map((e: { feature: string }) => e.feature).join(' ')).toMatch(/birth|dob|date/i);
    const wrongDob = await server.api.json('POST', '/v1/screenings', {
      name: 'Viktor Yanukovych',
      dateOfBirth: '1991-01-01',
    });
    expect(wrongDob.body.hits[0]?.score ?? 0).toBeLessThan(hit.score);
    expect((await server.api.json('POST', '/v1/screenings', { name: 'Maria Tamm' })).body.hits).toEqual([]);
    expect((await server.api.json('POST', '/v1/screenings', { name: '' })).status).toBe(400);
  });

  it('sends a session whose passport names a listed person to review, with the hit explained', async () => {
    const workflow = await server.api.json('POST', '/v1/workflows', {
      name: 'Document and screening',
      checks: [{ type: 'document', config: { minAge: 18 } }, { type: 'aml' }],
    });
    const passport = await renderSyntheticDocument({
      mrz: td3Mrz({
        country: 'UKR',
        lastName: 'YANUKOVYCH',
        firstNames: 'VIKTOR FEDOROVYCH',
        number: 'EC1234567',
        birth: '500709',
        sex: 'M',
        expiry: '301231',
      }),
      text: ['PASSPORT / ПАСПОРТ', 'YANUKOVYCH', 'VIKTOR'],
      width: 1400,
    });
    const { body: s } = await server.api.json('POST', '/v1/sessions', {
      workflowId: workflow.body.id,
      vendorData: 'user-yanu',
    });
    await server.api.json(
      'POST',
      `/v1/sessions/${s.id}/media`,
      multipart('document-front', passport, 'p.png', 'image/png'),
    );
    await server.api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'submitted' });
    const d = await waitFor(async () => {
      const r = await server.api.json('GET', `/v1/sessions/${s.id}/decision`);
      return r.body.status !== 'pending' && r.body;
    }, 60_000);
    expect(d.person).toMatchObject({ lastName: 'YANUKOVYCH', dateOfBirth: '1950-07-09' });
    expect(d.status).toBe('review');
    expect(d.reasons.map((r: { code: string }) => r.code)).toEqual(['AML_HIT']);
    expect(d.riskLabels).toContain('sanctions');
    const aml = d.checks.find((c: { type: string }) => c.type === 'aml');
    expect(aml.evidence.screened).toMatchObject({
      source: 'document',
      name: expect.stringContaining('YANUKOVYCH'),
    });
    expect(aml.evidence.hits[0]).toMatchObject({
      entityId: 'us-ofac-sdn:16641',
      explanation: expect.any(Array),
    });

    // A reviewer finds it is not this person: the same user's next screening leaves the entry out.
    const sup = await server.api.json('POST', '/v1/screening/suppressions', {
      vendorData: 'user-yanu',
      entityId: 'us-ofac-sdn:16641',
      note: 'Different person: checked birth place',
    });
    expect(sup.status).toBe(201);
    const { body: s2 } = await server.api.json('POST', '/v1/sessions', {
      workflowId: workflow.body.id,
      vendorData: 'user-yanu',
    });
    await server.api.json(
      'POST',
      `/v1/sessions/${s2.id}/media`,
      multipart('document-front', passport, 'p.png', 'image/png'),
    );
    await server.api.json('PATCH', `/v1/sessions/${s2.id}`, { status: 'submitted' });
    const d2 = await waitFor(async () => {
      const r = await server.api.json('GET', `/v1/sessions/${s2.id}/decision`);
      return r.body.status !== 'pending' && r.body;
    }, 60_000);
    const aml2 = d2.checks.find((c: { type: string }) => c.type === 'aml');
    expect(aml2.status).toBe('passed');
    expect(aml2.evidence.suppressed[0]).toMatchObject({ entityId: 'us-ofac-sdn:16641' });
  });

  it('screens approved users again when a list is imported, and raises each new hit once', async () => {
    const photos = await testPhotos();
    const workflow = await server.api.json('POST', '/v1/workflows', {
      name: 'Quality and screening',
      checks: [{ type: 'image-quality', config: { required: ['document-front'] } }, { type: 'aml' }],
    });
    const { body: s } = await server.api.json('POST', '/v1/sessions', {
      workflowId: workflow.body.id,
      vendorData: 'user-zbig',
      person: { firstName: 'Zbigniew', lastName: 'Wrzesniewski', dateOfBirth: '1966-03-14' },
    });
    await server.api.json(
      'POST',
      `/v1/sessions/${s.id}/media`,
      multipart('document-front', photos.sharpJpeg),
    );
    await server.api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'submitted' });
    await waitFor(
      async () => (await server.api.json('GET', `/v1/sessions/${s.id}/decision`)).body.status === 'approved',
    );

    // A new list version names him (with a transliterated alias).
    const dir = mkdtempSync(join(tmpdir(), 'openidv-lists-'));
    const v1 = join(dir, 'sdn.xml');
    writeFileSync(
      v1,
      ofacXml('11/20/2026', [
        { uid: 990001, first: 'Zbigniew', last: 'WRZESNIEWSKI', dob: '14 Mar 1966', aka: ['VZHESNEVSKI'] },
      ]),
    );
    const platform = await createPlatform(server.config);
    try {
      const imported = await importList(platform, [v1]);
      expect(imported).toMatchObject({ format: 'ofac-sdn-xml', entityCount: 1 });
    } finally {
      await platform.close();
    }
    const hook = await waitFor(
      async () => receiver.received.find((h) => h.json.data.vendorData === 'user-zbig'),
      30_000,
      'user.screening.hit',
    );
    expect(hook.json.type).toBe('user.screening.hit');
    expect(hook.json.data.hit).toMatchObject({
      entityId: 'us-ofac-sdn:990001',
      name: expect.stringContaining('WRZESNIEWSKI'),
    });
    const alerts = await server.api.json('GET', '/v1/screening/alerts?status=open');
    const alert = alerts.body.data.find((a: { vendorData: string }) => a.vendorData === 'user-zbig');
    expect(alert).toMatchObject({ sessionId: s.id, status: 'open' });
    expect(alert.hit.explanation.length).toBeGreaterThan(0);

    // Not him: dismissed, and the same entry imported again raises nothing.
    const dismissed = await server.api.json('POST', `/v1/screening/alerts/${alert.id}/dismiss`, {
      note: 'different person',
    });
    expect(dismissed.body.status).toBe('dismissed');
    const again = await server.api.json('POST', `/v1/screening/alerts/${alert.id}/confirm`);
    expect([again.status, again.body.error.message]).toEqual([409, expect.any(String)]);
    const p2 = await createPlatform(server.config);
    try {
      await importList(p2, [v1]);
      const { monitorPeople } = await import('../../src/usecases/screening/monitor-people.ts');
      expect(await monitorPeople(p2)).toBe(0);
      // The list changes what it says about the entry: judged anew.
      const v2 = join(dir, 'sdn2.xml');
      writeFileSync(
        v2,
        ofacXml('11/22/2026', [
          {
            uid: 990001,
            first: 'Zbigniew',
            last: 'WRZESNIEWSKI',
            dob: '14 Mar 1966',
            aka: ['VZHESNEVSKI', 'WRZESNIEWSKY'],
          },
        ]),
      );
      await importList(p2, [v2]);
      expect(await monitorPeople(p2)).toBe(1);
    } finally {
      await p2.close();
    }
  });

  it('refuses a malformed or truncated list file and keeps the lists in service', async () => {
    const before = (await server.api.json('GET', '/v1/screening/lists')).body.data;
    const dir = mkdtempSync(join(tmpdir(), 'openidv-lists-'));
    const truncated = join(dir, 'sdn.xml');
    writeFileSync(truncated, ofacXml('11/20/2026', [{ uid: 5, first: 'A', last: 'B' }]).slice(0, 300));
    const platform = await createPlatform(server.config);
    try {
      await expect(importList(platform, [truncated], 'ofac-sdn-xml')).rejects.toMatchObject({
        code: 'LIST_IMPORT_FAILED',
      });
      const unknown = join(dir, 'notes.txt');
      writeFileSync(unknown, 'hello');
      await expect(importList(platform, [unknown])).rejects.toThrow(/--format/);
    } finally {
      await platform.close();
    }
    expect((await server.api.json('GET', '/v1/screening/lists')).body.data).toEqual(before);
  });
});

describe('openidv lists (command line)', () => {
  it('imports a list file and shows it in service', async () => {
    const { createTestDatabase } = await import('@openidv/storage/testing');
    const t = await createTestDatabase('sqlite');
    const env = { ...process.env, OPENIDV_DATA_DIR: t.dataDir, OPENIDV_LOG_LEVEL: 'silent' };
    try {
      const file = join(t.dataDir, 'sdn.xml');
      writeFileSync(
        file,
        ofacXml('11/20/2026', [{ uid: 77, first: 'Test', last: 'PERSON', dob: '1 Jan 1970' }]),
      );
      const out = JSON.parse(
        execFileSync(process.execPath, [MAIN, 'lists', 'import', file, '--json'], { env }).toString(),
      );
      expect(out).toMatchObject({
        listId: 'us-ofac-sdn',
        format: 'ofac-sdn-xml',
        entityCount: 1,
        date: '2026-11-20',
      });
      const shown = JSON.parse(
        execFileSync(process.execPath, [MAIN, 'lists', 'show', '--json'], { env }).toString(),
      );
      expect(shown.find((l: { listId: string }) => l.listId === 'us-ofac-sdn')).toMatchObject({
        version: out.version,
        entityCount: 1,
      });
      const bad = join(t.dataDir, 'bad.xml');
      writeFileSync(bad, '<sdnList><sdnEntry>');
      let failure = '';
      try {
        execFileSync(process.execPath, [MAIN, 'lists', 'import', bad, '--format', 'ofac-sdn-xml'], {
          env,
          stdio: 'pipe',
        });
      } catch (e) {
        failure = String((e as { stderr: Buffer }).stderr);
      }
      expect(failure).toMatch(/Nothing was imported/);
    } finally {
      await t.dispose();
    }
  });
});
