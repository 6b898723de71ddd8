import type { WebhookFormat } from './dialect.ts';
import { veriffWebhookFormat } from './veriff/webhook-format.ts';

/** Every dialect's webhook format, by dialect name. */
export const WEBHOOK_FORMATS: ReadonlyMap<string, WebhookFormat> = new Map(
  [veriffWebhookFormat].map((f) => [f.dialect, f]),
);
