import type { FastifyInstance } from 'fastify';
import type { Platform } from '../platform/platform.ts';
import { recordAudit } from '../usecases/audit/record-audit.ts';

/** Routes that write their own, richer audit entries. */
const SELF_AUDITED = /^\/v1\/(auth|staff|review-queue)(\/|$)|^\/v1\/sessions\/:id\/(review|notes)$/;
/** Configuration changes are audited whoever makes them, API keys included. */
const CONFIGURATION = /^\/v1\/(keys|webhooks|workflows|blocklists|screening)(\/|$)/;

/**
 * Every successful change made from the console, and every change to configuration by anyone, leaves an audit
 * entry: who, when, which operation on which resource. (Bodies are not copied: they can hold secrets.) It is
 * written before the answer is sent, so a client that reads the log next finds it.
 */
export function auditConsoleChanges(app: FastifyInstance, platform: Platform): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return payload;
    if (reply.statusCode >= 300 || !request.auth) return payload;
    const url = request.routeOptions.url ?? '';
    if (SELF_AUDITED.test(url)) return payload;
    if (!request.auth.staff && !CONFIGURATION.test(url)) return payload;
    const params = (request.params ?? {}) as Record<string, string>;
    const resource = url.replace(/^\/v1\//, '').split('/')[0] ?? 'api';
    try {
      await recordAudit(
        platform,
        platform.database.db,
        request.auth.applicationId,
        request.auth.actor,
        `api.${request.method.toLowerCase()}`,
        { type: resource, id: params['id'] ?? null },
        null,
        { operation: `${request.method} ${url}`, status: reply.statusCode, ...params },
      );
    } catch (err) {
      request.log.warn({ err, reqId: request.id }, 'could not write the audit entry');
    }
    return payload;
  });
}
