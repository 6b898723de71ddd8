import type { Kysely } from 'kysely';
import type { Dialect } from '../database/open-database.ts';

/** Face templates: approved users' faces (1:N duplicates) and the face blocklist. Embeddings are sealed. */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed today
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('face_templates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text')
    .addColumn('vendor_data', 'text')
    .addColumn('embedding_enc', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('faces_app').on('face_templates').columns(['application_id', 'id']).execute();
  await db.schema.createIndex('faces_session').on('face_templates').columns(['session_id']).execute();
}
