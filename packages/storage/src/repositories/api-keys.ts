import type { DB } from '../database/schema.ts';
import type { Executor } from './applications.ts';

export interface ApiKeyRow {
  id: string;
  applicationId: string;
  name: string;
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export async function insertApiKey(
  db: Executor,
  k: { id: string; applicationId: string; name: string; prefix: string; hash: string; now: number },
): Promise<void> {
  await db
    .insertInto('api_keys')
    .values({
      id: k.id,
      application_id: k.applicationId,
      name: k.name,
      prefix: k.prefix,
      hash: k.hash,
      created_at: k.now,
      revoked_at: null,
      last_used_at: null,
    })
    .execute();
}

export async function findApiKeyByHash(
  db: Executor,
  hash: string,
): Promise<(ApiKeyRow & { hash: string }) | undefined> {
  const r = await db.selectFrom('api_keys').selectAll().where('hash', '=', hash).executeTakeFirst();
  return r && { ...toKey(r), hash: r.hash };
}

export async function listApiKeys(db: Executor, applicationId: string): Promise<ApiKeyRow[]> {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('application_id', '=', applicationId)
    .orderBy('id')
    .execute();
  return rows.map(toKey);
}

/** Returns false when no such key exists for the application. */
export async function revokeApiKey(
  db: Executor,
  applicationId: string,
  id: string,
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('application_id', '=', applicationId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) > 0) return true;
  const exists = await db
    .selectFrom('api_keys')
    .select('id')
    .where('id', '=', id)
    .where('application_id', '=', applicationId)
    .executeTakeFirst();
  return exists !== undefined;
}

export async function touchApiKey(db: Executor, id: string, now: number): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
}

function toKey(r: DB['api_keys']): ApiKeyRow {
  return {
    id: r.id,
    applicationId: r.application_id,
    name: r.name,
    prefix: r.prefix,
    createdAt: new Date(Number(r.created_at)),
    revokedAt: r.revoked_at == null ? null : new Date(Number(r.revoked_at)),
    lastUsedAt: r.last_used_at == null ? null : new Date(Number(r.last_used_at)),
  };
}
