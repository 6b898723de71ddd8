import type { Kysely } from 'kysely';
import type { Dialect } from '../database/open-database.ts';

/**
 * Vendor dialects (Veriff, iDenfy, Didit, Hopae Connect): their credentials, the vendor-shaped ids of the
 * core's sessions, attempts and media, and a delivery format on webhook endpoints.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed today
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('dialect_credentials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('dialect', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // The vendor's notion of an integration/client id (Veriff integration id, Didit app id).
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('key_prefix', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    // The shared secret must be recoverable (it verifies request HMACs and signs webhooks): sealed.
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('revoked_at', time)
    .addColumn('last_used_at', time)
    .execute();
  await db.schema
    .createIndex('dialect_credentials_app')
    .on('dialect_credentials')
    .columns(['application_id', 'dialect'])
    .execute();

  await db.schema
    .createTable('dialect_ids')
    .addColumn('dialect', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('internal_id', 'text', (c) => c.notNull())
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('credential_id', 'text')
    .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('dialect_ids_pk', ['dialect', 'external_id'])
    .execute();
  await db.schema
    .createIndex('dialect_ids_internal')
    .on('dialect_ids')
    .columns(['dialect', 'internal_id'])
    .unique()
    .execute();
  await db.schema.createIndex('dialect_ids_session').on('dialect_ids').columns(['session_id']).execute();

  await db.schema
    .alterTable('webhook_endpoints')
    .addColumn('format', 'text', (c) => c.notNull().defaultTo('openidv'))
    .execute();
  await db.schema.alterTable('webhook_endpoints').addColumn('credential_id', 'text').execute();
}
