import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { DomainError, ERROR_CODES, newId } from '@openidv/domain';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler } from 'fastify-type-provider-zod';
import { diditRoutes } from '../dialects/didit/routes.ts';
import { hopaeRoutes } from '../dialects/hopae/routes.ts';
import { idenfyRoutes } from '../dialects/idenfy/routes.ts';
import { veriffRoutes } from '../dialects/veriff/routes.ts';
import type { Platform } from '../platform/platform.ts';
import { WEBHOOK_EVENT_TYPES } from '../usecases/events/event-types.ts';
import { auditConsoleChanges } from './audit-hook.ts';
import { authenticate } from './auth.ts';
import { sendError, toDomainError } from './errors.ts';
import { registerIdempotency } from './idempotency.ts';
import { applicationRoutes } from './routes/applications/application-routes.ts';
import { authRoutes } from './routes/auth/auth-routes.ts';
import { consoleRoutes } from './routes/console/console-routes.ts';
import { dialectCredentialRoutes } from './routes/dialects/dialect-credential-routes.ts';
import { documentRoutes } from './routes/documents/document-routes.ts';
import { eidPublicRoutes } from './routes/eid/eid-public-routes.ts';
import { identityProviderRoutes } from './routes/eid/identity-provider-routes.ts';
import { sessionEidRoutes } from './routes/eid/session-eid-routes.ts';
import { employmentRoutes } from './routes/employment/employment-routes.ts';
import { faceRoutes } from './routes/faces/face-routes.ts';
import { insightRoutes } from './routes/insights/insight-routes.ts';
import { journeyRoutes } from './routes/journey/journey-routes.ts';
import { keyRoutes } from './routes/keys/key-routes.ts';
import { opsRoutes } from './routes/ops/ops-routes.ts';
import { questionnaireRoutes } from './routes/questionnaires/questionnaire-routes.ts';
import { reviewRoutes } from './routes/reviews/review-routes.ts';
import { blocklistRoutes } from './routes/risk/blocklist-routes.ts';
import { screeningRoutes } from './routes/screening/screening-routes.ts';
import { sessionRoutes } from './routes/sessions/session-routes.ts';
import { staffRoutes } from './routes/staff/staff-routes.ts';
import { webhookRoutes } from './routes/webhooks/webhook-routes.ts';
import { workflowRoutes } from './routes/workflows/workflow-routes.ts';

const ERROR_DOCS = Object.entries(ERROR_CODES)
  .map(([code, v]) => `| \`${code}\` | ${v.status} | ${v.description} |`)
  .join('\n');

export async function buildServer(platform: Platform): Promise<FastifyInstance> {
  const { config } = platform;
  const app = Fastify({
    loggerInstance: platform.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Request logs would carry URLs with ids and headers; openidv logs failures itself, without personal data.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    genReqId: () => newId('evt').replace('evt_', 'req_'),
    requestIdHeader: false,
    return503OnClosing: true,
  });

  app.setValidatorCompiler(validatorCompiler);
  // Responses are built by typed presenters; plain JSON.stringify keeps the hot path fast.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    platform.metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    if (reply.statusCode >= 500)
      request.log.warn({ route, status: reply.statusCode, reqId: request.id }, 'request failed');
  });

  app.setErrorHandler((err, request, reply) => {
    const e = toDomainError(err as Error);
    if (e.code === 'INTERNAL') request.log.error({ err, reqId: request.id }, 'unhandled error');
    if (e.code === 'RATE_LIMITED' && e.details?.retryAfter)
      reply.header('retry-after', String(e.details.retryAfter));
    return sendError(reply, request, e);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      request,
      new DomainError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`),
    ),
  );

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'openidv API',
        version: '1',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
        description: [
          'Self-hosted identity verification. Authenticate with `Authorization: Bearer <api key>` (API keys act as admin), or — for the console at `/console` — with a staff sign-in cookie, whose role decides: `viewer` reads, `reviewer` also works cases (reviews, notes, the queue, screening alerts), `admin` does everything (keys, webhooks, workflows, staff users, the audit log). Console requests that change something send `X-CSRF-Token`.',
          '',
          'Every error is `{"error":{"code","message","requestId"}}` with one of these codes:',
          '',
          '| code | HTTP | meaning |',
          '|---|---|---|',
          ERROR_DOCS,
          '',
          `Webhook events: ${WEBHOOK_EVENT_TYPES.map((t) => `\`${t}\``).join(', ')}. Each delivery is a POST of \`{id, type, createdAt, applicationId, data}\` with headers \`OpenIDV-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the endpoint secret>\`, \`OpenIDV-Event-Id\` (stable across retries: deduplicate on it) and \`OpenIDV-Event-Type\`. Delivery is at least once, retried with back-off.`,
        ].join('\n'),
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API key (acts as admin).' },
          console: {
            type: 'apiKey',
            in: 'cookie',
            name: 'oidv_console',
            description:
              "A console sign-in (POST /v1/auth/sign-in); acts with the staff user's role. Changes also need the `X-CSRF-Token` header.",
          },
        },
      },
      security: [{ bearer: [] }, { console: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  opsRoutes(app, platform);
  await journeyRoutes(app, platform);
  consoleRoutes(app);
  await app.register(async (eid) => eidPublicRoutes(eid, platform));

  await app.register(
    async (v1) => {
      await v1.register(fastifyMultipart, {
        limits: { fileSize: config.uploadLimitBytes, files: 2, fields: 6, parts: 8 },
        throwFileSizeLimit: true,
      });
      v1.addHook('onRequest', authenticate(platform));
      auditConsoleChanges(v1, platform);
      if (config.rateLimitPerMinute > 0) {
        await v1.register(fastifyRateLimit, {
          hook: 'preHandler',
          max: config.rateLimitPerMinute,
          timeWindow: 60_000,
          keyGenerator: (request) => request.auth?.keyId ?? request.ip,
          errorResponseBuilder: (_request, context) =>
            new DomainError(
              'RATE_LIMITED',
              `Rate limit of ${context.max} requests per minute exceeded; retry after ${Math.ceil(context.ttl / 1000)} s.`,
              {
                retryAfter: Math.ceil(context.ttl / 1000),
              },
            ),
        });
      }
      registerIdempotency(v1, platform);
      sessionRoutes(v1, platform);
      employmentRoutes(v1, platform);
      webhookRoutes(v1, platform);
      workflowRoutes(v1, platform);
      questionnaireRoutes(v1, platform);
      keyRoutes(v1, platform);
      screeningRoutes(v1, platform);
      faceRoutes(v1, platform);
      dialectCredentialRoutes(v1, platform);
      documentRoutes(v1, platform);
      applicationRoutes(v1, platform);
      blocklistRoutes(v1, platform);
      authRoutes(v1, platform);
      staffRoutes(v1, platform);
      reviewRoutes(v1, platform);
      insightRoutes(v1, platform);
      identityProviderRoutes(v1, platform);
      sessionEidRoutes(v1, platform);
    },
    { prefix: '/v1' },
  );

  // Vendor dialects: each under its own prefix, with the vendor's auth, shapes and errors (docs/compat/).
  await app.register(async (compat) => veriffRoutes(compat, platform), { prefix: '/compat/veriff' });
  await app.register(async (compat) => diditRoutes(compat, platform), { prefix: '/compat/didit' });
  await app.register(async (compat) => hopaeRoutes(compat, platform), { prefix: '/compat/hopae' });
  await app.register(async (compat) => idenfyRoutes(compat, platform), { prefix: '/compat/idenfy' });
  return app;
}
