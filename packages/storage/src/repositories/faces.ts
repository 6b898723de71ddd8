import type { DB } from '../database/schema.ts';
import type { Executor } from './applications.ts';

export interface FaceTemplateRow {
  id: string;
  applicationId: string;
  kind: 'approved' | 'blocklist';
  sessionId: string | null;
  vendorData: string | null;
  embeddingEnc: string;
  note: string | null;
  createdBy: string;
  createdAt: Date;
}

export async function insertFaceTemplate(db: Executor, t: FaceTemplateRow): Promise<void> {
  await db
    .insertInto('face_templates')
    .values({
      id: t.id,
      application_id: t.applicationId,
      kind: t.kind,
      session_id: t.sessionId,
      vendor_data: t.vendorData,
      embedding_enc: t.embeddingEnc,
      note: t.note,
      created_by: t.createdBy,
      created_at: t.createdAt.getTime(),
    })
    .execute();
}

/** Templates of an application after `afterId` (ids sort by time), for incremental index loads. */
export async function listFaceTemplates(
  db: Executor,
  applicationId: string,
  afterId = '',
): Promise<FaceTemplateRow[]> {
  const rows = await db
    .selectFrom('face_templates')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('id', '>', afterId)
    .orderBy('id')
    .execute();
  return rows.map(toRow);
}

/** A cheap fingerprint of an application's templates: changes on any insert or delete. */
export async function faceTemplatesVersion(db: Executor, applicationId: string): Promise<string> {
  const r = await db
    .selectFrom('face_templates')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('id').as('last')])
    .where('application_id', '=', applicationId)
    .executeTakeFirst();
  return `${Number(r?.n ?? 0)}:${r?.last ?? ''}`;
}

export async function findFaceTemplate(
  db: Executor,
  applicationId: string,
  id: string,
): Promise<FaceTemplateRow | undefined> {
  const r = await db
    .selectFrom('face_templates')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r && toRow(r);
}

export async function deleteFaceTemplate(db: Executor, applicationId: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom('face_templates')
    .where('application_id', '=', applicationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function deleteSessionFaceTemplates(db: Executor, sessionId: string): Promise<void> {
  await db
    .deleteFrom('face_templates')
    .where('session_id', '=', sessionId)
    .where('kind', '=', 'approved')
    .execute();
}

function toRow(r: DB['face_templates']): FaceTemplateRow {
  return {
    id: r.id,
    applicationId: r.application_id,
    kind: r.kind as FaceTemplateRow['kind'],
    sessionId: r.session_id,
    vendorData: r.vendor_data,
    embeddingEnc: r.embedding_enc,
    note: r.note,
    createdBy: r.created_by,
    createdAt: new Date(Number(r.created_at)),
  };
}
