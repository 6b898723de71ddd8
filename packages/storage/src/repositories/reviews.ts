import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Dialect } from '../database/open-database.ts';
import type { DB } from '../database/schema.ts';
import type { Executor } from './applications.ts';
import { fromJson, toJson } from './json.ts';

// ---------------------------------------------------------------------------------------------------------
// Audit log

export interface AuditEntry {
  id: string;
  applicationId: string;
  actor: string;
  actorLabel: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  createdAt: Date;
}

export async function insertAudit(db: Executor, e: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: e.id,
      application_id: e.applicationId,
      actor: e.actor,
      actor_label: e.actorLabel,
      action: e.action,
      target_type: e.targetType,
      target_id: e.targetId,
      before: e.before === undefined ? null : toJson(e.before),
      after: e.after === undefined ? null : toJson(e.after),
      created_at: e.createdAt.getTime(),
    })
    .execute();
}

export interface AuditFilter {
  targetId?: string;
  actor?: string;
  /** Exact action, or a prefix ending in "." (e.g. "review."). */
  action?: string;
  from?: number;
  to?: number;
  /** Entries with id < cursor (newest first). */
  cursor?: string;
  limit: number;
}

export async function listAudit(db: Executor, applicationId: string, f: AuditFilter): Promise<AuditEntry[]> {
  let q = db.selectFrom('audit_log').selectAll().where('application_id', '=', applicationId);
  if (f.targetId) q = q.where('target_id', '=', f.targetId);
  if (f.actor) q = q.where('actor', '=', f.actor);
  if (f.action)
    q = f.action.endsWith('.')
      ? q.where('action', 'like', `${escapeLike(f.action)}%`)
      : q.where('action', '=', f.action);
  if (f.from !== undefined) q = q.where('created_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('created_at', '<', f.to);
  if (f.cursor) q = q.where('id', '<', f.cursor);
  const rows = await q.orderBy('id', 'desc').limit(f.limit).execute();
  return rows.map(toAudit);
}

function toAudit(r: DB['audit_log']): AuditEntry {
  return {
    id: r.id,
    applicationId: r.application_id,
    actor: r.actor,
    actorLabel: r.actor_label,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    before: fromJson(r.before, null),
    after: fromJson(r.after, null),
    createdAt: new Date(Number(r.created_at)),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Review claims

export interface ClaimRow {
  sessionId: string;
  actor: string;
  actorLabel: string | null;
  claimedAt: Date;
  expiresAt: Date;
}

/**
 * Claims a case for `actor` unless someone else holds a live claim. One statement (insert, or update an expired
 * or own claim), so two reviewers racing for the same case cannot both win. Returns the claim in force.
 */
export async function claimCase(
  db: Executor,
  c: {
    sessionId: string;
    applicationId: string;
    actor: string;
    actorLabel: string | null;
    now: number;
    ttlMs: number;
  },
): Promise<ClaimRow> {
  await db
    .insertInto('review_claims')
    .values({
      session_id: c.sessionId,
      application_id: c.applicationId,
      actor: c.actor,
      actor_label: c.actorLabel,
      claimed_at: c.now,
      expires_at: c.now + c.ttlMs,
    })
    .onConflict((oc) =>
      oc
        .column('session_id')
        .doUpdateSet({
          actor: c.actor,
          actor_label: c.actorLabel,
          claimed_at: (eb) =>
            eb
              .case()
              .when('review_claims.actor', '=', c.actor)
              .then(eb.ref('review_claims.claimed_at'))
              .else(c.now)
              .end(),
          expires_at: c.now + c.ttlMs,
        })
        .where((eb) =>
          eb.or([eb('review_claims.expires_at', '<=', c.now), eb('review_claims.actor', '=', c.actor)]),
        ),
    )
    .execute();
  return (await findClaim(db, c.sessionId))!;
}

export async function findClaim(db: Executor, sessionId: string): Promise<ClaimRow | undefined> {
  const r = await db
    .selectFrom('review_claims')
    .selectAll()
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
  return r && toClaim(r);
}

/** Releases a claim; `actor` limits it to that holder's claim. Returns whether a claim was removed. */
export async function releaseClaim(db: Executor, sessionId: string, actor?: string): Promise<boolean> {
  let q = db.deleteFrom('review_claims').where('session_id', '=', sessionId);
  if (actor) q = q.where('actor', '=', actor);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

function toClaim(r: DB['review_claims']): ClaimRow {
  return {
    sessionId: r.session_id,
    actor: r.actor,
    actorLabel: r.actor_label,
    claimedAt: new Date(Number(r.claimed_at)),
    expiresAt: new Date(Number(r.expires_at)),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Cases: sessions with a summary of their current decision, searchable

/** A JSON value inside a text column, as text (both dialects). */
export function jsonText(dialect: Dialect, column: string, path: string[]): RawBuilder<string | null> {
  if (dialect === 'postgres')
    return sql<string | null>`(${sql.ref(column)}::json #>> ${`{${path.join(',')}}`})`;
  return sql<string | null>`json_extract(${sql.ref(column)}, ${`$.${path.join('.')}`})`;
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function likeContains(haystack: Expression<string>, needle: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`${haystack} like ${`%${escapeLike(needle.toLowerCase())}%`} escape '\\'`;
}

export interface CaseFilter {
  /** Words that must all appear in the session id, vendorData, expected or extracted names or document number. */
  q?: string;
  /** Only these sessions. */
  ids?: string[];
  status?: string[];
  workflowId?: string;
  riskLabel?: string;
  decision?: string;
  createdFrom?: number;
  createdTo?: number;
  cursor?: string;
  limit: number;
}

export interface CaseRow {
  id: string;
  status: string;
  workflowId: string;
  workflowVersion: number;
  vendorData: string | null;
  attemptCount: number;
  createdAt: Date;
  decidedAt: Date | null;
  expected: { person?: Record<string, unknown>; document?: Record<string, unknown> };
  firstName: string | null;
  lastName: string | null;
  documentNumber: string | null;
  documentCountry: string | null;
  decisionStatus: string | null;
  decidedBy: unknown;
  riskLabels: string[];
  reasonCodes: string[];
  submittedAt: Date | null;
  claim: { actor: string; actorLabel: string | null; claimedAt: Date; expiresAt: Date } | null;
}

function caseQuery(
  db: Executor,
  dialect: Dialect,
  applicationId: string,
  f: Omit<CaseFilter, 'limit' | 'cursor'>,
) {
  const J = (col: string, ...path: string[]) => jsonText(dialect, col, path);
  let q = db
    .selectFrom('sessions as s')
    .leftJoin('attempts as a', 'a.id', 's.current_attempt_id')
    .where('s.application_id', '=', applicationId)
    .where('s.deleted_at', 'is', null);
  if (f.ids) q = f.ids.length ? q.where('s.id', 'in', f.ids) : q.where(sql<SqlBool>`1 = 0`);
  if (f.status?.length) q = q.where('s.status', 'in', f.status);
  if (f.workflowId) q = q.where('s.workflow_id', '=', f.workflowId);
  if (f.createdFrom !== undefined) q = q.where('s.created_at', '>=', f.createdFrom);
  if (f.createdTo !== undefined) q = q.where('s.created_at', '<', f.createdTo);
  if (f.decision) q = q.where(J('a.decision', 'status'), '=', f.decision);
  if (f.riskLabel) {
    q = q.where(
      sql<SqlBool>`coalesce(${J('a.decision', 'riskLabels')}, '') like ${`%${escapeLike(JSON.stringify(f.riskLabel))}%`} escape '\\'`,
    );
  }
  const words = (f.q ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 8);
  if (words.length) {
    const parts = [
      sql.ref('s.id'),
      sql.ref('s.vendor_data'),
      J('s.expected', 'person', 'firstName'),
      J('s.expected', 'person', 'lastName'),
      J('s.expected', 'document', 'number'),
      J('a.decision', 'person', 'firstName', 'value'),
      J('a.decision', 'person', 'lastName', 'value'),
      J('a.decision', 'document', 'number', 'value'),
    ];
    const haystack = sql<string>`lower(${sql.join(
      parts.map((p) => sql`coalesce(${p}, '')`),
      sql` || ' ' || `,
    )})`;
    for (const w of words) q = q.where(likeContains(haystack, w));
  }
  return q;
}

export async function listCases(
  db: Executor,
  dialect: Dialect,
  applicationId: string,
  f: CaseFilter,
  now: number,
): Promise<CaseRow[]> {
  const J = (col: string, ...path: string[]) => jsonText(dialect, col, path);
  let q = caseQuery(db, dialect, applicationId, f)
    .leftJoin('review_claims as c', (j) => j.onRef('c.session_id', '=', 's.id').on('c.expires_at', '>', now))
    .select([
      's.id',
      's.status',
      's.workflow_id',
      's.workflow_version',
      's.vendor_data',
      's.attempt_count',
      's.created_at',
      's.decided_at',
      's.expected',
      'a.submitted_at',
      'c.actor as claim_actor',
      'c.actor_label as claim_label',
      'c.claimed_at as claim_at',
      'c.expires_at as claim_expires',
    ])
    .select([
      J('a.decision', 'person', 'firstName', 'value').as('first_name'),
      J('a.decision', 'person', 'lastName', 'value').as('last_name'),
      J('a.decision', 'document', 'number', 'value').as('document_number'),
      J('a.decision', 'document', 'country', 'value').as('document_country'),
      J('a.decision', 'status').as('decision_status'),
      J('a.decision', 'decidedBy').as('decided_by'),
      J('a.decision', 'riskLabels').as('risk_labels'),
      J('a.decision', 'reasons').as('reasons'),
    ]);
  if (f.cursor) q = q.where('s.id', '<', f.cursor);
  const rows = await q.orderBy('s.id', 'desc').limit(f.limit).execute();
  return rows.map(toCase);
}

export async function countCases(
  db: Executor,
  dialect: Dialect,
  applicationId: string,
  f: Omit<CaseFilter, 'limit' | 'cursor'>,
): Promise<number> {
  const r = await caseQuery(db, dialect, applicationId, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

// biome-ignore lint/suspicious/noExplicitAny: a row of the joined select above
function toCase(r: any): CaseRow {
  const d = (v: unknown) => (v == null ? null : new Date(Number(v)));
  const decidedBy =
    r.decided_by == null ? null : r.decided_by === 'engine' ? 'engine' : safeJson(r.decided_by);
  const reasons = (safeJson(r.reasons) ?? []) as { code: string }[];
  return {
    id: r.id,
    status: r.status,
    workflowId: r.workflow_id,
    workflowVersion: Number(r.workflow_version),
    vendorData: r.vendor_data,
    attemptCount: Number(r.attempt_count),
    createdAt: new Date(Number(r.created_at)),
    decidedAt: d(r.decided_at),
    expected: fromJson(r.expected, {}),
    firstName: r.first_name ?? null,
    lastName: r.last_name ?? null,
    documentNumber: r.document_number ?? null,
    documentCountry: r.document_country ?? null,
    decisionStatus: r.decision_status ?? null,
    decidedBy,
    riskLabels: (safeJson(r.risk_labels) ?? []) as string[],
    reasonCodes: [...new Set(reasons.map((x) => x.code))],
    submittedAt: d(r.submitted_at),
    claim: r.claim_actor
      ? {
          actor: r.claim_actor,
          actorLabel: r.claim_label,
          claimedAt: new Date(Number(r.claim_at)),
          expiresAt: new Date(Number(r.claim_expires)),
        }
      : null,
  };
}

function safeJson(v: unknown): unknown {
  if (typeof v !== 'string') return v ?? null;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** Sessions waiting for a person, oldest first (by when they entered review). */
export async function listReviewQueue(
  db: Executor,
  applicationId: string,
  opts: { limit: number; offset?: number; unclaimedFor?: string; now: number },
): Promise<{ id: string; enteredAt: Date; claim: ClaimRow | null }[]> {
  let q = db
    .selectFrom('sessions as s')
    .leftJoin('review_claims as c', (j) =>
      j.onRef('c.session_id', '=', 's.id').on('c.expires_at', '>', opts.now),
    )
    .select([
      's.id',
      's.decided_at',
      's.updated_at',
      'c.actor',
      'c.actor_label',
      'c.claimed_at',
      'c.expires_at',
    ])
    .where('s.application_id', '=', applicationId)
    .where('s.status', '=', 'review')
    .where('s.deleted_at', 'is', null);
  if (opts.unclaimedFor) {
    const me = opts.unclaimedFor;
    q = q.where((eb) => eb.or([eb('c.actor', 'is', null), eb('c.actor', '=', me)]));
  }
  const rows = await q
    .orderBy('s.decided_at', 'asc')
    .orderBy('s.id', 'asc')
    .limit(opts.limit)
    .offset(opts.offset ?? 0)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    enteredAt: new Date(Number(r.decided_at ?? r.updated_at)),
    claim: r.actor
      ? {
          sessionId: r.id,
          actor: r.actor,
          actorLabel: r.actor_label,
          claimedAt: new Date(Number(r.claimed_at)),
          expiresAt: new Date(Number(r.expires_at)),
        }
      : null,
  }));
}

export async function countReviewQueue(db: Executor, applicationId: string): Promise<number> {
  const r = await db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('application_id', '=', applicationId)
    .where('status', '=', 'review')
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

// ---------------------------------------------------------------------------------------------------------
// Figures for the dashboard and usage

export interface AttemptFigureRow {
  sessionId: string;
  workflowId: string;
  status: string;
  createdAt: number;
  submittedAt: number | null;
  decidedAt: number | null;
  decision: string | null;
}

/** Attempts whose session was created, or which were submitted or decided, in [from, to). */
export async function attemptsForFigures(
  db: Executor,
  applicationId: string,
  from: number,
  to: number,
  opts: { withChecks: boolean },
): Promise<AttemptFigureRow[]> {
  const rows = await db
    .selectFrom('attempts as a')
    .innerJoin('sessions as s', 's.id', 'a.session_id')
    .select(['a.session_id', 's.workflow_id', 'a.status', 'a.created_at', 'a.submitted_at', 'a.decided_at'])
    .$if(opts.withChecks, (q) => q.select('a.decision'))
    .where('s.application_id', '=', applicationId)
    .where((eb) =>
      eb.or([
        eb.and([eb('a.created_at', '>=', from), eb('a.created_at', '<', to)]),
        eb.and([eb('a.submitted_at', '>=', from), eb('a.submitted_at', '<', to)]),
        eb.and([eb('a.decided_at', '>=', from), eb('a.decided_at', '<', to)]),
      ]),
    )
    .execute();
  return rows.map((r) => ({
    sessionId: r.session_id,
    workflowId: r.workflow_id,
    status: r.status,
    createdAt: Number(r.created_at),
    submittedAt: r.submitted_at == null ? null : Number(r.submitted_at),
    decidedAt: r.decided_at == null ? null : Number(r.decided_at),
    decision: (r as { decision?: string | null }).decision ?? null,
  }));
}

/** Decisions (JSON) of attempts decided in [from, to): status, decidedBy and reasons only. */
export async function decisionsForFigures(
  db: Executor,
  dialect: Dialect,
  applicationId: string,
  from: number,
  to: number,
): Promise<
  {
    submittedAt: number | null;
    decidedAt: number;
    status: string | null;
    decidedBy: unknown;
    reasons: unknown;
  }[]
> {
  const J = (col: string, ...path: string[]) => jsonText(dialect, col, path);
  const rows = await db
    .selectFrom('attempts as a')
    .innerJoin('sessions as s', 's.id', 'a.session_id')
    .select(['a.submitted_at', 'a.decided_at'])
    .select([
      J('a.decision', 'status').as('status'),
      J('a.decision', 'decidedBy').as('decided_by'),
      J('a.decision', 'reasons').as('reasons'),
    ])
    .where('s.application_id', '=', applicationId)
    .where('a.decided_at', '>=', from)
    .where('a.decided_at', '<', to)
    .execute();
  return rows.map((r) => ({
    submittedAt: r.submitted_at == null ? null : Number(r.submitted_at),
    decidedAt: Number(r.decided_at),
    status: r.status,
    decidedBy: r.decided_by === 'engine' ? 'engine' : safeJson(r.decided_by),
    reasons: safeJson(r.reasons),
  }));
}

// ---------------------------------------------------------------------------------------------------------
// Verified people, by vendorData

export interface PersonRow {
  vendorData: string;
  sessions: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  latestSessionId: string;
  latestStatus: string;
}

export async function listPeople(
  db: Executor,
  applicationId: string,
  f: { q?: string; limit: number; offset: number },
): Promise<{ rows: PersonRow[]; total: number }> {
  let base = db
    .selectFrom('sessions')
    .where('application_id', '=', applicationId)
    .where('deleted_at', 'is', null)
    .where('vendor_data', 'is not', null);
  if (f.q) base = base.where(likeContains(sql<string>`lower(vendor_data)`, f.q));
  const groups = await base
    .select((eb) => [
      'vendor_data',
      eb.fn.countAll<number>().as('n'),
      eb.fn.min('created_at').as('first'),
      eb.fn.max('id').as('latest'),
    ])
    .groupBy('vendor_data')
    .orderBy((eb) => eb.fn.max('id'), 'desc')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  const total = await base
    .select((eb) => eb.fn.count<number>('vendor_data').distinct().as('n'))
    .executeTakeFirstOrThrow();
  const latestIds = groups.map((g) => String(g.latest));
  const latest = latestIds.length
    ? await db
        .selectFrom('sessions')
        .select(['id', 'status', 'created_at'])
        .where('id', 'in', latestIds)
        .execute()
    : [];
  const byId = new Map(latest.map((l) => [l.id, l]));
  return {
    rows: groups.map((g) => {
      const l = byId.get(String(g.latest))!;
      return {
        vendorData: g.vendor_data!,
        sessions: Number(g.n),
        firstSeenAt: new Date(Number(g.first)),
        lastSeenAt: new Date(Number(l.created_at)),
        latestSessionId: l.id,
        latestStatus: l.status,
      };
    }),
    total: Number(total.n),
  };
}
