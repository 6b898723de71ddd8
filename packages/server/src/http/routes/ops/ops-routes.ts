import { DomainError } from '@openidv/domain';
import { jobs } from '@openidv/storage';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Platform } from '../../../platform/platform.ts';

/** Liveness, readiness and Prometheus metrics: unauthenticated, as orchestrators and scrapers expect. */
export function opsRoutes(app: FastifyInstance, platform: Platform): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async () => {
    try {
      await sql`select 1`.execute(platform.database.db);
    } catch {
      throw new DomainError('NOT_READY', 'The database is unreachable.');
    }
    return { status: 'ready', database: platform.database.dialect };
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const counts = await jobs.countJobs(platform.database.db);
    for (const status of ['queued', 'running', 'done', 'failed']) {
      platform.metrics.jobs.set({ status }, counts[status] ?? 0);
    }
    return reply.type(platform.metrics.registry.contentType).send(await platform.metrics.registry.metrics());
  });
}
