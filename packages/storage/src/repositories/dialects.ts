import type { DB } from '../database/schema.ts';
import type { Executor } from './applications.ts';

export interface DialectCredentialRow {
  id: string;
  applicationId: string;
  dialect: string;
  name: string;
  integrationId: string;
  keyPrefix: string;
  secretEnc: string;
  settings: Record<string, unknown>;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export async function insertCredential(
  db: Executor,
  c: Omit<DialectCredentialRow, 'revokedAt' | 'lastUsedAt'> & { keyHash: string },
): Promise<void> {
  await db
    .insertInto('dialect_credentials')
    .values({
      id: c.id,
      application_id: c.applicationId,
      dialect: c.dialect,
      name: c.name,
      integration_id: c.integrationId,
      key_prefix: c.keyPrefix,
      key_hash: c.keyHash,
      secret_enc: c.secretEnc,
      settings: JSON.stringify(c.settings),
      created_at: c.createdAt.getTime(),
      revoked_at: null,
      last_used_at: null,
    })
    .execute();
}

export async function findCredentialByKeyHash(
  db: Executor,
  dialect: string,
  keyHash: string,
): Promise<DialectCredentialRow | undefined> {
  const r = await db
    .selectFrom('dialect_credentials')
    .selectAll()
    .where('key_hash', '=', keyHash)
    .where('dialect', '=', dialect)
    .executeTakeFirst();
  return r && toCredential(r);
}

export async function findCredential(
  db: Executor,
  applicationId: string,
  id: string,
): Promise<DialectCredentialRow | undefined> {
  const r = await db
    .selectFrom('dialect_credentials')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r && toCredential(r);
}

export async function listCredentials(db: Executor, applicationId: string): Promise<DialectCredentialRow[]> {
  const rows = await db
    .selectFrom('dialect_credentials')
    .selectAll()
    .where('application_id', '=', applicationId)
    .orderBy('id')
    .execute();
  return rows.map(toCredential);
}

export async function revokeCredential(
  db: Executor,
  applicationId: string,
  id: string,
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable('dialect_credentials')
    .set({ revoked_at: now })
    .where('application_id', '=', applicationId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function touchCredential(db: Executor, id: string, now: number): Promise<void> {
  await db.updateTable('dialect_credentials').set({ last_used_at: now }).where('id', '=', id).execute();
}

function toCredential(r: DB['dialect_credentials']): DialectCredentialRow {
  const date = (v: number | null) => (v == null ? null : new Date(Number(v)));
  return {
    id: r.id,
    applicationId: r.application_id,
    dialect: r.dialect,
    name: r.name,
    integrationId: r.integration_id,
    keyPrefix: r.key_prefix,
    secretEnc: r.secret_enc,
    settings: JSON.parse(r.settings),
    createdAt: new Date(Number(r.created_at)),
    revokedAt: date(r.revoked_at),
    lastUsedAt: date(r.last_used_at),
  };
}

/**
 * What a dialect id names. A questionnaire mapping names one version of a questionnaire and belongs to no
 * session: its `sessionId` is the core questionnaire id.
 */
export type DialectIdKind = 'session' | 'attempt' | 'media' | 'token' | 'questionnaire';

export interface DialectIdRow {
  dialect: string;
  externalId: string;
  kind: DialectIdKind;
  internalId: string;
  applicationId: string;
  sessionId: string;
  credentialId: string | null;
  extra: Record<string, unknown>;
  createdAt: Date;
}

/** Inserts the mapping unless the internal id already has one; returns the mapping that holds. */
export async function insertDialectId(db: Executor, row: DialectIdRow): Promise<DialectIdRow> {
  await db
    .insertInto('dialect_ids')
    .values(fromDialectId(row))
    .onConflict((oc) => oc.columns(['dialect', 'internal_id']).doNothing())
    .execute();
  return (await findByInternalId(db, row.dialect, row.internalId))!;
}

export async function findByExternalId(
  db: Executor,
  dialect: string,
  externalId: string,
): Promise<DialectIdRow | undefined> {
  const r = await db
    .selectFrom('dialect_ids')
    .selectAll()
    .where('dialect', '=', dialect)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return r && toDialectId(r);
}

export async function findByInternalId(
  db: Executor,
  dialect: string,
  internalId: string,
): Promise<DialectIdRow | undefined> {
  const r = await db
    .selectFrom('dialect_ids')
    .selectAll()
    .where('dialect', '=', dialect)
    .where('internal_id', '=', internalId)
    .executeTakeFirst();
  return r && toDialectId(r);
}

/** The newest mapping of one kind in an application (e.g. the last number a dialect handed out). */
export async function findLatestOfKind(
  db: Executor,
  dialect: string,
  kind: DialectIdKind,
  applicationId: string,
): Promise<DialectIdRow | undefined> {
  const r = await db
    .selectFrom('dialect_ids')
    .selectAll()
    .where('dialect', '=', dialect)
    .where('kind', '=', kind)
    .where('application_id', '=', applicationId)
    .orderBy('created_at', 'desc')
    .orderBy('external_id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r && toDialectId(r);
}

/**
 * Inserts a mapping whose external id must be new (a number handed out once): false when another mapping
 * already holds that external id, so the caller can take the next one.
 */
export async function claimExternalId(db: Executor, row: DialectIdRow): Promise<boolean> {
  const r = await db
    .insertInto('dialect_ids')
    .values(fromDialectId(row))
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function listForSession(db: Executor, sessionId: string): Promise<DialectIdRow[]> {
  const rows = await db
    .selectFrom('dialect_ids')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('created_at')
    .execute();
  return rows.map(toDialectId);
}

export async function updateExtra(
  db: Executor,
  dialect: string,
  externalId: string,
  extra: Record<string, unknown>,
): Promise<void> {
  await db
    .updateTable('dialect_ids')
    .set({ extra: JSON.stringify(extra) })
    .where('dialect', '=', dialect)
    .where('external_id', '=', externalId)
    .execute();
}

function toDialectId(r: DB['dialect_ids']): DialectIdRow {
  return {
    dialect: r.dialect,
    externalId: r.external_id,
    kind: r.kind as DialectIdKind,
    internalId: r.internal_id,
    applicationId: r.application_id,
    sessionId: r.session_id,
    credentialId: r.credential_id,
    extra: JSON.parse(r.extra),
    createdAt: new Date(Number(r.created_at)),
  };
}

function fromDialectId(row: DialectIdRow): DB['dialect_ids'] {
  return {
    dialect: row.dialect,
    external_id: row.externalId,
    kind: row.kind,
    internal_id: row.internalId,
    application_id: row.applicationId,
    session_id: row.sessionId,
    credential_id: row.credentialId,
    extra: JSON.stringify(row.extra),
    created_at: row.createdAt.getTime(),
  };
}
