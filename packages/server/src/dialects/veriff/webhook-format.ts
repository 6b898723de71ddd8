import { createHmac } from 'node:crypto';
import { sessions } from '@openidv/storage';
import type { RenderInput, WebhookFormat } from '../dialect.ts';
import { externalIdFor } from '../ids.ts';
import { decisionBody, eventBody, type VeriffSessionExtra } from './present.ts';

export function veriffHmac(secret: string, payload: string | Buffer): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

async function render(input: RenderInput): Promise<string | null> {
  const { tx, link, type } = input;
  const session = await sessions.findSessionById(tx, link.internalId);
  if (!session) return null;
  const owner = {
    applicationId: session.applicationId,
    sessionId: session.id,
    credentialId: link.credentialId,
  };
  const extra = link.extra as VeriffSessionExtra;
  if (type === 'session.started' || type === 'session.submitted') {
    const attempt = await externalIdFor(tx, 'veriff', 'attempt', session.currentAttemptId, owner);
    const status = type === 'session.started' ? 'started' : 'submitted';
    return JSON.stringify(
      eventBody(
        { status, vendorData: session.vendorData },
        { session: link.externalId, attempt: attempt.externalId },
        extra,
      ),
    );
  }
  if (type === 'session.decided' || type === 'session.expired' || type === 'session.abandoned') {
    const decided = (input.payload['decision'] ?? null) as { attemptId?: string } | null;
    const attemptId = decided?.attemptId ?? session.currentAttemptId;
    const attempt = await sessions.findAttempt(tx, attemptId);
    const attemptExt = await externalIdFor(tx, 'veriff', 'attempt', attemptId, owner);
    return JSON.stringify(
      decisionBody(session, attempt, { session: link.externalId, attempt: attemptExt.externalId }, extra),
    );
  }
  return null;
}

/**
 * Veriff's webhooks: the event webhook (7001 started, 7002 submitted) and the decision webhook (approved 9001,
 * declined 9102, resubmission_requested 9103, expired/abandoned 9104, review 9121), each signed with
 * `X-HMAC-SIGNATURE` = hex HMAC-SHA256 of the exact body with the shared secret, and `X-AUTH-CLIENT` = the key.
 */
export const veriffWebhookFormat: WebhookFormat = {
  dialect: 'veriff',
  events: ['session.started', 'session.submitted', 'session.decided', 'session.expired', 'session.abandoned'],
  render,
  headers({ secret, key, body }) {
    const signature = veriffHmac(secret, body);
    return {
      'user-agent': 'openidv-webhooks/1 (veriff dialect)',
      'x-hmac-signature': signature,
      'vrf-hmac-signature': signature,
      ...(key && { 'x-auth-client': key, 'vrf-auth-client': key }),
    };
  },
};
