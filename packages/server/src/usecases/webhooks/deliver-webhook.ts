import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isDomainError, signPayload } from '@openidv/domain';
import { dialects, jobs, webhooks } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';
import { openCredentialKey } from '../dialects/dialect-credentials.ts';
import { resolveWebhookTarget } from './assert-webhook-url.ts';

export const DELIVER_WEBHOOK_JOB = 'webhook.deliver';

interface Outcome {
  statusCode: number | null;
  error: string | null;
}

/**
 * One delivery attempt. Success is any 2xx; redirects are not followed (a signed payload must not be
 * forwarded somewhere else). After a failure the next try is scheduled from the retry schedule; when it is
 * exhausted the delivery is marked failed and stays in the log for manual redelivery.
 */
export async function deliverWebhook(platform: Platform, deliveryId: string, manual = false): Promise<void> {
  const db = platform.database.db;
  const delivery = await webhooks.findDelivery(db, deliveryId);
  if (!delivery || delivery.status !== 'pending') return;
  const endpoint = await webhooks.findEndpoint(db, delivery.applicationId, delivery.endpointId);
  const attempt = delivery.attempts + 1;
  const started = performance.now();
  let outcome: Outcome;
  if (!endpoint) {
    outcome = { statusCode: null, error: 'The endpoint was deleted.' };
  } else if (endpoint.format !== 'openidv') {
    outcome = await postDialect(platform, endpoint, delivery.payload);
  } else {
    const secret = platform.envelope.openString(endpoint.secretEnc, `webhook:${endpoint.id}`);
    outcome = await post(platform, endpoint.url, delivery.payload, {
      'content-type': 'application/json',
      'user-agent': 'openidv-webhooks/1',
      'openidv-signature': signPayload(secret, delivery.payload, Math.floor(platform.now().getTime() / 1000)),
      'openidv-event-id': delivery.eventId,
      'openidv-event-type': delivery.eventType,
      'openidv-delivery-id': delivery.id,
      'openidv-delivery-attempt': String(attempt),
    });
  }
  const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
  const schedule = platform.config.webhookRetryScheduleMs;
  const now = platform.now().getTime();
  // Manual redeliveries are single shots: they never restart the automatic schedule.
  const delay = manual || !endpoint ? undefined : schedule[attempt - 1];
  const next = ok
    ? { status: 'delivered' as const, nextAttemptAt: null }
    : delay === undefined
      ? { status: 'failed' as const, nextAttemptAt: null }
      : { status: 'pending' as const, nextAttemptAt: now + delay };
  await db.transaction().execute(async (tx) => {
    await webhooks.recordDeliveryAttempt(
      tx,
      delivery.id,
      {
        attempt,
        at: new Date(now),
        statusCode: outcome.statusCode,
        error: outcome.error,
        durationMs: Math.round(performance.now() - started),
      },
      next,
    );
    if (next.status === 'pending' && next.nextAttemptAt !== null) {
      await jobs.enqueueJob(tx, {
        type: DELIVER_WEBHOOK_JOB,
        payload: { deliveryId: delivery.id },
        runAt: next.nextAttemptAt,
        maxAttempts: 3,
        now,
      });
    }
  });
  platform.metrics.webhookAttempts.inc({
    outcome: ok ? 'delivered' : next.status === 'failed' ? 'failed' : 'retry',
  });
}

/** A delivery in a vendor's shape, signed the vendor's way; same retries and log as native deliveries. */
async function postDialect(
  platform: Platform,
  endpoint: webhooks.WebhookEndpointRow,
  payload: string,
): Promise<Outcome> {
  const format = platform.webhookFormats.get(endpoint.format);
  if (!format) return { statusCode: null, error: `This server has no "${endpoint.format}" webhook format.` };
  if (isErasedTombstone(payload)) {
    // The session was deleted before delivery: its vendor-shaped body is gone and nothing else may be sent.
    return { statusCode: null, error: 'The session was erased before this delivery could be sent.' };
  }
  const credential = endpoint.credentialId
    ? await dialects.findCredential(platform.database.db, endpoint.applicationId, endpoint.credentialId)
    : undefined;
  if (!credential || credential.revokedAt) return { statusCode: null, error: 'The credential was revoked.' };
  const secret = platform.envelope.openString(endpoint.secretEnc, `webhook:${endpoint.id}`);
  const headers = format.headers({
    secret,
    key: openCredentialKey(platform, credential),
    body: payload,
    now: platform.now(),
  });
  return post(platform, endpoint.url, payload, { 'content-type': 'application/json', ...headers });
}

function isErasedTombstone(payload: string): boolean {
  if (!payload.includes('"erased":true')) return false;
  try {
    return (JSON.parse(payload) as { data?: { erased?: unknown } }).data?.erased === true;
  } catch {
    return false;
  }
}

async function post(
  platform: Platform,
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
): Promise<Outcome> {
  const url = new URL(rawUrl);
  let addresses: { address: string; family: number }[];
  try {
    addresses = await resolveWebhookTarget(url, platform.config.webhookAllowPrivate);
  } catch (e) {
    return { statusCode: null, error: isDomainError(e) ? e.message : String(e) };
  }
  // Connect only to the addresses that were checked, so DNS cannot change between the check and the request.
  const pinned: LookupFunction = (_host, options, callback) => {
    const wanted = options.family === 6 ? 6 : options.family === 4 ? 4 : 0;
    const choice = addresses.find((a) => wanted === 0 || a.family === wanted) ?? addresses[0]!;
    if (options.all) (callback as unknown as (e: null, a: typeof addresses) => void)(null, [choice]);
    else callback(null, choice.address, choice.family);
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Outcome>((resolve) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        lookup: pinned,
        timeout: platform.config.webhookTimeoutMs,
      },
      (res) => {
        res.resume(); // drain; the receiver's body is not needed
        res.on('end', () => resolve({ statusCode: res.statusCode ?? null, error: null }));
        res.on('error', (e) => resolve({ statusCode: res.statusCode ?? null, error: e.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${platform.config.webhookTimeoutMs} ms`)));
    req.on('error', (e) => resolve({ statusCode: null, error: e.message }));
    req.end(body);
  });
}
