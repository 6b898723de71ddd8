import { newId, type Session } from '@openidv/domain';
import { type DialectIdRow, dialects, type Executor, jobs, sessions, webhooks } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';
import type { WebhookEventType } from './event-types.ts';

const ENDPOINT_CACHE_MS = 5_000;

/**
 * Writes an event to the session's timeline and, in the same transaction, one delivery per subscribed
 * webhook endpoint (an outbox): an event is never announced without being stored, nor stored unannounced.
 */
export async function recordEvent(
  platform: Platform,
  tx: Executor,
  session: Pick<Session, 'id' | 'applicationId'>,
  type: WebhookEventType,
  data: Record<string, unknown>,
  actor: string,
  webhookPayload?: Record<string, unknown>,
): Promise<{ eventId: string; deliveries: number }> {
  const now = platform.now();
  const eventId = newId('evt', now.getTime());
  await sessions.insertEvent(tx, {
    id: eventId,
    applicationId: session.applicationId,
    sessionId: session.id,
    type,
    data,
    actor,
    createdAt: now,
  });
  // A session's own endpoint (a vendor's per-session callback URL) replaces its credential's endpoint.
  const own = (await webhooks.listSessionEndpoints(tx, session.id)).map(endpointFacts);
  const replaced = new Set(own.map((e) => e.credentialId));
  const endpoints = [
    ...(await subscribedEndpoints(platform, tx, session.applicationId)).filter(
      (e) => e.credentialId === null || !replaced.has(e.credentialId),
    ),
    ...own,
  ].filter((e) => e.events.includes(type) || e.events.includes('*'));
  if (endpoints.length === 0) return { eventId, deliveries: 0 };
  let nativeBody: string | undefined;
  const links = new Map<string, DialectIdRow | undefined>();
  let deliveries = 0;
  for (const endpoint of endpoints) {
    let body: string | null;
    if (endpoint.format === 'openidv') {
      nativeBody ??= JSON.stringify({
        id: eventId,
        type,
        createdAt: now.toISOString(),
        applicationId: session.applicationId,
        data: webhookPayload ?? data,
      });
      body = nativeBody;
    } else {
      // A dialect endpoint hears about the sessions created with its credential, in the vendor's shape.
      const format = platform.webhookFormats.get(endpoint.format);
      if (!links.has(endpoint.format)) {
        links.set(endpoint.format, await dialects.findByInternalId(tx, endpoint.format, session.id));
      }
      const link = links.get(endpoint.format);
      if (!format || !link || link.credentialId !== endpoint.credentialId) continue;
      body = await format.render({
        tx,
        publicUrl: platform.config.publicUrl,
        eventId,
        type,
        createdAt: now,
        payload: webhookPayload ?? data,
        link,
      });
      if (body === null) continue;
    }
    deliveries++;
    const deliveryId = newId('whd', now.getTime());
    await webhooks.insertDelivery(tx, {
      id: deliveryId,
      applicationId: session.applicationId,
      endpointId: endpoint.id,
      sessionId: session.id,
      eventId,
      eventType: type,
      payload: body,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      lastAttemptAt: null,
      lastStatusCode: null,
      lastError: null,
      createdAt: now,
    });
    await jobs.enqueueJob(tx, {
      type: 'webhook.deliver',
      payload: { deliveryId },
      runAt: now.getTime(),
      maxAttempts: 3,
      now: now.getTime(),
    });
  }
  return { eventId, deliveries };
}

async function subscribedEndpoints(platform: Platform, tx: Executor, applicationId: string) {
  const cached = platform.caches.endpoints.get(applicationId);
  const t = Date.now();
  if (cached && t - cached.at < ENDPOINT_CACHE_MS) return cached.value;
  const value = (await webhooks.listEndpoints(tx, applicationId)).map(endpointFacts);
  platform.caches.endpoints.set(applicationId, { at: t, value });
  return value;
}

function endpointFacts(e: webhooks.WebhookEndpointRow) {
  return { id: e.id, events: e.events, format: e.format, credentialId: e.credentialId };
}
