import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  sessionsCreated: Counter;
  decisions: Counter<'status'>;
  checkDuration: Histogram<'check' | 'status'>;
  webhookAttempts: Counter<'outcome'>;
  jobs: Gauge<'status'>;
}

/** Prometheus metrics, one registry per platform so tests do not share counters. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'openidv_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'openidv_http_request_duration_seconds',
      help: 'HTTP request duration by route template and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    sessionsCreated: new Counter({
      name: 'openidv_sessions_created_total',
      help: 'Verification sessions created.',
      registers: [registry],
    }),
    decisions: new Counter({
      name: 'openidv_decisions_total',
      help: 'Decisions made, by status.',
      labelNames: ['status'],
      registers: [registry],
    }),
    checkDuration: new Histogram({
      name: 'openidv_check_duration_seconds',
      help: 'Duration of each check run.',
      labelNames: ['check', 'status'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    webhookAttempts: new Counter({
      name: 'openidv_webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome.',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    jobs: new Gauge({
      name: 'openidv_jobs',
      help: 'Jobs in the durable queue by status (sampled on scrape).',
      labelNames: ['status'],
      registers: [registry],
    }),
  };
}
