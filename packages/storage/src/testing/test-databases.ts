import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Database, type Dialect, migrateToLatest, openDatabase } from '../database/open-database.ts';

/**
 * Every storage-backed test runs against both databases. PostgreSQL comes from OPENIDV_TEST_POSTGRES_URL
 * (default: the local server, database "test"); each suite gets a fresh database of its own.
 * Without a reachable server the PostgreSQL cases are skipped with a visible message, except in CI,
 * where a missing database is a failure.
 */
export const POSTGRES_ADMIN_URL =
  process.env.OPENIDV_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let postgresProbe: Promise<boolean> | undefined;

export function postgresAvailable(): Promise<boolean> {
  postgresProbe ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch (e) {
      if (process.env.CI === 'true') {
        throw new Error(
          `PostgreSQL is required in CI but unreachable at ${POSTGRES_ADMIN_URL}: ${String(e)}`,
        );
      }
      console.warn(
        `\n[openidv tests] SKIPPING PostgreSQL cases: no server at ${POSTGRES_ADMIN_URL} (${String(e)})\n`,
      );
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return postgresProbe;
}

export interface TestDatabase {
  dialect: Dialect;
  /** DATABASE_URL for a server under test, or undefined for SQLite. */
  databaseUrl: string | undefined;
  /** The data directory (SQLite file and media live here). */
  dataDir: string;
  open(): Database;
  dispose(): Promise<void>;
}

export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'openidv-test-'));
  if (dialect === 'sqlite') {
    const sqlitePath = join(dataDir, 'openidv.sqlite');
    return {
      dialect,
      databaseUrl: undefined,
      dataDir,
      open: () => openDatabase({ sqlitePath }),
      dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `openidv_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  return {
    dialect,
    databaseUrl,
    dataDir,
    open: () => openDatabase({ databaseUrl, sqlitePath: '' }),
    dispose: async () => {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The dialects to run a suite against: always SQLite, PostgreSQL when reachable. */
export async function testDialects(): Promise<Dialect[]> {
  return (await postgresAvailable()) ? ['sqlite', 'postgres'] : ['sqlite'];
}

export async function openMigrated(t: TestDatabase): Promise<Database> {
  const db = t.open();
  await migrateToLatest(db);
  return db;
}
