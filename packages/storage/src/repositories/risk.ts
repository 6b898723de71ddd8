import type { Decision } from '@openidv/domain';
import { sql } from 'kysely';
import type { Executor } from './applications.ts';
import { fromJson } from './json.ts';

/**
 * Risk signals (velocity) and data blocklists. Every value arrives here already digested (keyed HMAC of the
 * normalised value); this module never sees an email or an IP address.
 */

export interface SignalRow {
  kind: string;
  digest: string;
}

/** Records (or replaces) the session's digest per kind; the first time a kind was seen is kept. */
export async function upsertSignals(
  db: Executor,
  s: {
    applicationId: string;
    sessionId: string;
    userDigest: string | null;
    identityDigest: string | null;
    now: number;
    signals: SignalRow[];
  },
): Promise<void> {
  if (s.signals.length === 0) return;
  await db
    .insertInto('risk_signals')
    .values(
      s.signals.map((x) => ({
        application_id: s.applicationId,
        session_id: s.sessionId,
        kind: x.kind,
        digest: x.digest,
        user_digest: s.userDigest,
        identity_digest: s.identityDigest,
        created_at: s.now,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['session_id', 'kind']).doUpdateSet((eb) => ({
        digest: eb.ref('excluded.digest'),
        user_digest: eb.ref('excluded.user_digest'),
        identity_digest: sql<
          string | null
        >`coalesce(${eb.ref('excluded.identity_digest')}, ${eb.ref('risk_signals.identity_digest')})`,
      })),
    )
    .execute();
}

/** Sets the identity of every signal of the session (once the document was read). */
export async function setSignalIdentity(
  db: Executor,
  sessionId: string,
  identityDigest: string,
): Promise<void> {
  await db
    .updateTable('risk_signals')
    .set({ identity_digest: identityDigest })
    .where('session_id', '=', sessionId)
    .execute();
}

export interface SignalCountRow {
  sessions: number;
  users: number;
  identities: number;
}

/** Other sessions that carried the digest since `since`: how many, for how many users and identities. */
export async function countSignals(
  db: Executor,
  q: {
    applicationId: string;
    kind: string;
    digest: string;
    since: number;
    excludeSessionId: string;
    excludeIdentity: string | null;
  },
): Promise<SignalCountRow> {
  const other = q.excludeIdentity ?? '';
  const row = await db
    .selectFrom('risk_signals')
    .select([
      sql<number>`count(distinct session_id)`.as('sessions'),
      sql<number>`count(distinct user_digest)`.as('users'),
      sql<number>`count(distinct case when identity_digest <> ${other} then identity_digest end)`.as(
        'identities',
      ),
    ])
    .where('application_id', '=', q.applicationId)
    .where('kind', '=', q.kind)
    .where('digest', '=', q.digest)
    .where('created_at', '>=', q.since)
    .where('session_id', '<>', q.excludeSessionId)
    .executeTakeFirst();
  return {
    sessions: Number(row?.sessions ?? 0),
    users: Number(row?.users ?? 0),
    identities: Number(row?.identities ?? 0),
  };
}

export async function deleteSignalsBySession(db: Executor, sessionId: string): Promise<number> {
  const r = await db.deleteFrom('risk_signals').where('session_id', '=', sessionId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function listSignalsBySession(
  db: Executor,
  sessionId: string,
): Promise<(SignalRow & { identityDigest: string | null; userDigest: string | null })[]> {
  const rows = await db
    .selectFrom('risk_signals')
    .select(['kind', 'digest', 'identity_digest', 'user_digest'])
    .where('session_id', '=', sessionId)
    .orderBy('kind')
    .execute();
  return rows.map((r) => ({
    kind: r.kind,
    digest: r.digest,
    identityDigest: r.identity_digest,
    userDigest: r.user_digest,
  }));
}

export interface BlocklistEntry {
  id: string;
  kind: string;
  display: string;
  note: string | null;
  createdBy: string;
  createdAt: Date;
}

type EntryRow = {
  id: string;
  kind: string;
  display: string;
  note: string | null;
  created_by: string;
  created_at: number;
};
const toEntry = (r: EntryRow): BlocklistEntry => ({
  id: r.id,
  kind: r.kind,
  display: r.display,
  note: r.note,
  createdBy: r.created_by,
  createdAt: new Date(Number(r.created_at)),
});

/** Adds a value; when it is already listed the existing entry is returned and `created` is false. */
export async function addBlocklistEntry(
  db: Executor,
  e: {
    id: string;
    applicationId: string;
    kind: string;
    digest: string;
    display: string;
    note: string | null;
    createdBy: string;
    now: number;
  },
): Promise<{ entry: BlocklistEntry; created: boolean }> {
  const inserted = await db
    .insertInto('blocklist_entries')
    .values({
      id: e.id,
      application_id: e.applicationId,
      kind: e.kind,
      digest: e.digest,
      display: e.display,
      note: e.note,
      created_by: e.createdBy,
      created_at: e.now,
    })
    .onConflict((oc) => oc.columns(['application_id', 'kind', 'digest']).doNothing())
    .executeTakeFirst();
  const created = Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
  const row = await findBlocklistEntry(db, e.applicationId, e.kind, e.digest);
  return { entry: row!, created };
}

export async function findBlocklistEntry(
  db: Executor,
  applicationId: string,
  kind: string,
  digest: string,
): Promise<BlocklistEntry | undefined> {
  const r = await db
    .selectFrom('blocklist_entries')
    .select(['id', 'kind', 'display', 'note', 'created_by', 'created_at'])
    .where('application_id', '=', applicationId)
    .where('kind', '=', kind)
    .where('digest', '=', digest)
    .executeTakeFirst();
  return r && toEntry(r);
}

/** Newest first; `before` is the id of the last entry of the previous page. */
export async function listBlocklistEntries(
  db: Executor,
  q: { applicationId: string; kind?: string | undefined; limit: number; before?: string | undefined },
): Promise<BlocklistEntry[]> {
  let query = db
    .selectFrom('blocklist_entries')
    .select(['id', 'kind', 'display', 'note', 'created_by', 'created_at'])
    .where('application_id', '=', q.applicationId);
  if (q.kind) query = query.where('kind', '=', q.kind);
  if (q.before) query = query.where('id', '<', q.before);
  const rows = await query.orderBy('id', 'desc').limit(q.limit).execute();
  return rows.map(toEntry);
}

export async function deleteBlocklistEntry(
  db: Executor,
  applicationId: string,
  id: string,
  kind?: string,
): Promise<boolean> {
  let q = db.deleteFrom('blocklist_entries').where('application_id', '=', applicationId).where('id', '=', id);
  if (kind) q = q.where('kind', '=', kind);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export interface DecidedAttempt {
  sessionId: string;
  attemptId: string;
  workflowVersion: number;
  decidedAt: Date;
  decision: Decision;
}

/** The latest decided attempts of a workflow's sessions (not erased), newest decision first. */
export async function recentDecisions(
  db: Executor,
  q: { applicationId: string; workflowId: string; limit: number },
): Promise<DecidedAttempt[]> {
  const rows = await db
    .selectFrom('sessions')
    .innerJoin('attempts', 'attempts.id', 'sessions.current_attempt_id')
    .select([
      'sessions.id as session_id',
      'attempts.id as attempt_id',
      'sessions.workflow_version',
      'attempts.decided_at',
      'attempts.decision',
    ])
    .where('sessions.application_id', '=', q.applicationId)
    .where('sessions.workflow_id', '=', q.workflowId)
    .where('sessions.deleted_at', 'is', null)
    .where('attempts.decision', 'is not', null)
    .orderBy('attempts.decided_at', 'desc')
    .orderBy('sessions.id', 'desc')
    .limit(q.limit)
    .execute();
  return rows.map((r) => {
    const decision = fromJson<Decision>(r.decision, null as unknown as Decision);
    decision.decidedAt = new Date(decision.decidedAt);
    return {
      sessionId: r.session_id,
      attemptId: r.attempt_id,
      workflowVersion: Number(r.workflow_version),
      decidedAt: new Date(Number(r.decided_at)),
      decision,
    };
  });
}
