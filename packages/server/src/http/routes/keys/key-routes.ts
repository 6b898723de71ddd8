import { apiKeys } from '@openidv/storage';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../../platform/platform.ts';
import { createApiKey, revokeApiKey } from '../../../usecases/keys/api-keys.ts';
import { requireAuth } from '../../auth.ts';
import { errorResponses } from '../../errors.ts';
import { apiKeySchema, idParams } from '../../schemas/resources.ts';

const tags = ['API keys'];

export function keyRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const present = (k: apiKeys.ApiKeyRow) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    createdAt: k.createdAt.toISOString(),
    revokedAt: k.revokedAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  });

  r.get(
    '/keys',
    {
      schema: {
        tags,
        summary: "List the application's API keys",
        description: 'Keys are stored hashed: only their prefix is shown.',
        response: { 200: z.object({ data: z.array(apiKeySchema) }), ...errorResponses(401, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      return { data: (await apiKeys.listApiKeys(platform.database.db, auth.applicationId)).map(present) };
    },
  );

  r.post(
    '/keys',
    {
      schema: {
        tags,
        summary: 'Create an API key',
        description: 'The key is in `key`, shown this once.',
        body: z.object({ name: z.string().min(1).max(200) }).strict(),
        response: { 201: apiKeySchema.extend({ key: z.string() }), ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const k = await createApiKey(platform, auth.applicationId, request.body.name);
      return reply.code(201).send({
        id: k.id,
        name: k.name,
        prefix: k.prefix,
        key: k.key,
        createdAt: k.createdAt.toISOString(),
        revokedAt: null,
        lastUsedAt: null,
      });
    },
  );

  r.delete(
    '/keys/:id',
    {
      schema: {
        tags,
        summary: 'Revoke an API key',
        description: 'Takes effect at once on this server and within 2 seconds on others.',
        params: idParams,
        response: { 204: z.null(), ...errorResponses(401, 404, 429) },
      },
    },
    async (request, reply) => {
      await revokeApiKey(platform, requireAuth(request).applicationId, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
