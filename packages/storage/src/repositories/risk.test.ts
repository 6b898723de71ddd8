import { newId } from '@openidv/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../database/open-database.ts';
import {
  createTestDatabase,
  openMigrated,
  type TestDatabase,
  testDialects,
} from '../testing/test-databases.ts';
import * as risk from './risk.ts';

describe.each(await testDialects())('risk signals and blocklists on %s', (dialect) => {
  let t: TestDatabase;
  let database: Database;
  const app = newId('app');
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    database = await openMigrated(t);
  });
  afterAll(async () => {
    await database?.close();
    await t?.dispose();
  });

  const record = (
    sessionId: string,
    user: string | null,
    identity: string | null,
    now: number,
    device = 'dev-1',
  ) =>
    risk.upsertSignals(database.db, {
      applicationId: app,
      sessionId,
      userDigest: user,
      identityDigest: identity,
      now,
      signals: [
        { kind: 'device', digest: device },
        { kind: 'ip', digest: 'ip-1' },
      ],
    });

  it('counts other sessions, users and identities per value within the window', async () => {
    await record('s1', 'u1', 'id-a', 1000);
    await record('s2', 'u1', 'id-a', 2000);
    await record('s3', 'u2', 'id-b', 3000);
    await record('s4', 'u3', null, 4000);
    await record('s5', 'u4', 'id-c', 5000, 'dev-2');
    const q = {
      applicationId: app,
      kind: 'device',
      digest: 'dev-1',
      excludeSessionId: 'sX',
      excludeIdentity: null,
    };
    expect(await risk.countSignals(database.db, { ...q, since: 0 })).toEqual({
      sessions: 4,
      users: 3,
      identities: 2,
    });
    expect(await risk.countSignals(database.db, { ...q, since: 2500 })).toEqual({
      sessions: 2,
      users: 2,
      identities: 1,
    });
    // the session asking is not counted, nor its own identity
    expect(
      await risk.countSignals(database.db, {
        ...q,
        since: 0,
        excludeSessionId: 's3',
        excludeIdentity: 'id-a',
      }),
    ).toEqual({ sessions: 3, users: 2, identities: 0 });
    expect(
      await risk.countSignals(database.db, { ...q, kind: 'ip', digest: 'ip-1', since: 0 }),
    ).toMatchObject({ sessions: 5 });
    expect(await risk.countSignals(database.db, { ...q, applicationId: 'app_other', since: 0 })).toEqual({
      sessions: 0,
      users: 0,
      identities: 0,
    });
  });

  it('replaces a value on re-record but keeps an identity it already knew, and sets identity later', async () => {
    await record('s6', 'u9', 'id-z', 6000);
    await record('s6', 'u9', null, 6100, 'dev-3');
    const rows = await risk.listSignalsBySession(database.db, 's6');
    expect(rows).toEqual([
      { kind: 'device', digest: 'dev-3', identityDigest: 'id-z', userDigest: 'u9' },
      { kind: 'ip', digest: 'ip-1', identityDigest: 'id-z', userDigest: 'u9' },
    ]);
    await risk.setSignalIdentity(database.db, 's6', 'id-y');
    expect((await risk.listSignalsBySession(database.db, 's6')).map((r) => r.identityDigest)).toEqual([
      'id-y',
      'id-y',
    ]);
    expect(await risk.deleteSignalsBySession(database.db, 's6')).toBe(2);
    expect(await risk.listSignalsBySession(database.db, 's6')).toEqual([]);
  });

  it('adds a blocklist entry once, finds it by digest, pages and removes it', async () => {
    let clock = Date.now();
    const add = (digest: string, display: string) =>
      risk.addBlocklistEntry(database.db, {
        id: newId('blk', ++clock),
        applicationId: app,
        kind: 'email',
        digest,
        display,
        note: 'fraud ring',
        createdBy: 'api:key_1',
        now: Date.now(),
      });
    const first = await add('d1', 'a***@example.com');
    expect(first.created).toBe(true);
    const again = await add('d1', 'a***@example.com');
    expect(again).toMatchObject({ created: false, entry: { id: first.entry.id } });
    await add('d2', 'b***@example.com');
    await add('d3', 'c***@example.com');
    expect(await risk.findBlocklistEntry(database.db, app, 'email', 'd1')).toMatchObject({
      display: 'a***@example.com',
      note: 'fraud ring',
    });
    expect(await risk.findBlocklistEntry(database.db, app, 'phone', 'd1')).toBeUndefined();
    const page1 = await risk.listBlocklistEntries(database.db, {
      applicationId: app,
      kind: 'email',
      limit: 2,
    });
    const page2 = await risk.listBlocklistEntries(database.db, {
      applicationId: app,
      kind: 'email',
      limit: 2,
      before: page1.at(-1)!.id,
    });
    expect([...page1, ...page2].map((e) => e.display)).toEqual([
      'c***@example.com',
      'b***@example.com',
      'a***@example.com',
    ]);
    expect(await risk.deleteBlocklistEntry(database.db, 'app_other', first.entry.id)).toBe(false);
    expect(await risk.deleteBlocklistEntry(database.db, app, first.entry.id)).toBe(true);
    expect(await risk.findBlocklistEntry(database.db, app, 'email', 'd1')).toBeUndefined();
  });
});
