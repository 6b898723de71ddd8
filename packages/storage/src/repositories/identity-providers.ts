import type { IdentityProvider, IdentityProviderDefinition } from '@openidv/domain';
import type { DB } from '../database/schema.ts';
import type { Executor } from './applications.ts';

export interface IdentityProviderRow extends IdentityProvider {
  secretEnc: string | null;
}

export async function insertProvider(
  db: Executor,
  p: {
    id: string;
    applicationId: string;
    definition: IdentityProviderDefinition;
    secretEnc: string | null;
    now: number;
  },
): Promise<void> {
  await db
    .insertInto('identity_providers')
    .values({
      id: p.id,
      application_id: p.applicationId,
      provider_id: p.definition.providerId,
      definition: JSON.stringify(p.definition),
      secret_enc: p.secretEnc,
      created_at: p.now,
      updated_at: p.now,
    })
    .execute();
}

export async function updateProvider(
  db: Executor,
  applicationId: string,
  id: string,
  definition: IdentityProviderDefinition,
  secretEnc: string | null,
  now: number,
): Promise<void> {
  await db
    .updateTable('identity_providers')
    .set({
      provider_id: definition.providerId,
      definition: JSON.stringify(definition),
      secret_enc: secretEnc,
      updated_at: now,
    })
    .where('application_id', '=', applicationId)
    .where('id', '=', id)
    .execute();
}

/** By openidv id ("idp_…") or by the application's provider id ("bankidse"). */
export async function findProvider(
  db: Executor,
  applicationId: string,
  idOrProviderId: string,
): Promise<IdentityProviderRow | undefined> {
  const r = await db
    .selectFrom('identity_providers')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where((eb) => eb.or([eb('id', '=', idOrProviderId), eb('provider_id', '=', idOrProviderId)]))
    .executeTakeFirst();
  return r && toProvider(r);
}

export async function listProviders(db: Executor, applicationId: string): Promise<IdentityProviderRow[]> {
  const rows = await db
    .selectFrom('identity_providers')
    .selectAll()
    .where('application_id', '=', applicationId)
    .orderBy('provider_id')
    .execute();
  return rows.map(toProvider);
}

export async function deleteProvider(db: Executor, applicationId: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom('identity_providers')
    .where('application_id', '=', applicationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

function toProvider(r: DB['identity_providers']): IdentityProviderRow {
  const definition = JSON.parse(r.definition) as IdentityProviderDefinition;
  return {
    ...definition,
    id: r.id,
    applicationId: r.application_id,
    hasSecret: r.secret_enc !== null,
    secretEnc: r.secret_enc,
    createdAt: new Date(Number(r.created_at)),
    updatedAt: new Date(Number(r.updated_at)),
  };
}

export type EidTransactionStatus = 'pending' | 'completed' | 'failed';

export interface EidTransactionRow {
  id: string;
  applicationId: string;
  sessionId: string;
  attemptId: string;
  providerId: string;
  channel: string;
  stateHash: string;
  /** Null once erased: when the sign-in finished or expired. */
  secretsEnc: string | null;
  status: EidTransactionStatus;
  errorCode: string | null;
  resultEnc: string | null;
  createdAt: Date;
  expiresAt: Date;
  finishedAt: Date | null;
}

export async function insertTransaction(
  db: Executor,
  t: Omit<EidTransactionRow, 'status' | 'errorCode' | 'resultEnc' | 'finishedAt' | 'secretsEnc'> & {
    secretsEnc: string;
  },
): Promise<void> {
  await db
    .insertInto('eid_transactions')
    .values({
      id: t.id,
      application_id: t.applicationId,
      session_id: t.sessionId,
      attempt_id: t.attemptId,
      provider_id: t.providerId,
      channel: t.channel,
      state_hash: t.stateHash,
      secrets_enc: t.secretsEnc,
      status: 'pending',
      error_code: null,
      result_enc: null,
      created_at: t.createdAt.getTime(),
      expires_at: t.expiresAt.getTime(),
      finished_at: null,
    })
    .execute();
}

export async function findTransactionByState(
  db: Executor,
  stateHash: string,
): Promise<EidTransactionRow | undefined> {
  const r = await db
    .selectFrom('eid_transactions')
    .selectAll()
    .where('state_hash', '=', stateHash)
    .executeTakeFirst();
  return r && toTransaction(r);
}

export async function findTransaction(db: Executor, id: string): Promise<EidTransactionRow | undefined> {
  const r = await db.selectFrom('eid_transactions').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toTransaction(r);
}

/** The latest sign-ins of a session, newest first. */
export async function listTransactions(db: Executor, sessionId: string): Promise<EidTransactionRow[]> {
  const rows = await db
    .selectFrom('eid_transactions')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toTransaction);
}

/** What marks erased secrets: the column is NOT NULL, and no sealed value is empty. */
const ERASED = '';

/** A sign-in that leaves `pending` needs its secrets and poll lease no more. */
const finishing = (now: number) => ({
  finished_at: now,
  secrets_enc: ERASED,
  poll_claimed_until: null,
  polling_by: null,
});

/**
 * Moves a pending sign-in to its outcome and erases its secrets, which only a pending sign-in needs. Only one
 * caller wins: a replayed callback finds it no longer pending and gets false.
 */
export async function finishTransaction(
  db: Executor,
  id: string,
  outcome: { status: 'completed' | 'failed'; errorCode?: string; resultEnc?: string },
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable('eid_transactions')
    .set({
      status: outcome.status,
      error_code: outcome.errorCode ?? null,
      result_enc: outcome.resultEnc ?? null,
      ...finishing(now),
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The periodic sweep: pending sign-ins past their expiry fail with EID_EXPIRED and lose their secrets. */
export async function expireTransactions(db: Executor, now: number): Promise<number> {
  const r = await db
    .updateTable('eid_transactions')
    .set({
      status: 'failed',
      error_code: 'EID_EXPIRED',
      ...finishing(now),
    })
    .where('status', '=', 'pending')
    .where('expires_at', '<=', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Claims the right to ask the provider's token endpoint for a pending push sign-in until `until`. One conditional
 * update, so of several processes polling the same sign-in exactly one gets it; a lease whose holder died runs out.
 */
export async function claimPoll(
  db: Executor,
  id: string,
  worker: string,
  now: number,
  until: number,
): Promise<boolean> {
  const r = await db
    .updateTable('eid_transactions')
    .set({ poll_claimed_until: until, polling_by: worker })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('poll_claimed_until', 'is', null), eb('poll_claimed_until', '<=', now)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Gives up a poll lease (the poll ended without finishing the sign-in), unless another worker took it over. */
export async function releasePoll(db: Executor, id: string, worker: string): Promise<void> {
  await db
    .updateTable('eid_transactions')
    .set({ poll_claimed_until: null, polling_by: null })
    .where('id', '=', id)
    .where('polling_by', '=', worker)
    .execute();
}

function toTransaction(r: DB['eid_transactions']): EidTransactionRow {
  return {
    id: r.id,
    applicationId: r.application_id,
    sessionId: r.session_id,
    attemptId: r.attempt_id,
    providerId: r.provider_id,
    channel: r.channel,
    stateHash: r.state_hash,
    secretsEnc: r.secrets_enc === ERASED ? null : r.secrets_enc,
    status: r.status as EidTransactionStatus,
    errorCode: r.error_code,
    resultEnc: r.result_enc,
    createdAt: new Date(Number(r.created_at)),
    expiresAt: new Date(Number(r.expires_at)),
    finishedAt: r.finished_at == null ? null : new Date(Number(r.finished_at)),
  };
}
