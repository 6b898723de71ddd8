import type { Kysely } from 'kysely';
import type { DB } from '../database/schema.ts';
import type { Executor } from './applications.ts';

type VersionedTable = 'workflows' | 'questionnaires';

/**
 * Resources an application edits in versions (workflows, questionnaires): the current definition in
 * one table, every saved version in another, so whatever pinned a version keeps running it; archived
 * ones leave lists but keep their versions.
 */
export interface VersionedResource<T extends VersionedTable> {
  table: T;
  versions: `${string}_versions` & keyof DB;
  /** The column of the versions table that names the resource. */
  owner: string;
}

export const WORKFLOWS = {
  table: 'workflows',
  versions: 'workflow_versions',
  owner: 'workflow_id',
} as const satisfies VersionedResource<'workflows'>;

export const QUESTIONNAIRES = {
  table: 'questionnaires',
  versions: 'questionnaire_versions',
  owner: 'questionnaire_id',
} as const satisfies VersionedResource<'questionnaires'>;

interface ResourceColumns {
  id: string;
  application_id: string;
  definition: string;
  version: number;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  /** The resource's own columns (a workflow's name, a questionnaire's title). */
  [column: string]: string | number | null;
}

interface VersionColumns {
  version: number;
  definition: string;
  created_at: number;
  [owner: string]: string | number;
}

/*
 * Kysely cannot type a query over a table chosen at run time, so these queries see the resource and
 * version tables through the columns they all share; WORKFLOWS and QUESTIONNAIRES above name real ones.
 */
function resources(db: Executor): Kysely<Record<string, ResourceColumns>> {
  return db as unknown as Kysely<Record<string, ResourceColumns>>;
}

function versionTables(db: Executor): Kysely<Record<string, VersionColumns>> {
  return db as unknown as Kysely<Record<string, VersionColumns>>;
}

/** Stores a new resource as its version 1; `columns` are the table's own columns. */
export async function create<T extends VersionedTable>(
  db: Executor,
  r: VersionedResource<T>,
  v: { id: string; applicationId: string; definition: unknown; now: number },
  columns: Record<string, string | number>,
): Promise<void> {
  await resources(db)
    .insertInto(r.table as string)
    .values({
      ...columns,
      id: v.id,
      application_id: v.applicationId,
      definition: JSON.stringify(v.definition),
      version: 1,
      created_at: v.now,
      updated_at: v.now,
      deleted_at: null,
    })
    .execute();
  await insertVersion(db, r, { id: v.id, version: 1, definition: v.definition, now: v.now });
}

/** Saves `version` as the current definition and keeps it among the versions. */
export async function saveVersion<T extends VersionedTable>(
  db: Executor,
  r: VersionedResource<T>,
  v: { id: string; version: number; definition: unknown; now: number },
  columns: Record<string, string | number>,
): Promise<void> {
  await resources(db)
    .updateTable(r.table as string)
    .set({ ...columns, definition: JSON.stringify(v.definition), version: v.version, updated_at: v.now })
    .where('id', '=', v.id)
    .execute();
  await insertVersion(db, r, v);
}

async function insertVersion(
  db: Executor,
  r: VersionedResource<VersionedTable>,
  v: { id: string; version: number; definition: unknown; now: number },
): Promise<void> {
  await versionTables(db)
    .insertInto(r.versions)
    .values({
      [r.owner]: v.id,
      version: v.version,
      definition: JSON.stringify(v.definition),
      created_at: v.now,
    })
    .execute();
}

/** A saved version, also of an archived resource. */
export async function findVersion<D>(
  db: Executor,
  r: VersionedResource<VersionedTable>,
  id: string,
  version: number,
): Promise<D | undefined> {
  const row = await versionTables(db)
    .selectFrom(r.versions)
    .select('definition')
    .where(r.owner, '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return row && (JSON.parse(row.definition) as D);
}

export async function findCurrent<T extends VersionedTable>(
  db: Executor,
  r: VersionedResource<T>,
  applicationId: string,
  id: string,
): Promise<DB[T] | undefined> {
  const row = await resources(db)
    .selectFrom(r.table as string)
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row as unknown as DB[T] | undefined;
}

export async function listCurrent<T extends VersionedTable>(
  db: Executor,
  r: VersionedResource<T>,
  applicationId: string,
): Promise<DB[T][]> {
  const rows = await resources(db)
    .selectFrom(r.table as string)
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows as unknown as DB[T][];
}

/** Archives: gone from lists and lookups; its versions stay for whatever pinned them. */
export async function archive<T extends VersionedTable>(
  db: Executor,
  r: VersionedResource<T>,
  applicationId: string,
  id: string,
  now: number,
): Promise<void> {
  await resources(db)
    .updateTable(r.table as string)
    .set({ deleted_at: now })
    .where('application_id', '=', applicationId)
    .where('id', '=', id)
    .execute();
}
