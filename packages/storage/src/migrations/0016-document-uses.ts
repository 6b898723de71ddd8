import type { Kysely } from 'kysely';
import type { Dialect } from '../database/open-database.ts';

/**
 * The documents decided sessions showed, for duplicate detection: only a keyed digest of issuing state, type and
 * number, never the number itself. Erasing a session erases its row.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed today
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('document_uses')
    .addColumn('session_id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('document_uses_lookup')
    .on('document_uses')
    .columns(['application_id', 'digest', 'created_at'])
    .execute();
}
