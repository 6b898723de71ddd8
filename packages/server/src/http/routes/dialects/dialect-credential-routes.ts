import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DIALECTS } from '../../../dialects/dialect.ts';
import type { Platform } from '../../../platform/platform.ts';
import {
  createDialectCredential,
  listDialectCredentials,
  revokeDialectCredential,
  setDialectWebhook,
} from '../../../usecases/dialects/dialect-credentials.ts';
import { requireAuth } from '../../auth.ts';
import { errorResponses } from '../../errors.ts';
import { idParams } from '../../schemas/resources.ts';

const tags = ['Dialect credentials'];

const credentialSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    dialect: z.enum(DIALECTS),
    keyPrefix: z.string().describe('First characters of the key.'),
    integrationId: z.string().describe("Veriff's `vrf-integration-id` for this credential."),
    baseUrl: z
      .string()
      .describe("The base URL that replaces the vendor's (e.g. `https://HOST/compat/veriff`)."),
    webhookUrl: z
      .string()
      .nullable()
      .describe("Where this credential's sessions are announced, in the vendor's shape."),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: 'DialectCredential' });

/** Credentials for the vendor dialects (Veriff, iDenfy, Didit, Hopae Connect) and their webhook URLs. */
export function dialectCredentialRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/dialect-credentials',
    {
      schema: {
        tags,
        summary: 'Create a vendor dialect credential',
        description:
          "Issues a key and a secret in the vendor's own shape (Veriff: API key + shared secret, both UUIDs). They are shown once: the key is stored hashed, the secret sealed. With `webhookUrl`, the credential's sessions are announced there in the vendor's webhook shape and signature.",
        body: z
          .object({
            name: z.string().min(1).max(200),
            dialect: z.enum(DIALECTS),
            webhookUrl: z.string().max(2000).optional(),
          })
          .strict(),
        response: {
          201: credentialSchema.extend({
            key: z.string().describe('The API key / client id; shown once.'),
            secret: z.string().describe('The shared secret; shown once.'),
          }),
          ...errorResponses(400, 401, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      return reply.code(201).send(await createDialectCredential(platform, auth.applicationId, request.body));
    },
  );

  r.get(
    '/dialect-credentials',
    {
      schema: {
        tags,
        summary: "List the application's dialect credentials",
        response: { 200: z.object({ data: z.array(credentialSchema) }), ...errorResponses(401, 429) },
      },
    },
    async (request) => ({ data: await listDialectCredentials(platform, requireAuth(request).applicationId) }),
  );

  r.put(
    '/dialect-credentials/:id/webhook',
    {
      schema: {
        tags,
        summary: "Set or remove a dialect credential's webhook URL",
        description:
          '`{"url": null}` removes it. Deliveries use the native outbox, retries and delivery log (`GET /v1/webhooks/{endpointId}/deliveries`), in the vendor\'s shape and signature.',
        params: idParams,
        body: z.object({ url: z.string().max(2000).nullable() }).strict(),
        response: {
          200: z.object({ url: z.string().nullable(), endpointId: z.string().nullable() }),
          ...errorResponses(400, 401, 404, 409, 422, 429),
        },
      },
    },
    async (request) =>
      setDialectWebhook(platform, requireAuth(request).applicationId, request.params.id, request.body.url),
  );

  r.delete(
    '/dialect-credentials/:id',
    {
      schema: {
        tags,
        summary: 'Revoke a dialect credential',
        description:
          'Its key stops working at once on this server (within 2 s on others) and its webhook is removed.',
        params: idParams,
        response: { 204: z.null(), ...errorResponses(401, 404, 429) },
      },
    },
    async (request, reply) => {
      await revokeDialectCredential(platform, requireAuth(request).applicationId, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
