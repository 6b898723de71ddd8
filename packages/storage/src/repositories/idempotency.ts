import type { Executor } from './applications.ts';

export type IdempotencyRecord =
  | { state: 'new' }
  | { state: 'in-flight'; fingerprint: string }
  | { state: 'done'; fingerprint: string; statusCode: number; response: string };

/** Claims the key for this request, or tells what an earlier request with the same key did. */
export async function claimIdempotencyKey(
  db: Executor,
  applicationId: string,
  key: string,
  fingerprint: string,
  now: number,
): Promise<IdempotencyRecord> {
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({
      application_id: applicationId,
      key,
      fingerprint,
      status_code: null,
      response: null,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['application_id', 'key']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return { state: 'new' };
  const r = await db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  if (r.status_code == null || r.response == null) return { state: 'in-flight', fingerprint: r.fingerprint };
  return {
    state: 'done',
    fingerprint: r.fingerprint,
    statusCode: Number(r.status_code),
    response: r.response,
  };
}

export async function completeIdempotencyKey(
  db: Executor,
  applicationId: string,
  key: string,
  statusCode: number,
  response: string,
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ status_code: statusCode, response })
    .where('application_id', '=', applicationId)
    .where('key', '=', key)
    .execute();
}

/** A failed request releases its key so the client can retry with it. */
export async function releaseIdempotencyKey(db: Executor, applicationId: string, key: string): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('application_id', '=', applicationId)
    .where('key', '=', key)
    .where('status_code', 'is', null)
    .execute();
}

export async function purgeIdempotencyKeys(db: Executor, olderThan: number): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('created_at', '<', olderThan).execute();
}
