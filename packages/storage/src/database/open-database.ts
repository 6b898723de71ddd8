import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';
import pg from 'pg';
import * as initial from '../migrations/0001-initial.ts';
import * as screening from '../migrations/0002-screening.ts';
import * as dialects from '../migrations/0003-dialects.ts';
import * as risk from '../migrations/0006-risk.ts';
import * as console_ from '../migrations/0007-console.ts';
import * as faces from '../migrations/0008-faces.ts';
import * as mediaDigest from '../migrations/0009-media-digest.ts';
import * as questionnaires from '../migrations/0010-questionnaires.ts';
import * as employment from '../migrations/0012-employment.ts';
import * as identityProviders from '../migrations/0015-identity-providers.ts';
import * as documentUses from '../migrations/0016-document-uses.ts';
import * as eidSignInExpiry from '../migrations/0018-eid-sign-in-expiry.ts';
import * as sessionWebhookEndpoints from '../migrations/0019-session-webhook-endpoints.ts';
import type { DB } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  dialect: Dialect;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres://… to use PostgreSQL; otherwise SQLite at sqlitePath. */
  databaseUrl?: string | undefined;
  sqlitePath: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** Told about errors on idle PostgreSQL connections (they are discarded either way). */
  onIdleError?: (e: Error) => void;
}

// pg returns int8 as strings to be safe with values over 2^53; our bigints are epoch milliseconds.
pg.types.setTypeParser(20, (v) => Number(v));

export function openDatabase(options: OpenDatabaseOptions): Database {
  if (options.databaseUrl && /^postgres(ql)?:\/\//.test(options.databaseUrl)) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // An idle connection the server drops (restart, failover) must not crash the process: the pool discards
    // it, and the next query opens a new one or fails with an error the caller handles.
    pool.on('error', (e) => options.onIdleError?.(e));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  if (options.sqlitePath !== ':memory:') mkdirSync(dirname(options.sqlitePath), { recursive: true });
  const sqlite = new SQLite(options.sqlitePath);
  // WAL lets readers run beside the writer; NORMAL sync is durable across process crashes (not power loss).
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // A larger page cache and rarer checkpoints keep commits cheap under write load.
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('temp_store = MEMORY');
  sqlite.pragma('wal_autocheckpoint = 4000');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/**
 * Kysely prepares every statement anew; preparing is most of the cost of a small SQLite query. Queries are
 * built from a fixed set of shapes (values are parameters), so caching prepared statements by SQL text pays off.
 */
function withStatementCache(sqlite: SQLite.Database, max = 500): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  return new Proxy(sqlite, {
    get(target, prop, receiver) {
      if (prop !== 'prepare') {
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      }
      return (sql: string) => {
        let stmt = cache.get(sql);
        if (!stmt) {
          stmt = target.prepare(sql);
          if (cache.size >= max) cache.delete(cache.keys().next().value!);
          cache.set(sql, stmt);
        }
        return stmt;
      };
    },
  });
}

const MIGRATIONS: Record<string, { up(db: Kysely<unknown>, dialect: Dialect): Promise<void> }> = {
  '0001-initial': initial,
  '0002-screening': screening,
  '0003-dialects': dialects,
  '0006-risk': risk,
  '0007-console': console_,
  '0008-faces': faces,
  '0009-media-digest': mediaDigest,
  '0010-questionnaires': questionnaires,
  '0012-employment': employment,
  '0015-identity-providers': identityProviders,
  '0016-document-uses': documentUses,
  '0018-eid-sign-in-expiry': eidSignInExpiry,
  '0019-session-webhook-endpoints': sessionWebhookEndpoints,
};

/** Brings the schema up to date; safe to run at every start and from several processes (the migrator locks). */
export async function migrateToLatest(database: Database): Promise<string[]> {
  const migrations: Record<string, Migration> = {};
  for (const [name, m] of Object.entries(MIGRATIONS)) {
    migrations[name] = { up: (db) => m.up(db, database.dialect) };
  }
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'openidv_migrations',
    migrationLockTableName: 'openidv_migrations_lock',
    // Migrations are written on parallel branches; one merged later with a lower number must still run.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
