import type { Session } from '@openidv/domain';
import type { DialectIdRow, Executor } from '@openidv/storage';
import type { WebhookEventType } from '../usecases/events/event-types.ts';

/** The vendor APIs openidv speaks besides its own, each under `/compat/<name>`. */
export const DIALECTS = ['veriff', 'idenfy', 'didit', 'hopae'] as const;
export type DialectName = (typeof DIALECTS)[number];

export function isDialect(v: string): v is DialectName {
  return (DIALECTS as readonly string[]).includes(v);
}

export interface RenderInput {
  tx: Executor;
  publicUrl: string;
  eventId: string;
  type: WebhookEventType;
  createdAt: Date;
  /** The core's webhook payload for the event (what native endpoints receive under `data`). */
  payload: Record<string, unknown>;
  /** The dialect's id for the session (the session was created through this dialect). */
  link: DialectIdRow;
}

/**
 * How a dialect's webhooks look and are signed. Deliveries to a dialect endpoint go through the same outbox,
 * jobs and retry schedule as native ones: the body is rendered in the vendor's shape when the event is recorded
 * (so the delivery log holds the exact bytes sent, and every retry sends the same bytes), and signed the
 * vendor's way at each attempt.
 */
export interface WebhookFormat {
  dialect: DialectName;
  /** Core events this dialect has a webhook for; an endpoint of this format subscribes to exactly these. */
  events: readonly WebhookEventType[];
  /** The vendor-shaped body, or null when this event has no vendor counterpart. */
  render(input: RenderInput): Promise<string | null>;
  /** The vendor's signature (and identification) headers for one attempt. */
  headers(input: { secret: string; key: string | null; body: string; now: Date }): Record<string, string>;
}

/** What the journey needs to post a vendor's frame messages: the vendor's name for the session and its status. */
export interface FrameSession {
  /** The vendor's format, known to the journey's embed module. */
  format: DialectName;
  sessionId: string;
  status: string;
}

/**
 * How a dialect's integrations follow the embedded journey: the vendor's web SDK (or page) listens for the
 * vendor's own `postMessage` events. The journey posts them besides openidv's own for sessions created through
 * the dialect; this tells it the ids and words to use.
 */
export interface FrameFormat {
  dialect: DialectName;
  present(session: Session, link: DialectIdRow): FrameSession;
}
