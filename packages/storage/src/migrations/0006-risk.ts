import type { Kysely } from 'kysely';
import type { Dialect } from '../database/open-database.ts';

/**
 * Risk signals and data blocklists. Both keep only keyed digests (HMAC) of the values they are about, never
 * the values: erasing a session erases its signals, and a database dump does not list anyone's email.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed today
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('risk_signals')
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('user_digest', 'text')
    .addColumn('identity_digest', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('risk_signals_pk', ['session_id', 'kind'])
    .execute();
  await db.schema
    .createIndex('risk_signals_lookup')
    .on('risk_signals')
    .columns(['application_id', 'kind', 'digest', 'created_at'])
    .execute();

  await db.schema
    .createTable('blocklist_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('display', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addUniqueConstraint('blocklist_entries_value', ['application_id', 'kind', 'digest'])
    .execute();
  await db.schema
    .createIndex('blocklist_entries_list')
    .on('blocklist_entries')
    .columns(['application_id', 'kind', 'created_at'])
    .execute();
}
