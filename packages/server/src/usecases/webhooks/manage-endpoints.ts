import { randomBytes } from 'node:crypto';
import { DomainError, newId } from '@openidv/domain';
import { jobs, webhooks } from '@openidv/storage';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import { WEBHOOK_EVENT_TYPES } from '../events/event-types.ts';
import { assertWebhookUrlShape, resolveWebhookTarget } from './assert-webhook-url.ts';

export const createEndpointInput = z
  .object({
    url: z.string().max(2000).describe('Where events are POSTed.'),
    events: z
      .array(z.enum([...WEBHOOK_EVENT_TYPES, '*']))
      .min(1)
      .describe('Event types to receive; "*" for all.'),
  })
  .strict();

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export async function createEndpoint(
  platform: Platform,
  applicationId: string,
  input: z.infer<typeof createEndpointInput>,
  secret = newWebhookSecret(),
  dialect: { format: string; credentialId: string; sessionId?: string } | undefined = undefined,
) {
  const url = assertWebhookUrlShape(input.url);
  await resolveWebhookTarget(url, platform.config.webhookAllowPrivate);
  const now = platform.now();
  const id = newId('wh', now.getTime());
  await webhooks.insertEndpoint(platform.database.db, {
    id,
    applicationId,
    url: url.toString(),
    events: [...new Set(input.events)],
    secretEnc: platform.envelope.sealString(secret, `webhook:${id}`),
    createdAt: now,
    ...(dialect && {
      format: dialect.format,
      credentialId: dialect.credentialId,
      sessionId: dialect.sessionId ?? null,
    }),
  });
  platform.caches.endpoints.delete(applicationId);
  return { id, url: url.toString(), events: [...new Set(input.events)], secret, createdAt: now };
}

export async function deleteEndpoint(platform: Platform, applicationId: string, id: string) {
  const ok = await webhooks.deleteEndpoint(platform.database.db, applicationId, id, platform.now().getTime());
  if (!ok) throw new DomainError('NOT_FOUND', `No webhook endpoint ${id}.`);
  platform.caches.endpoints.delete(applicationId);
}

export async function redeliver(
  platform: Platform,
  applicationId: string,
  endpointId: string,
  deliveryId: string,
) {
  const endpoint = await webhooks.findEndpoint(platform.database.db, applicationId, endpointId);
  const delivery = await webhooks.findDelivery(platform.database.db, deliveryId);
  if (!endpoint || !delivery || delivery.endpointId !== endpoint.id) {
    throw new DomainError('NOT_FOUND', `No delivery ${deliveryId} for endpoint ${endpointId}.`);
  }
  const now = platform.now().getTime();
  await platform.database.db.transaction().execute(async (tx) => {
    await webhooks.resetDeliveryForRedelivery(tx, delivery.id, now);
    await jobs.enqueueJob(tx, {
      type: 'webhook.deliver',
      payload: { deliveryId: delivery.id, manual: true },
      runAt: now,
      maxAttempts: 3,
      now,
    });
  });
  platform.wake();
  return (await webhooks.findDelivery(platform.database.db, delivery.id))!;
}

/**
 * Sends a `webhook.test` event to one endpoint, signed like every delivery, so an integrator can check their
 * receiver and its signature verification. It is logged with the endpoint's deliveries.
 */
export async function sendTestEvent(platform: Platform, applicationId: string, endpointId: string) {
  const endpoint = await webhooks.findEndpoint(platform.database.db, applicationId, endpointId);
  if (!endpoint) throw new DomainError('NOT_FOUND', `No webhook endpoint ${endpointId}.`);
  const now = platform.now();
  const eventId = newId('evt', now.getTime());
  const deliveryId = newId('whd', now.getTime());
  const payload = JSON.stringify({
    id: eventId,
    type: 'webhook.test',
    createdAt: now.toISOString(),
    applicationId,
    data: { message: 'A test event from openidv. Verify its signature as for any other event.' },
  });
  await platform.database.db.transaction().execute(async (tx) => {
    await webhooks.insertDelivery(tx, {
      id: deliveryId,
      applicationId,
      endpointId: endpoint.id,
      sessionId: null,
      eventId,
      eventType: 'webhook.test',
      payload,
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
      payload: { deliveryId, manual: true },
      runAt: now.getTime(),
      maxAttempts: 3,
      now: now.getTime(),
    });
  });
  platform.wake();
  return (await webhooks.findDelivery(platform.database.db, deliveryId))!;
}
