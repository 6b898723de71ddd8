import type { Kysely } from 'kysely';
import type { Dialect } from '../database/open-database.ts';

/**
 * Employment and income verification: the session's type, the candidate's declared history with the result
 * (timeline and comparison), and the consented data-source connections. A connection keeps the records the source
 * returned, never its tokens (they are revoked once read); the PKCE verifier of a pending one is sealed.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed today
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .alterTable('sessions')
    .addColumn('type', 'text', (c) => c.notNull().defaultTo('identity'))
    .execute();
  await db.schema
    .createTable('employment_verifications')
    .addColumn('session_id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('declared', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('employment_connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('declared_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('state_digest', 'text')
    .addColumn('pending_enc', 'text')
    .addColumn('employments', 'text')
    .addColumn('error_code', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('employment_connections_session')
    .on('employment_connections')
    .columns(['session_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('employment_connections_state')
    .on('employment_connections')
    .column('state_digest')
    .unique()
    .execute();
}
