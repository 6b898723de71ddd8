import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Platform } from '../platform/platform.ts';

/**
 * The native API's per-key rate limit over a dialect's routes: counted per dialect credential (by IP
 * before authentication) and refused with the vendor's own throttling error.
 */
export async function limitDialectRate(
  app: FastifyInstance,
  platform: Platform,
  credentialOf: (request: FastifyRequest) => string | undefined,
  refusal: (limit: { max: number; ttl: number }) => Error,
): Promise<void> {
  if (platform.config.rateLimitPerMinute <= 0) return;
  await app.register(fastifyRateLimit, {
    hook: 'preHandler',
    max: platform.config.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => credentialOf(request) ?? request.ip,
    errorResponseBuilder: (_request, context) => refusal(context),
  });
}
