import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../database/open-database.ts';
import {
  createTestDatabase,
  openMigrated,
  type TestDatabase,
  testDialects,
} from '../testing/test-databases.ts';
import * as employment from './employment.ts';

describe.each(await testDialects())('employment storage on %s', (dialect) => {
  let t: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    database = await openMigrated(t);
  });
  afterAll(async () => {
    await database?.close();
    await t?.dispose();
  });

  const connection = (id: string, sessionId: string, stateDigest: string) => ({
    id,
    sessionId,
    sourceId: 'payroll',
    declaredId: 'emp_1',
    status: 'pending' as const,
    stateDigest,
    pendingEnc: 'sealed',
    employments: null,
    errorCode: null,
    createdAt: new Date(1000),
    updatedAt: new Date(1000),
  });

  it('keeps the declaration, then the result', async () => {
    await employment.insertVerification(database.db, {
      sessionId: 'ses_a',
      applicationId: 'app_a',
      declared: [{ id: 'emp_1', employer: 'Globex' }],
      settings: { sources: ['payroll'], maxGapDays: 90 },
      result: null,
      updatedAt: new Date(1000),
    });
    const row = await employment.findVerification(database.db, 'ses_a');
    expect(row).toMatchObject({ declared: [{ employer: 'Globex' }], result: null });
    await employment.storeResult(database.db, 'ses_a', { comparison: [] }, 2000);
    expect((await employment.findVerification(database.db, 'ses_a'))?.result).toEqual({ comparison: [] });
    expect(await employment.findVerification(database.db, 'ses_none')).toBeUndefined();
  });

  it('settles a pending connection once, forgetting its state and verifier', async () => {
    await employment.insertConnection(database.db, connection('con_1', 'ses_a', 'digest-1'));
    expect((await employment.findConnectionByState(database.db, 'digest-1'))?.id).toBe('con_1');
    const first = await employment.settleConnection(
      database.db,
      'con_1',
      { status: 'connected', employments: [{ employer: 'Globex' }] },
      3000,
    );
    const replay = await employment.settleConnection(
      database.db,
      'con_1',
      { status: 'failed', errorCode: 'X' },
      4000,
    );
    expect([first, replay]).toEqual([true, false]);
    expect(await employment.findConnectionByState(database.db, 'digest-1')).toBeUndefined();
    expect(await employment.listConnections(database.db, 'ses_a')).toEqual([
      expect.objectContaining({
        id: 'con_1',
        status: 'connected',
        stateDigest: null,
        pendingEnc: null,
        employments: [{ employer: 'Globex' }],
      }),
    ]);
  });

  it('erases the declared history, the result and the connections of one session only', async () => {
    await employment.insertVerification(database.db, {
      sessionId: 'ses_b',
      applicationId: 'app_a',
      declared: [{ id: 'emp_1', employer: 'Initech' }],
      settings: {},
      result: { timeline: [] },
      updatedAt: new Date(1000),
    });
    await employment.insertConnection(database.db, connection('con_2', 'ses_b', 'digest-2'));
    await employment.eraseEmployment(database.db, 'ses_b', 5000);
    expect(await employment.findVerification(database.db, 'ses_b')).toMatchObject({
      declared: [],
      result: null,
    });
    expect(await employment.listConnections(database.db, 'ses_b')).toEqual([]);
    expect(await employment.listConnections(database.db, 'ses_a')).toHaveLength(1);
  });
});
