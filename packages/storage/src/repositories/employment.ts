import type { DB } from '../database/schema.ts';
import type { Executor } from './applications.ts';
import { fromJson, toJson } from './json.ts';

/**
 * Employment and income verifications: the declared history and result of a session, and its data-source
 * connections. The shapes of the JSON values belong to the server; this module stores them.
 */

export interface EmploymentVerificationRow<D = unknown, S = unknown, R = unknown> {
  sessionId: string;
  applicationId: string;
  declared: D;
  settings: S;
  result: R | null;
  updatedAt: Date;
}

export async function insertVerification(db: Executor, v: EmploymentVerificationRow): Promise<void> {
  await db
    .insertInto('employment_verifications')
    .values({
      session_id: v.sessionId,
      application_id: v.applicationId,
      declared: toJson(v.declared),
      settings: toJson(v.settings),
      result: v.result === null ? null : toJson(v.result),
      updated_at: v.updatedAt.getTime(),
    })
    .execute();
}

export async function findVerification<D, S, R>(
  db: Executor,
  sessionId: string,
): Promise<EmploymentVerificationRow<D, S, R> | undefined> {
  const r = await db
    .selectFrom('employment_verifications')
    .selectAll()
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
  return (
    r && {
      sessionId: r.session_id,
      applicationId: r.application_id,
      declared: fromJson<D>(r.declared, [] as D),
      settings: fromJson<S>(r.settings, {} as S),
      result: fromJson<R | null>(r.result, null),
      updatedAt: new Date(Number(r.updated_at)),
    }
  );
}

export async function storeResult(
  db: Executor,
  sessionId: string,
  result: unknown,
  now: number,
): Promise<void> {
  await db
    .updateTable('employment_verifications')
    .set({ result: toJson(result), updated_at: now })
    .where('session_id', '=', sessionId)
    .execute();
}

export type ConnectionStatus = 'pending' | 'connected' | 'failed';

export interface ConnectionRow<E = unknown> {
  id: string;
  sessionId: string;
  sourceId: string;
  declaredId: string | null;
  status: ConnectionStatus;
  stateDigest: string | null;
  pendingEnc: string | null;
  employments: E | null;
  errorCode: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export async function insertConnection(db: Executor, c: ConnectionRow): Promise<void> {
  await db
    .insertInto('employment_connections')
    .values({
      id: c.id,
      session_id: c.sessionId,
      source_id: c.sourceId,
      declared_id: c.declaredId,
      status: c.status,
      state_digest: c.stateDigest,
      pending_enc: c.pendingEnc,
      employments: c.employments === null ? null : toJson(c.employments),
      error_code: c.errorCode,
      created_at: c.createdAt.getTime(),
      updated_at: c.updatedAt.getTime(),
    })
    .execute();
}

function toConnection<E>(r: DB['employment_connections']): ConnectionRow<E> {
  return {
    id: r.id,
    sessionId: r.session_id,
    sourceId: r.source_id,
    declaredId: r.declared_id,
    status: r.status as ConnectionStatus,
    stateDigest: r.state_digest,
    pendingEnc: r.pending_enc,
    employments: fromJson<E | null>(r.employments, null),
    errorCode: r.error_code,
    createdAt: new Date(Number(r.created_at)),
    updatedAt: new Date(Number(r.updated_at)),
  };
}

export async function findConnectionByState<E>(
  db: Executor,
  stateDigest: string,
): Promise<ConnectionRow<E> | undefined> {
  const r = await db
    .selectFrom('employment_connections')
    .selectAll()
    .where('state_digest', '=', stateDigest)
    .executeTakeFirst();
  return r && toConnection<E>(r);
}

export async function listConnections<E>(db: Executor, sessionId: string): Promise<ConnectionRow<E>[]> {
  const rows = await db
    .selectFrom('employment_connections')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => toConnection<E>(r));
}

/**
 * Settles a pending connection (compare-and-set on `pending`, so a replayed callback cannot settle it twice).
 * The state and the sealed verifier go: they were for one use.
 */
export async function settleConnection(
  db: Executor,
  id: string,
  outcome: { status: 'connected'; employments: unknown } | { status: 'failed'; errorCode: string },
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable('employment_connections')
    .set({
      status: outcome.status,
      state_digest: null,
      pending_enc: null,
      employments: outcome.status === 'connected' ? toJson(outcome.employments) : null,
      error_code: outcome.status === 'failed' ? outcome.errorCode : null,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Erases the session's declared history, result and connections (session deletion and retention). */
export async function eraseEmployment(db: Executor, sessionId: string, now: number): Promise<void> {
  await db
    .updateTable('employment_verifications')
    .set({ declared: '[]', result: null, updated_at: now })
    .where('session_id', '=', sessionId)
    .execute();
  await db.deleteFrom('employment_connections').where('session_id', '=', sessionId).execute();
}
