import { DomainError } from '@openidv/domain';
import { webhooks } from '@openidv/storage';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../../platform/platform.ts';
import { applicationWebhookSecret } from '../../../usecases/applications/bootstrap-application.ts';
import {
  createEndpoint,
  createEndpointInput,
  deleteEndpoint,
  redeliver,
  sendTestEvent,
} from '../../../usecases/webhooks/manage-endpoints.ts';
import { requireAuth } from '../../auth.ts';
import { errorResponses } from '../../errors.ts';
import {
  idParams,
  pageSchema,
  webhookDeliverySchema,
  webhookEndpointSchema,
} from '../../schemas/resources.ts';

const tags = ['Webhooks'];

export function webhookRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const presentEndpoint = (e: { id: string; url: string; events: string[]; createdAt: Date }) => ({
    id: e.id,
    url: e.url,
    events: e.events as z.infer<typeof webhookEndpointSchema>['events'],
    createdAt: e.createdAt.toISOString(),
  });
  const presentDelivery = (d: webhooks.WebhookDeliveryRow) => ({
    id: d.id,
    endpointId: d.endpointId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
  });
  const findEndpoint = async (applicationId: string, id: string) => {
    const e = await webhooks.findEndpoint(platform.database.db, applicationId, id);
    if (!e) throw new DomainError('NOT_FOUND', `No webhook endpoint ${id}.`);
    return e;
  };

  r.post(
    '/webhooks',
    {
      schema: {
        tags,
        summary: 'Add a webhook endpoint',
        description:
          'Returns the endpoint with its signing `secret` (shown once). Every delivery carries `OpenIDV-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, and `OpenIDV-Event-Id`. With `useApplicationSecret: true` the endpoint signs with the application secret printed at first start. Targets in private or loopback ranges are refused unless the server allows them.',
        body: createEndpointInput.extend({ useApplicationSecret: z.boolean().default(false) }),
        response: {
          201: webhookEndpointSchema.extend({
            secret: z.string().describe('HMAC signing secret; shown once.'),
          }),
          ...errorResponses(400, 401, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const { useApplicationSecret, ...input } = request.body;
      const secret = useApplicationSecret
        ? await applicationWebhookSecret(platform, auth.applicationId)
        : undefined;
      const e = await createEndpoint(platform, auth.applicationId, input, secret);
      return reply.code(201).send({ ...presentEndpoint(e), secret: e.secret });
    },
  );

  r.get(
    '/webhooks',
    {
      schema: {
        tags,
        summary: 'List webhook endpoints',
        response: { 200: z.object({ data: z.array(webhookEndpointSchema) }), ...errorResponses(401, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      return {
        data: (await webhooks.listEndpoints(platform.database.db, auth.applicationId)).map(presentEndpoint),
      };
    },
  );

  r.get(
    '/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Get a webhook endpoint',
        params: idParams,
        response: { 200: webhookEndpointSchema, ...errorResponses(401, 404, 429) },
      },
    },
    async (request) =>
      presentEndpoint(await findEndpoint(requireAuth(request).applicationId, request.params.id)),
  );

  r.delete(
    '/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Delete a webhook endpoint',
        description: 'Pending deliveries to it stop.',
        params: idParams,
        response: { 204: z.null(), ...errorResponses(401, 404, 429) },
      },
    },
    async (request, reply) => {
      await deleteEndpoint(platform, requireAuth(request).applicationId, request.params.id);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        summary: "An endpoint's delivery log, newest first",
        params: idParams,
        querystring: z.object({
          cursor: z.string().max(64).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: pageSchema(webhookDeliverySchema), ...errorResponses(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const e = await findEndpoint(requireAuth(request).applicationId, request.params.id);
      const rows = await webhooks.listDeliveries(platform.database.db, e.id, {
        ...(request.query.cursor && { cursor: request.query.cursor }),
        limit: request.query.limit + 1,
      });
      const page = rows.slice(0, request.query.limit);
      return {
        data: page.map(presentDelivery),
        nextCursor: rows.length > request.query.limit ? page.at(-1)!.id : null,
      };
    },
  );

  r.get(
    '/webhooks/:id/deliveries/:deliveryId',
    {
      schema: {
        tags,
        summary: 'A delivery with its payload and every attempt',
        params: z.object({ id: z.string().max(64), deliveryId: z.string().max(64) }),
        response: {
          200: webhookDeliverySchema.extend({
            payload: z.string().describe('The exact body that was signed and sent.'),
            attemptLog: z.array(
              z.object({
                attempt: z.number().int(),
                at: z.string(),
                statusCode: z.number().int().nullable(),
                error: z.string().nullable(),
                durationMs: z.number(),
              }),
            ),
          }),
          ...errorResponses(401, 404, 429),
        },
      },
    },
    async (request) => {
      const e = await findEndpoint(requireAuth(request).applicationId, request.params.id);
      const d = await webhooks.findDelivery(platform.database.db, request.params.deliveryId);
      if (!d || d.endpointId !== e.id)
        throw new DomainError('NOT_FOUND', `No delivery ${request.params.deliveryId}.`);
      const log = await webhooks.listDeliveryAttempts(platform.database.db, d.id);
      return {
        ...presentDelivery(d),
        payload: d.payload,
        attemptLog: log.map((a) => ({ ...a, at: a.at.toISOString() })),
      };
    },
  );

  r.post(
    '/webhooks/:id/deliveries/:deliveryId/redeliver',
    {
      schema: {
        tags,
        summary: 'Send a delivery again',
        description: 'The same event id and body, with a fresh signature timestamp.',
        params: z.object({ id: z.string().max(64), deliveryId: z.string().max(64) }),
        response: { 202: webhookDeliverySchema, ...errorResponses(401, 404, 429) },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const d = await redeliver(platform, auth.applicationId, request.params.id, request.params.deliveryId);
      return reply.code(202).send(presentDelivery(d));
    },
  );

  r.post(
    '/webhooks/:id/test',
    {
      schema: {
        tags,
        summary: 'Send a test event',
        description:
          'Queues a signed `webhook.test` event (`{id, type, createdAt, applicationId, data: {message}}`) to this endpoint now; it appears in the delivery log.',
        params: idParams,
        response: { 202: webhookDeliverySchema, ...errorResponses(401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      return reply
        .code(202)
        .send(presentDelivery(await sendTestEvent(platform, auth.applicationId, request.params.id)));
    },
  );
}
