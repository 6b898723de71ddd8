import type { Kysely } from 'kysely';

/** Replayed uploads are found by their digest across the application's media. */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed today
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('media_app_digest').on('media').columns(['application_id', 'sha256']).execute();
}
