import type { Kysely } from 'kysely';
import type { Dialect } from '../database/open-database.ts';

/** Imported sanctions list versions, monitored people, screening alerts and reviewers' suppressions. */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed today
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  const blob = dialect === 'postgres' ? 'bytea' : 'blob';

  await db.schema
    .createTable('screening_list_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('list_id', 'text', (c) => c.notNull())
    .addColumn('meta', 'text', (c) => c.notNull())
    .addColumn('entity_count', 'integer', (c) => c.notNull())
    .addColumn('data', blob, (c) => c.notNull())
    .addColumn('imported_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('screening_versions_list')
    .on('screening_list_versions')
    .columns(['list_id', 'imported_at'])
    .execute();

  await db.schema
    .createTable('monitored_people')
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('vendor_data', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('subject_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('monitored_people_pk', ['application_id', 'vendor_data'])
    .execute();
  await db.schema.createIndex('monitored_session').on('monitored_people').columns(['session_id']).execute();

  await db.schema
    .createTable('screening_alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('vendor_data', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('entity_fingerprint', 'text', (c) => c.notNull())
    .addColumn('list_version_id', 'text')
    .addColumn('hit', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('resolved_at', time)
    .addColumn('resolved_by', 'text')
    .addColumn('note', 'text')
    .execute();
  await db.schema
    .createIndex('alerts_app_status')
    .on('screening_alerts')
    .columns(['application_id', 'status', 'id'])
    .execute();
  await db.schema
    .createIndex('alerts_person_entity')
    .on('screening_alerts')
    .columns(['application_id', 'vendor_data', 'entity_id'])
    .execute();

  await db.schema
    .createTable('screening_suppressions')
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('vendor_data', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('entity_fingerprint', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('screening_suppressions_pk', ['application_id', 'vendor_data', 'entity_id'])
    .execute();
}
