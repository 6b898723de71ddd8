import { createHash } from 'node:crypto';
import { DomainError } from '@openidv/domain';
import { idempotency } from '@openidv/storage';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Platform } from '../platform/platform.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey?: string;
  }
}

/**
 * `Idempotency-Key` on POST: the first request with a key runs and its response is kept for 24 hours;
 * a retry with the same key and the same request gets that response again (with `Idempotent-Replayed: true`)
 * instead of doing the work twice; the same key with a different request is refused.
 */
export function registerIdempotency(app: FastifyInstance, platform: Platform): void {
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'POST') return;
    const key = request.headers['idempotency-key'];
    if (key === undefined) return;
    if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
      throw new DomainError('VALIDATION_FAILED', 'Idempotency-Key must be 1 to 255 characters.');
    }
    const auth = request.auth!;
    const body = request.isMultipart()
      ? `multipart:${request.headers['content-length'] ?? ''}`
      : JSON.stringify(request.body ?? null);
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.url}\n${body}`)
      .digest('hex');
    const claim = await idempotency.claimIdempotencyKey(
      platform.database.db,
      auth.applicationId,
      key,
      fingerprint,
      Date.now(),
    );
    if (claim.state === 'new') {
      request.idempotencyKey = key;
      return;
    }
    if (claim.fingerprint !== fingerprint) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used with a different request.',
      );
    }
    if (claim.state === 'in-flight') {
      throw new DomainError(
        'IDEMPOTENCY_KEY_IN_FLIGHT',
        'A request with this Idempotency-Key is still running; retry shortly.',
      );
    }
    reply
      .code(claim.statusCode)
      .header('idempotent-replayed', 'true')
      .type('application/json; charset=utf-8');
    return reply.send(claim.response);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const key = request.idempotencyKey;
    if (!key || !request.auth) return payload;
    if (reply.statusCode >= 500 || typeof payload !== 'string') {
      // A failure that might not recur releases the key so the client can retry.
      await idempotency.releaseIdempotencyKey(platform.database.db, request.auth.applicationId, key);
    } else {
      await idempotency.completeIdempotencyKey(
        platform.database.db,
        request.auth.applicationId,
        key,
        reply.statusCode,
        payload,
      );
    }
    return payload;
  });
}
