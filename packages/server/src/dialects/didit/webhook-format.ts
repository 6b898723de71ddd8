import { createHmac } from 'node:crypto';
import type { SessionStatus } from '@openidv/domain';
import { reviews, sessions } from '@openidv/storage';
import { journeyUrl } from '../../usecases/sessions/present-session.ts';
import type { RenderInput, WebhookFormat } from '../dialect.ts';
import { diditStatus } from './codes.ts';
import { type DiditSessionExtra, decisionBody, unixSeconds } from './present.ts';
import { questionnaireResponses } from './questionnaires.ts';

export function diditHmac(secret: string, payload: string | Buffer): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * Didit's wire form: keys sorted, compact separators, characters as they are (UTF-8), as Didit's documentation
 * shows a body ("José") before middleware re-encodes it ("Jos\u00e9").
 */
export function diditJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/**
 * What `X-Signature-V2` signs: the parsed body re-encoded with sorted keys, compact, characters unescaped and
 * whole numbers without a fraction — what a receiver gets back with `JSON.stringify` from a body its middleware
 * has already parsed (and re-encoded). For openidv's bodies it equals the raw body.
 */
export function canonicalV2(body: string): string {
  return JSON.stringify(sortKeys(JSON.parse(body)));
}

/** How long after the event the first attempts still carry the event's time as `X-Timestamp`. */
const EVENT_TIME_MS = 60_000;

const EVENT_STATUS: Partial<Record<RenderInput['type'], SessionStatus>> = {
  'session.started': 'started',
  'session.expired': 'expired',
  'session.abandoned': 'abandoned',
  'session.cancelled': 'cancelled',
};

/** Statuses whose webhook carries the decision, as Didit sends it. */
const WITH_DECISION = new Set(['Approved', 'Declined', 'In Review', 'Abandoned', 'Resubmitted']);

async function render(input: RenderInput): Promise<string | null> {
  const { tx, link, type } = input;
  const session = await sessions.findSessionById(tx, link.internalId);
  if (!session) return null;
  let core = EVENT_STATUS[type];
  if (type === 'session.decided') {
    const decided = input.payload['decision'] as { status?: SessionStatus } | undefined;
    core = decided?.status ?? session.status;
  }
  if (!core) return null;
  const status = diditStatus(core);
  const extra = link.extra as DiditSessionExtra;
  const body: Record<string, unknown> = {
    session_id: link.externalId,
    status,
    webhook_type: 'status.updated',
    vendor_data: session.vendorData,
    metadata: session.metadata,
    workflow_id: session.workflowId,
    created_at: unixSeconds(input.createdAt),
    timestamp: unixSeconds(input.createdAt),
  };
  if (WITH_DECISION.has(status)) {
    const attempt = await sessions.findAttempt(tx, session.currentAttemptId);
    const audit = await reviews.listAudit(tx, session.applicationId, { targetId: session.id, limit: 200 });
    const decision = decisionBody(
      session,
      attempt,
      { sessionId: link.externalId, sessionNumber: extra.sessionNumber ?? null },
      { session: journeyUrl(input.publicUrl, session.journeyToken) },
      audit,
      await questionnaireResponses(tx, session),
    );
    body['decision'] = decision;
    // Didit repeats what the applicant must redo at the top level of a Resubmitted webhook.
    if (status === 'Resubmitted') body['resubmit_info'] = decision.resubmit_info;
  }
  return diditJson(body);
}

/**
 * Didit's `status.updated` webhook, signed three ways with the credential's webhook secret: `X-Signature` over
 * the raw body, `X-Signature-V2` over the re-encoded JSON (survives middleware that re-serialises), and
 * `X-Signature-Simple` over "timestamp:session_id:status:webhook_type"; `X-Timestamp` (unix seconds) is what
 * receivers check for freshness (Didit: within 5 minutes). Signatures are computed at each attempt.
 */
export const diditWebhookFormat: WebhookFormat = {
  dialect: 'didit',
  events: ['session.started', 'session.decided', 'session.expired', 'session.abandoned', 'session.cancelled'],
  render,
  headers({ secret, body, now }) {
    const parsed = JSON.parse(body) as {
      session_id?: string;
      status?: string;
      webhook_type?: string;
      timestamp?: number;
    };
    // Receivers build the Simple signature from X-Timestamp or from the body's `timestamp`: while the event is
    // fresh both are the same; a later retry carries its own time so it passes the receiver's 5-minute window.
    const eventTime = typeof parsed.timestamp === 'number' ? parsed.timestamp * 1000 : Number.NaN;
    const age = now.getTime() - eventTime;
    const timestamp = String(age >= 0 && age <= EVENT_TIME_MS ? parsed.timestamp : unixSeconds(now));
    return {
      'user-agent': 'DiditWebhook/2.0 (openidv didit dialect)',
      'x-timestamp': timestamp,
      'x-signature': diditHmac(secret, body),
      'x-signature-v2': diditHmac(secret, canonicalV2(body)),
      'x-signature-simple': diditHmac(
        secret,
        `${timestamp}:${parsed.session_id ?? ''}:${parsed.status ?? ''}:${parsed.webhook_type ?? ''}`,
      ),
    };
  },
};
