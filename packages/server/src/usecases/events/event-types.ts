/** Events a webhook endpoint can subscribe to. Each is also written to the session's timeline. */
export const WEBHOOK_EVENT_TYPES = [
  'session.created',
  'session.started',
  'session.submitted',
  'session.decided',
  'session.cancelled',
  'session.expired',
  'session.abandoned',
  'session.deleted',
  'media.uploaded',
  'employment.completed',
  'user.screening.hit',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
