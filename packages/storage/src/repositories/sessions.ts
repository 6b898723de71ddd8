import type { Attempt, Decision, Session, SessionEvent, SessionStatus, SessionType } from '@openidv/domain';
import type { DB } from '../database/schema.ts';
import type { Executor } from './applications.ts';
import { fromJson, toJson } from './json.ts';

export async function insertSession(db: Executor, s: Session): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: s.id,
      type: s.type,
      application_id: s.applicationId,
      workflow_id: s.workflowId,
      workflow_version: s.workflowVersion,
      status: s.status,
      vendor_data: s.vendorData,
      callback_url: s.callbackUrl,
      expected: toJson(s.expected),
      locale: s.locale,
      metadata: toJson(s.metadata),
      collected: toJson(s.collected),
      journey_token: s.journeyToken,
      current_attempt_id: s.currentAttemptId,
      attempt_count: s.attemptCount,
      created_at: s.createdAt.getTime(),
      updated_at: s.updatedAt.getTime(),
      expires_at: s.expiresAt.getTime(),
      decided_at: null,
      deleted_at: null,
    })
    .execute();
}

export async function insertAttempt(db: Executor, a: Attempt): Promise<void> {
  await db
    .insertInto('attempts')
    .values({
      id: a.id,
      session_id: a.sessionId,
      number: a.number,
      status: a.status,
      created_at: a.createdAt.getTime(),
      submitted_at: null,
      decided_at: null,
      decision: null,
    })
    .execute();
}

/** A session of this application, deleted ones included (they are tombstones). */
export async function findSession(
  db: Executor,
  applicationId: string,
  id: string,
): Promise<Session | undefined> {
  const r = await db
    .selectFrom('sessions')
    .selectAll()
    .where('id', '=', id)
    .where('application_id', '=', applicationId)
    .executeTakeFirst();
  return r && toSession(r);
}

export async function findSessionById(db: Executor, id: string): Promise<Session | undefined> {
  const r = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toSession(r);
}

export async function findSessionByJourneyToken(db: Executor, token: string): Promise<Session | undefined> {
  const r = await db.selectFrom('sessions').selectAll().where('journey_token', '=', token).executeTakeFirst();
  return r && toSession(r);
}

export interface SessionFilter {
  status?: SessionStatus[];
  vendorData?: string;
  type?: SessionType;
  createdFrom?: Date;
  createdTo?: Date;
  /** Return sessions with id < cursor (newest first). */
  cursor?: string;
  limit: number;
}

export async function listSessions(
  db: Executor,
  applicationId: string,
  f: SessionFilter,
): Promise<Session[]> {
  let q = db
    .selectFrom('sessions')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('deleted_at', 'is', null);
  if (f.status?.length) q = q.where('status', 'in', f.status);
  if (f.vendorData !== undefined) q = q.where('vendor_data', '=', f.vendorData);
  if (f.type) q = q.where('type', '=', f.type);
  if (f.createdFrom) q = q.where('created_at', '>=', f.createdFrom.getTime());
  if (f.createdTo) q = q.where('created_at', '<', f.createdTo.getTime());
  if (f.cursor) q = q.where('id', '<', f.cursor);
  const rows = await q.orderBy('id', 'desc').limit(f.limit).execute();
  return rows.map(toSession);
}

export interface VendorDataSummary {
  vendorData: string;
  sessions: number;
  lastCreatedAt: Date;
}

/** The applicants an application knows by its own reference (`vendor_data`), most recently seen first. */
export async function listVendorData(
  db: Executor,
  applicationId: string,
  page: { limit: number; offset: number },
): Promise<VendorDataSummary[]> {
  const rows = await db
    .selectFrom('sessions')
    .select((eb) => [
      'vendor_data',
      eb.fn.countAll<number | string | bigint>().as('sessions'),
      eb.fn.max('created_at').as('last_created_at'),
    ])
    .where('application_id', '=', applicationId)
    .where('deleted_at', 'is', null)
    .where('vendor_data', 'is not', null)
    .groupBy('vendor_data')
    .orderBy('last_created_at', 'desc')
    .orderBy('vendor_data')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map((r) => ({
    vendorData: r.vendor_data!,
    sessions: Number(r.sessions),
    lastCreatedAt: new Date(Number(r.last_created_at)),
  }));
}

/**
 * Compare-and-set on the status, so two concurrent changes cannot both win.
 * Returns false when the session was no longer in one of `from`.
 */
export async function updateSessionStatus(
  db: Executor,
  id: string,
  from: SessionStatus[],
  to: SessionStatus,
  now: number,
  extra: Partial<Pick<DB['sessions'], 'decided_at' | 'current_attempt_id' | 'attempt_count'>> = {},
): Promise<boolean> {
  const r = await db
    .updateTable('sessions')
    .set({ status: to, updated_at: now, ...extra })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function updateCollectedData(
  db: Executor,
  id: string,
  collected: Record<string, unknown>,
  now: number,
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ collected: toJson(collected), updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function updateAttempt(
  db: Executor,
  id: string,
  set: { status?: SessionStatus; submittedAt?: number; decidedAt?: number; decision?: Decision | null },
): Promise<void> {
  await db
    .updateTable('attempts')
    .set({
      ...(set.status !== undefined && { status: set.status }),
      ...(set.submittedAt !== undefined && { submitted_at: set.submittedAt }),
      ...(set.decidedAt !== undefined && { decided_at: set.decidedAt }),
      ...(set.decision !== undefined && { decision: set.decision === null ? null : toJson(set.decision) }),
    })
    .where('id', '=', id)
    .execute();
}

export async function findAttempt(db: Executor, id: string): Promise<Attempt | undefined> {
  const r = await db.selectFrom('attempts').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toAttempt(r);
}

export async function listAttempts(db: Executor, sessionId: string): Promise<Attempt[]> {
  const rows = await db
    .selectFrom('attempts')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('number')
    .execute();
  return rows.map(toAttempt);
}

/** Sessions whose lifetime has ended while they still waited for the applicant. */
export async function findExpiredSessions(db: Executor, now: number, limit: number): Promise<Session[]> {
  const rows = await db
    .selectFrom('sessions')
    .selectAll()
    .where('status', 'in', ['created', 'started', 'resubmission_requested'])
    .where('expires_at', '<=', now)
    .where('deleted_at', 'is', null)
    .limit(limit)
    .execute();
  return rows.map(toSession);
}

/** Sessions in a final status, not yet erased, whose last change is at or before `cutoff` (oldest first). */
export async function findSessionsPastRetention(
  db: Executor,
  finalStatuses: readonly string[],
  cutoff: number,
  limit: number,
): Promise<Session[]> {
  const rows = await db
    .selectFrom('sessions')
    .selectAll()
    .where('status', 'in', [...finalStatuses])
    .where('updated_at', '<=', cutoff)
    .where('deleted_at', 'is', null)
    .orderBy('updated_at')
    .limit(limit)
    .execute();
  return rows.map(toSession);
}

/** Erases personal data and keeps a tombstone: id, application, status, times. */
export async function eraseSession(db: Executor, id: string, now: number): Promise<void> {
  await db
    .updateTable('sessions')
    .set({
      vendor_data: null,
      callback_url: null,
      expected: '{}',
      metadata: '{}',
      collected: '{}',
      locale: null,
      deleted_at: now,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
  await db.updateTable('attempts').set({ decision: null }).where('session_id', '=', id).execute();
  // Event payloads can hold personal data (extracted names); keep their types and times for the audit trail.
  await db.updateTable('session_events').set({ data: '{}' }).where('session_id', '=', id).execute();
  // eID sign-ins hold verified claims and the signed ID token.
  await db.deleteFrom('eid_transactions').where('session_id', '=', id).execute();
}

export async function insertEvent(db: Executor, e: SessionEvent & { applicationId: string }): Promise<void> {
  await db
    .insertInto('session_events')
    .values({
      id: e.id,
      application_id: e.applicationId,
      session_id: e.sessionId,
      type: e.type,
      data: toJson(e.data),
      actor: e.actor,
      created_at: e.createdAt.getTime(),
    })
    .execute();
}

export async function listEvents(db: Executor, sessionId: string): Promise<SessionEvent[]> {
  const rows = await db
    .selectFrom('session_events')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    sessionId: r.session_id,
    type: r.type,
    data: fromJson(r.data, {}),
    actor: r.actor,
    createdAt: new Date(Number(r.created_at)),
  }));
}

function toSession(r: DB['sessions']): Session {
  return {
    id: r.id,
    type: r.type as SessionType,
    applicationId: r.application_id,
    workflowId: r.workflow_id,
    workflowVersion: Number(r.workflow_version),
    status: r.status as SessionStatus,
    vendorData: r.vendor_data,
    callbackUrl: r.callback_url,
    expected: fromJson(r.expected, {}),
    locale: r.locale,
    metadata: fromJson(r.metadata, {}),
    collected: fromJson(r.collected, {}),
    journeyToken: r.journey_token,
    currentAttemptId: r.current_attempt_id,
    attemptCount: Number(r.attempt_count),
    createdAt: new Date(Number(r.created_at)),
    updatedAt: new Date(Number(r.updated_at)),
    expiresAt: new Date(Number(r.expires_at)),
    decidedAt: r.decided_at == null ? null : new Date(Number(r.decided_at)),
    deletedAt: r.deleted_at == null ? null : new Date(Number(r.deleted_at)),
  };
}

function toAttempt(r: DB['attempts']): Attempt {
  const decision = fromJson<Decision | null>(r.decision, null);
  if (decision) decision.decidedAt = new Date(decision.decidedAt);
  return {
    id: r.id,
    sessionId: r.session_id,
    number: Number(r.number),
    status: r.status as SessionStatus,
    createdAt: new Date(Number(r.created_at)),
    submittedAt: r.submitted_at == null ? null : new Date(Number(r.submitted_at)),
    decidedAt: r.decided_at == null ? null : new Date(Number(r.decided_at)),
    decision,
  };
}
