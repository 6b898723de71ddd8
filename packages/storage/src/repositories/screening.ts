import type { DB } from '../database/schema.ts';
import type { Executor } from './applications.ts';

export interface ListVersionRow {
  id: string;
  listId: string;
  meta: Record<string, unknown>;
  entityCount: number;
  importedAt: Date;
}

export async function insertListVersion(
  db: Executor,
  v: { id: string; listId: string; meta: unknown; entityCount: number; data: Buffer; importedAt: number },
): Promise<void> {
  await db
    .insertInto('screening_list_versions')
    .values({
      id: v.id,
      list_id: v.listId,
      meta: JSON.stringify(v.meta),
      entity_count: v.entityCount,
      data: v.data,
      imported_at: v.importedAt,
    })
    .execute();
}

/** Every imported version, newest first (without their data). */
export async function listVersions(db: Executor): Promise<ListVersionRow[]> {
  const rows = await db
    .selectFrom('screening_list_versions')
    .select(['id', 'list_id', 'meta', 'entity_count', 'imported_at'])
    .orderBy('imported_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    listId: r.list_id,
    meta: JSON.parse(r.meta),
    entityCount: Number(r.entity_count),
    importedAt: new Date(Number(r.imported_at)),
  }));
}

export async function versionData(db: Executor, id: string): Promise<Buffer | undefined> {
  const r = await db
    .selectFrom('screening_list_versions')
    .select('data')
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? Buffer.from(r.data) : undefined;
}

export async function upsertMonitoredPerson(
  db: Executor,
  p: { applicationId: string; vendorData: string; sessionId: string; subjectEnc: string; now: number },
): Promise<void> {
  await db
    .insertInto('monitored_people')
    .values({
      application_id: p.applicationId,
      vendor_data: p.vendorData,
      session_id: p.sessionId,
      subject_enc: p.subjectEnc,
      created_at: p.now,
    })
    .onConflict((oc) =>
      oc
        .columns(['application_id', 'vendor_data'])
        .doUpdateSet({ session_id: p.sessionId, subject_enc: p.subjectEnc }),
    )
    .execute();
}

export async function listMonitoredPeople(db: Executor): Promise<DB['monitored_people'][]> {
  return db.selectFrom('monitored_people').selectAll().execute();
}

export async function deleteMonitoredBySession(db: Executor, sessionId: string): Promise<void> {
  await db.deleteFrom('monitored_people').where('session_id', '=', sessionId).execute();
}

export interface AlertRow {
  id: string;
  applicationId: string;
  vendorData: string;
  sessionId: string;
  entityId: string;
  entityFingerprint: string;
  listVersionId: string | null;
  hit: Record<string, unknown>;
  status: 'open' | 'dismissed' | 'confirmed';
  createdAt: Date;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  note: string | null;
}

export async function insertAlert(db: Executor, a: AlertRow): Promise<void> {
  await db
    .insertInto('screening_alerts')
    .values({
      id: a.id,
      application_id: a.applicationId,
      vendor_data: a.vendorData,
      session_id: a.sessionId,
      entity_id: a.entityId,
      entity_fingerprint: a.entityFingerprint,
      list_version_id: a.listVersionId,
      hit: JSON.stringify(a.hit),
      status: a.status,
      created_at: a.createdAt.getTime(),
      resolved_at: null,
      resolved_by: null,
      note: null,
    })
    .execute();
}

/** Alerts already raised for this person and list entry (in any state), to raise each change once. */
export async function findAlertsFor(
  db: Executor,
  applicationId: string,
  vendorData: string,
  entityId: string,
): Promise<AlertRow[]> {
  const rows = await db
    .selectFrom('screening_alerts')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('vendor_data', '=', vendorData)
    .where('entity_id', '=', entityId)
    .execute();
  return rows.map(toAlert);
}

export async function findAlert(
  db: Executor,
  applicationId: string,
  id: string,
): Promise<AlertRow | undefined> {
  const r = await db
    .selectFrom('screening_alerts')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r && toAlert(r);
}

export async function listAlerts(
  db: Executor,
  applicationId: string,
  f: { status?: string; cursor?: string; limit: number },
): Promise<AlertRow[]> {
  let q = db.selectFrom('screening_alerts').selectAll().where('application_id', '=', applicationId);
  if (f.status) q = q.where('status', '=', f.status);
  // The queue is worked oldest first.
  if (f.cursor) q = q.where('id', '>', f.cursor);
  return (await q.orderBy('id', 'asc').limit(f.limit).execute()).map(toAlert);
}

export async function resolveAlert(
  db: Executor,
  id: string,
  status: 'dismissed' | 'confirmed',
  by: string,
  note: string | null,
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable('screening_alerts')
    .set({ status, resolved_at: now, resolved_by: by, note })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function redactAlertsForSession(db: Executor, sessionId: string): Promise<void> {
  await db.deleteFrom('screening_alerts').where('session_id', '=', sessionId).execute();
}

export async function upsertSuppression(
  db: Executor,
  s: {
    applicationId: string;
    vendorData: string;
    entityId: string;
    fingerprint: string;
    by: string;
    note: string | null;
    now: number;
  },
): Promise<void> {
  await db
    .insertInto('screening_suppressions')
    .values({
      application_id: s.applicationId,
      vendor_data: s.vendorData,
      entity_id: s.entityId,
      entity_fingerprint: s.fingerprint,
      created_at: s.now,
      created_by: s.by,
      note: s.note,
    })
    .onConflict((oc) =>
      oc.columns(['application_id', 'vendor_data', 'entity_id']).doUpdateSet({
        entity_fingerprint: s.fingerprint,
        created_at: s.now,
        created_by: s.by,
        note: s.note,
      }),
    )
    .execute();
}

/** `${entityId}#${fingerprint}` of every hit dismissed for this person. */
export async function suppressionsFor(
  db: Executor,
  applicationId: string,
  vendorData: string,
): Promise<Set<string>> {
  const rows = await db
    .selectFrom('screening_suppressions')
    .select(['entity_id', 'entity_fingerprint'])
    .where('application_id', '=', applicationId)
    .where('vendor_data', '=', vendorData)
    .execute();
  return new Set(rows.map((r) => `${r.entity_id}#${r.entity_fingerprint}`));
}

function toAlert(r: DB['screening_alerts']): AlertRow {
  return {
    id: r.id,
    applicationId: r.application_id,
    vendorData: r.vendor_data,
    sessionId: r.session_id,
    entityId: r.entity_id,
    entityFingerprint: r.entity_fingerprint,
    listVersionId: r.list_version_id,
    hit: JSON.parse(r.hit),
    status: r.status as AlertRow['status'],
    createdAt: new Date(Number(r.created_at)),
    resolvedAt: r.resolved_at == null ? null : new Date(Number(r.resolved_at)),
    resolvedBy: r.resolved_by,
    note: r.note,
  };
}
