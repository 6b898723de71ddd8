import type { DB } from '../database/schema.ts';
import type { Executor } from './applications.ts';

export interface WebhookEndpointRow {
  id: string;
  applicationId: string;
  url: string;
  events: string[];
  secretEnc: string;
  createdAt: Date;
  /** "openidv", or the vendor dialect whose shape and signature deliveries take. */
  format: string;
  /** For dialect endpoints: the credential whose sessions it hears about. */
  credentialId: string | null;
  /** For a per-session callback URL: the one session it hears about (not listed with the application's). */
  sessionId: string | null;
}

export interface WebhookDeliveryRow {
  id: string;
  applicationId: string;
  endpointId: string;
  sessionId: string | null;
  eventId: string;
  eventType: string;
  payload: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
}

export interface WebhookAttemptRow {
  attempt: number;
  at: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export async function insertEndpoint(
  db: Executor,
  e: Omit<WebhookEndpointRow, 'format' | 'credentialId' | 'sessionId'> &
    Partial<Pick<WebhookEndpointRow, 'format' | 'credentialId' | 'sessionId'>>,
): Promise<void> {
  await db
    .insertInto('webhook_endpoints')
    .values({
      id: e.id,
      application_id: e.applicationId,
      url: e.url,
      events: JSON.stringify(e.events),
      secret_enc: e.secretEnc,
      created_at: e.createdAt.getTime(),
      deleted_at: null,
      format: e.format ?? 'openidv',
      credential_id: e.credentialId ?? null,
      session_id: e.sessionId ?? null,
    })
    .execute();
}

/** The application's endpoints (those of single sessions are left out: see listSessionEndpoints). */
export async function listEndpoints(db: Executor, applicationId: string): Promise<WebhookEndpointRow[]> {
  const rows = await db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('deleted_at', 'is', null)
    .where('session_id', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map(toEndpoint);
}

/** The live endpoints that belong to one session (a vendor's per-session callback URL). */
export async function listSessionEndpoints(db: Executor, sessionId: string): Promise<WebhookEndpointRow[]> {
  const rows = await db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map(toEndpoint);
}

export async function findEndpoint(
  db: Executor,
  applicationId: string,
  id: string,
): Promise<WebhookEndpointRow | undefined> {
  const r = await db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return r && toEndpoint(r);
}

/** The live endpoint of a dialect credential, if its webhook URL is set. */
export async function findEndpointByCredential(
  db: Executor,
  credentialId: string,
): Promise<WebhookEndpointRow | undefined> {
  const r = await db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('credential_id', '=', credentialId)
    .where('deleted_at', 'is', null)
    .where('session_id', 'is', null)
    .executeTakeFirst();
  return r && toEndpoint(r);
}

export async function deleteEndpoint(
  db: Executor,
  applicationId: string,
  id: string,
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable('webhook_endpoints')
    .set({ deleted_at: now })
    .where('application_id', '=', applicationId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function insertDelivery(db: Executor, d: WebhookDeliveryRow): Promise<void> {
  await db
    .insertInto('webhook_deliveries')
    .values({
      id: d.id,
      application_id: d.applicationId,
      endpoint_id: d.endpointId,
      session_id: d.sessionId,
      event_id: d.eventId,
      event_type: d.eventType,
      payload: d.payload,
      status: d.status,
      attempts: d.attempts,
      next_attempt_at: d.nextAttemptAt?.getTime() ?? null,
      last_attempt_at: null,
      last_status_code: null,
      last_error: null,
      created_at: d.createdAt.getTime(),
    })
    .execute();
}

export async function findDelivery(db: Executor, id: string): Promise<WebhookDeliveryRow | undefined> {
  const r = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toDelivery(r);
}

export async function listDeliveries(
  db: Executor,
  endpointId: string,
  opts: { cursor?: string; limit: number },
): Promise<WebhookDeliveryRow[]> {
  let q = db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId);
  if (opts.cursor) q = q.where('id', '<', opts.cursor);
  return (await q.orderBy('id', 'desc').limit(opts.limit).execute()).map(toDelivery);
}

export async function recordDeliveryAttempt(
  db: Executor,
  deliveryId: string,
  a: WebhookAttemptRow,
  next: { status: WebhookDeliveryRow['status']; nextAttemptAt: number | null },
): Promise<void> {
  await db
    .insertInto('webhook_attempts')
    .values({
      delivery_id: deliveryId,
      attempt: a.attempt,
      at: a.at.getTime(),
      status_code: a.statusCode,
      error: a.error,
      duration_ms: a.durationMs,
    })
    .execute();
  await db
    .updateTable('webhook_deliveries')
    .set({
      status: next.status,
      attempts: a.attempt,
      next_attempt_at: next.nextAttemptAt,
      last_attempt_at: a.at.getTime(),
      last_status_code: a.statusCode,
      last_error: a.error,
    })
    .where('id', '=', deliveryId)
    .execute();
}

export async function resetDeliveryForRedelivery(db: Executor, id: string, now: number): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: now })
    .where('id', '=', id)
    .execute();
}

export async function listDeliveryAttempts(db: Executor, deliveryId: string): Promise<WebhookAttemptRow[]> {
  const rows = await db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('delivery_id', '=', deliveryId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    attempt: Number(r.attempt),
    at: new Date(Number(r.at)),
    statusCode: r.status_code == null ? null : Number(r.status_code),
    error: r.error,
    durationMs: Number(r.duration_ms),
  }));
}

function toEndpoint(r: DB['webhook_endpoints']): WebhookEndpointRow {
  return {
    id: r.id,
    applicationId: r.application_id,
    url: r.url,
    events: JSON.parse(r.events),
    secretEnc: r.secret_enc,
    createdAt: new Date(Number(r.created_at)),
    format: r.format,
    credentialId: r.credential_id,
    sessionId: r.session_id,
  };
}

function toDelivery(r: DB['webhook_deliveries']): WebhookDeliveryRow {
  const date = (v: number | null) => (v == null ? null : new Date(Number(v)));
  return {
    id: r.id,
    applicationId: r.application_id,
    endpointId: r.endpoint_id,
    sessionId: r.session_id,
    eventId: r.event_id,
    eventType: r.event_type,
    payload: r.payload,
    status: r.status as WebhookDeliveryRow['status'],
    attempts: Number(r.attempts),
    nextAttemptAt: date(r.next_attempt_at),
    lastAttemptAt: date(r.last_attempt_at),
    lastStatusCode: r.last_status_code == null ? null : Number(r.last_status_code),
    lastError: r.last_error,
    createdAt: new Date(Number(r.created_at)),
  };
}

/**
 * Stored payloads of a deleted session's deliveries are replaced by a tombstone naming the event only,
 * so erasure reaches the delivery log too (and pending retries send no personal data).
 */
export async function redactSessionDeliveries(db: Executor, sessionId: string): Promise<void> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select(['id', 'event_id', 'event_type', 'application_id', 'created_at'])
    .where('session_id', '=', sessionId)
    .execute();
  for (const r of rows) {
    const payload = JSON.stringify({
      id: r.event_id,
      type: r.event_type,
      createdAt: new Date(Number(r.created_at)).toISOString(),
      applicationId: r.application_id,
      data: { sessionId, erased: true },
    });
    await db.updateTable('webhook_deliveries').set({ payload }).where('id', '=', r.id).execute();
  }
}
