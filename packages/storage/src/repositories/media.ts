import type { MediaContext } from '@openidv/domain';
import type { DB } from '../database/schema.ts';
import type { Executor } from './applications.ts';

export interface MediaRow {
  id: string;
  applicationId: string;
  sessionId: string;
  attemptId: string;
  context: MediaContext;
  mimeType: string;
  size: number;
  sha256: string;
  storageKey: string;
  createdAt: Date;
}

export async function insertMedia(db: Executor, m: MediaRow): Promise<void> {
  await db
    .insertInto('media')
    .values({
      id: m.id,
      application_id: m.applicationId,
      session_id: m.sessionId,
      attempt_id: m.attemptId,
      context: m.context,
      mime_type: m.mimeType,
      size: m.size,
      sha256: m.sha256,
      storage_key: m.storageKey,
      created_at: m.createdAt.getTime(),
      deleted_at: null,
    })
    .execute();
}

export async function listMedia(db: Executor, sessionId: string, attemptId?: string): Promise<MediaRow[]> {
  let q = db
    .selectFrom('media')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('deleted_at', 'is', null);
  if (attemptId) q = q.where('attempt_id', '=', attemptId);
  return (await q.orderBy('id').execute()).map(toMedia);
}

export async function findMedia(db: Executor, sessionId: string, id: string): Promise<MediaRow | undefined> {
  const r = await db
    .selectFrom('media')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return r && toMedia(r);
}

/** Of these digests, those stored for another attempt of the application (replayed uploads). */
export async function digestsSeenElsewhere(
  db: Executor,
  applicationId: string,
  attemptId: string,
  sha256: string[],
): Promise<Set<string>> {
  if (sha256.length === 0) return new Set();
  const rows = await db
    .selectFrom('media')
    .select('sha256')
    .where('application_id', '=', applicationId)
    .where('attempt_id', '!=', attemptId)
    .where('sha256', 'in', sha256)
    .execute();
  return new Set(rows.map((r) => r.sha256));
}

export async function markMediaDeleted(db: Executor, sessionId: string, now: number): Promise<MediaRow[]> {
  const rows = await listMedia(db, sessionId);
  await db.updateTable('media').set({ deleted_at: now }).where('session_id', '=', sessionId).execute();
  return rows;
}

function toMedia(r: DB['media']): MediaRow {
  return {
    id: r.id,
    applicationId: r.application_id,
    sessionId: r.session_id,
    attemptId: r.attempt_id,
    context: r.context as MediaContext,
    mimeType: r.mime_type,
    size: Number(r.size),
    sha256: r.sha256,
    storageKey: r.storage_key,
    createdAt: new Date(Number(r.created_at)),
  };
}
