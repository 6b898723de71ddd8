import type { Kysely } from 'kysely';
import type { Dialect } from '../database/open-database.ts';

/**
 * A webhook endpoint may belong to one session (a vendor's per-session callback URL, such as iDenfy's token
 * `callbackUrl`): it hears about that session only and is not listed with the application's endpoints.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed today
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('webhook_endpoints').addColumn('session_id', 'text').execute();
  await db.schema
    .createIndex('webhook_endpoints_session')
    .on('webhook_endpoints')
    .columns(['session_id'])
    .execute();
}
