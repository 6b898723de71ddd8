import type { Kysely } from 'kysely';
import type { Dialect } from '../database/open-database.ts';

/**
 * eID over OpenID Connect: the identity providers an application configured (client secrets and private keys
 * sealed), and one row per sign-in at a provider, which holds the PKCE verifier and nonce while it runs and the
 * verified result (claims, provenance, the signed ID token as evidence) sealed once it succeeded.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed today
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('identity_providers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('provider_id', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('secret_enc', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('identity_providers_app_provider')
    .on('identity_providers')
    .columns(['application_id', 'provider_id'])
    .unique()
    .execute();
  await db.schema
    .createTable('eid_transactions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('attempt_id', 'text', (c) => c.notNull())
    .addColumn('provider_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('state_hash', 'text', (c) => c.notNull())
    .addColumn('secrets_enc', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('result_enc', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('finished_at', time)
    .execute();
  await db.schema
    .createIndex('eid_transactions_state')
    .on('eid_transactions')
    .column('state_hash')
    .unique()
    .execute();
  await db.schema
    .createIndex('eid_transactions_session')
    .on('eid_transactions')
    .columns(['session_id', 'created_at'])
    .execute();
}
