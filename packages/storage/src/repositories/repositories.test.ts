import { newId, type Session } from '@openidv/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../database/open-database.ts';
import {
  createTestDatabase,
  openMigrated,
  type TestDatabase,
  testDialects,
} from '../testing/test-databases.ts';
import * as applications from './applications.ts';
import * as documentUses from './document-uses.ts';
import * as idempotency from './idempotency.ts';
import * as jobs from './jobs.ts';
import * as sessions from './sessions.ts';

const dialects = await testDialects();

describe.each(dialects)('storage on %s', (dialect) => {
  let t: TestDatabase;
  let database: Database;
  const appId = newId('app');

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    database = await openMigrated(t);
    await applications.insertApplication(database.db, {
      id: appId,
      name: 'Acme',
      webhookSecretEnc: 'x',
      now: 1,
    });
  });
  afterAll(async () => {
    await database?.close();
    await t?.dispose();
  });

  const makeSession = (over: Partial<Session> = {}): Session => {
    const now = new Date();
    return {
      id: newId('ses'),
      type: 'identity',
      applicationId: appId,
      workflowId: 'wf_x',
      workflowVersion: 1,
      status: 'created',
      vendorData: 'user-1',
      callbackUrl: null,
      expected: { person: { firstName: 'Jüri' } },
      locale: 'et',
      metadata: { a: 1 },
      collected: {},
      journeyToken: newId('ses'),
      currentAttemptId: newId('att'),
      attemptCount: 1,
      createdAt: now,
      updatedAt: now,
      expiresAt: new Date(now.getTime() + 60_000),
      decidedAt: null,
      deletedAt: null,
      ...over,
    };
  };

  it('migrates twice without error (idempotent start-up)', async () => {
    const again = await openMigrated(t);
    await again.close();
  });

  it('stores and reads back a session with its JSON fields intact', async () => {
    const s = makeSession();
    await sessions.insertSession(database.db, s);
    const back = await sessions.findSession(database.db, appId, s.id);
    expect(back).toEqual(s);
  });

  it("does not find another application's session", async () => {
    const s = makeSession();
    await sessions.insertSession(database.db, s);
    expect(await sessions.findSession(database.db, 'app_other', s.id)).toBeUndefined();
  });

  it('changes status only from an expected status (compare-and-set)', async () => {
    const s = makeSession();
    await sessions.insertSession(database.db, s);
    expect(await sessions.updateSessionStatus(database.db, s.id, ['created'], 'submitted', 2)).toBe(true);
    expect(await sessions.updateSessionStatus(database.db, s.id, ['created'], 'cancelled', 3)).toBe(false);
    expect((await sessions.findSession(database.db, appId, s.id))?.status).toBe('submitted');
  });

  it('pages newest first with a cursor and filters by vendorData and status', async () => {
    const vendor = `v-${Math.random()}`;
    const made: Session[] = [];
    for (let i = 0; i < 5; i++) {
      const s = makeSession({ vendorData: vendor, id: newId('ses', Date.now() + i) });
      made.push(s);
      await sessions.insertSession(database.db, s);
    }
    const page1 = await sessions.listSessions(database.db, appId, { vendorData: vendor, limit: 3 });
    const page2 = await sessions.listSessions(database.db, appId, {
      vendorData: vendor,
      limit: 3,
      cursor: page1.at(-1)!.id,
    });
    expect([...page1, ...page2].map((s) => s.id)).toEqual(made.map((s) => s.id).reverse());
    expect(
      await sessions.listSessions(database.db, appId, { vendorData: vendor, status: ['approved'], limit: 9 }),
    ).toEqual([]);
  });

  it('leases a due job once, and again after its lease ran out (a dead worker)', async () => {
    const now = Date.now();
    const id = await jobs.enqueueJob(database.db, {
      type: 't',
      payload: { n: 1 },
      runAt: now,
      maxAttempts: 3,
      now,
    });
    const a = await jobs.claimJob(database.db, database.dialect, 'w1', now, 1000);
    expect(a?.id).toBe(id);
    expect(await jobs.claimJob(database.db, database.dialect, 'w2', now + 10, 1000)).toBeUndefined();
    const b = await jobs.claimJob(database.db, database.dialect, 'w2', now + 2000, 1000);
    expect(b).toMatchObject({ id, attempts: 2, payload: { n: 1 } });
    await jobs.completeJob(database.db, id, now + 2001);
    expect(await jobs.claimJob(database.db, database.dialect, 'w3', now + 99_999, 1000)).toBeUndefined();
  });

  it('remembers an idempotency key and the response it produced', async () => {
    const key = `k-${Math.random()}`;
    expect(await idempotency.claimIdempotencyKey(database.db, appId, key, 'fp', 1)).toEqual({ state: 'new' });
    expect(await idempotency.claimIdempotencyKey(database.db, appId, key, 'fp', 1)).toEqual({
      state: 'in-flight',
      fingerprint: 'fp',
    });
    await idempotency.completeIdempotencyKey(database.db, appId, key, 201, '{"id":1}');
    expect(await idempotency.claimIdempotencyKey(database.db, appId, key, 'fp2', 1)).toEqual({
      state: 'done',
      fingerprint: 'fp',
      statusCode: 201,
      response: '{"id":1}',
    });
  });

  it("finds another user's use of a document however often the same user showed it", async () => {
    const digest = `d-${newId('ses')}`;
    const record = async (vendorData: string | null, at: number) => {
      const s = makeSession({ vendorData });
      await sessions.insertSession(database.db, s);
      await documentUses.recordDocumentUse(database.db, {
        applicationId: appId,
        sessionId: s.id,
        digest,
        now: at,
      });
      return s.id;
    };
    const other = await record('user-a', 1_000);
    const anonymous = await record(null, 2_000);
    for (let i = 0; i < 5; i++) await record('user-b', 3_000 + i);
    const current = makeSession({ vendorData: 'user-b' });
    const found = await documentUses.findDocumentUses(database.db, {
      applicationId: appId,
      digest,
      excludeSessionId: current.id,
      excludeVendorData: 'user-b',
      limit: 2,
    });
    expect(found.map((u) => u.sessionId)).toEqual([anonymous, other]);
    const all = await documentUses.findDocumentUses(database.db, {
      applicationId: appId,
      digest,
      excludeSessionId: current.id,
      limit: 10,
    });
    expect(all).toHaveLength(7);
  });

  it('erases personal data on delete and keeps a tombstone', async () => {
    const s = makeSession();
    await sessions.insertSession(database.db, s);
    await sessions.eraseSession(database.db, s.id, 99);
    const back = await sessions.findSession(database.db, appId, s.id);
    expect(back).toMatchObject({ id: s.id, vendorData: null, expected: {}, metadata: {}, locale: null });
    expect(back?.deletedAt?.getTime()).toBe(99);
  });
});
