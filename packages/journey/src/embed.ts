/**
 * Messages to the page that embeds the journey in an iFrame: `{source: "openidv", type, …}` with type
 * `started`, `step` (with `step`), `finished` or `cancelled`. They carry no personal data, so they are posted to
 * any parent origin; the parent checks `event.source` and `data.source`.
 */
export const embedded = (() => {
  try {
    return window.parent !== window;
  } catch {
    return true;
  }
})();

export type EmbedEvent = 'started' | 'step' | 'finished' | 'cancelled';

export function notifyParent(type: EmbedEvent, data: Record<string, string> = {}): void {
  if (!embedded) return;
  window.parent.postMessage({ source: 'openidv', type, ...data }, '*');
}
