import type { FrameSession } from './api.ts';
import { diditFrame } from './frame-didit.ts';

/**
 * Messages to the page that embeds the journey in an iFrame: `{source: "openidv", type, …}` with type
 * `started`, `step` (with `step`), `finished` or `cancelled`. For a session created through a vendor dialect the
 * server names the vendor's format (`state.frame`), and the vendor's own messages follow openidv's, so the
 * vendor's web SDK on that page learns what it would from the vendor's page. They carry no personal data, so
 * they are posted to any parent origin; the parent checks `event.source` and `data.source`.
 */
export const embedded = (() => {
  try {
    return window.parent !== window;
  } catch {
    return true;
  }
})();

export type EmbedEvent = 'started' | 'step' | 'finished' | 'cancelled';

/**
 * A vendor's messages for one of openidv's events, or for `ready` (the page knows its session). A format may
 * remember earlier events (the step before), so each journey gets its own.
 */
export type FrameTranslator = (
  event: EmbedEvent | 'ready',
  data: Record<string, string>,
  session: FrameSession,
) => unknown[];

const FORMATS: Record<string, () => FrameTranslator> = { didit: diditFrame };

let vendor: { session: FrameSession; translate: FrameTranslator } | null = null;

function post(messages: unknown[]): void {
  for (const message of messages) window.parent.postMessage(message, '*');
}

/** Called with each journey state: the first one that names a known format starts its messages. */
export function speakFrameFormat(session: FrameSession | null): void {
  if (!embedded || !session) return;
  if (vendor?.session.format === session.format) {
    vendor.session = session; // the latest status, for the messages still to come
    return;
  }
  const create = FORMATS[session.format];
  if (!create) return;
  vendor = { session, translate: create() };
  post(vendor.translate('ready', {}, session));
}

export function notifyParent(type: EmbedEvent, data: Record<string, string> = {}): void {
  if (!embedded) return;
  post([{ source: 'openidv', type, ...data }]);
  if (vendor) post(vendor.translate(type, data, vendor.session));
}
