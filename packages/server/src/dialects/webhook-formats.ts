import type { WebhookFormat } from './dialect.ts';
import { diditWebhookFormat } from './didit/webhook-format.ts';
import { idenfyWebhookFormat } from './idenfy/webhook-format.ts';
import { veriffWebhookFormat } from './veriff/webhook-format.ts';

/** Every dialect's webhook format, by dialect name. */
export const WEBHOOK_FORMATS: ReadonlyMap<string, WebhookFormat> = new Map(
  [veriffWebhookFormat, diditWebhookFormat, idenfyWebhookFormat].map((f) => [f.dialect, f]),
);
