import type { Kysely } from 'kysely';
import type { Dialect } from '../database/open-database.ts';

/**
 * eID sign-ins that run out are swept (marked failed with EID_EXPIRED, their secrets erased), found by status and
 * expiry; and a push sign-in's poll is leased in the database, so that of several server processes only one asks the
 * provider's token endpoint for a given sign-in at a time.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed today
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema.alterTable('eid_transactions').addColumn('poll_claimed_until', time).execute();
  await db.schema.alterTable('eid_transactions').addColumn('polling_by', 'text').execute();
  await db.schema
    .createIndex('eid_transactions_status_expiry')
    .on('eid_transactions')
    .columns(['status', 'expires_at'])
    .execute();
  // Finished sign-ins lose their secrets from now on; those finished before lose them here ('' marks erased).
  await db
    .updateTable('eid_transactions')
    .set({ secrets_enc: '' })
    .where('status', '!=', 'pending')
    .execute();
}
