import { createHmac } from 'node:crypto';
import { sessions } from '@openidv/storage';
import type { RenderInput, WebhookFormat } from '../dialect.ts';
import { duplicateScanRefs, type IdenfySessionExtra, webhookBody } from './present.ts';

export function idenfySignature(key: string, body: string | Buffer): string {
  return createHmac('sha256', key).update(body).digest('hex');
}

async function render(input: RenderInput): Promise<string | null> {
  const { tx, link } = input;
  const session = await sessions.findSessionById(tx, link.internalId);
  if (!session) return null;
  const decided = (input.payload['decision'] ?? null) as { attemptId?: string } | null;
  const attempt = await sessions.findAttempt(tx, decided?.attemptId ?? session.currentAttemptId);
  const body = webhookBody(
    session,
    attempt,
    link.externalId,
    link.extra as unknown as IdenfySessionExtra,
    await duplicateScanRefs(tx, attempt),
  );
  return JSON.stringify(body);
}

/**
 * iDenfy's result webhook: one body shape for every outcome (auto result, manual result, expiry), with `final`
 * telling whether more will follow, signed with `Idenfy-Signature` = hex HMAC-SHA256 of the exact body with the
 * credential's secret (iDenfy's callback signing key).
 */
export const idenfyWebhookFormat: WebhookFormat = {
  dialect: 'idenfy',
  events: ['session.decided', 'session.expired', 'session.abandoned', 'session.cancelled'],
  render,
  headers({ secret, body }) {
    return {
      'user-agent': 'openidv-webhooks/1 (idenfy dialect)',
      'idenfy-signature': idenfySignature(secret, body),
    };
  },
};
