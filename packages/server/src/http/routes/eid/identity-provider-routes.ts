import { identityProviders } from '@openidv/storage';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../../platform/platform.ts';
import {
  createProvider,
  deleteProvider,
  getProvider,
  identityProviderInput,
  presentProvider,
  updateProvider,
} from '../../../usecases/eid/identity-providers.ts';
import { eidRedirectUri } from '../../../usecases/eid/oidc-clients.ts';
import { requireAuth } from '../../auth.ts';
import { errorResponses } from '../../errors.ts';

const tags = ['eID providers'];
const providerParams = z.object({
  id: z.string().min(1).max(64).describe('The provider\'s id ("idp_…") or its providerId ("bankidse").'),
});
export const identityProviderSchema = z
  .object({
    id: z.string(),
    providerId: z.string(),
    name: z.string(),
    issuer: z.string(),
    clientId: z.string(),
    clientAuth: z.enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt']),
    hasSecret: z
      .boolean()
      .describe('Whether a client secret or private key is stored; it is never returned.'),
    scopes: z.array(z.string()),
    claims: z.record(z.string(), z.string()),
    acrValues: z.array(z.string()),
    levelOfAssurance: z.enum(['low', 'substantial', 'high']),
    acrLevels: z.record(z.string(), z.enum(['low', 'substantial', 'high'])),
    flows: z.array(z.enum(['redirect', 'qr', 'push'])),
    loginHintLabel: z.string().optional(),
    enabled: z.boolean(),
    redirectUri: z.string().describe('Register this redirect URI at the provider.'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'IdentityProvider' });

export function identityProviderRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const present = (p: Parameters<typeof presentProvider>[0]) => ({
    ...presentProvider(p),
    redirectUri: eidRedirectUri(platform),
  });
  const description =
    "An OpenID Connect identity provider (a national eID or an eID broker) that the workflow's `eid` step offers to applicants. Its metadata is read from `issuer` when saved (IDENTITY_PROVIDER_INVALID if that fails, or if `push` is offered without a CIBA endpoint). The client secret or private key is stored encrypted and never returned.";

  r.post(
    '/identity-providers',
    {
      schema: {
        tags,
        summary: 'Add an eID provider',
        description,
        body: identityProviderInput,
        response: { 201: identityProviderSchema, ...errorResponses(400, 401, 403, 409, 422, 429) },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      return reply.code(201).send(present(await createProvider(platform, auth.applicationId, request.body)));
    },
  );

  r.get(
    '/identity-providers',
    {
      schema: {
        tags,
        summary: 'List eID providers',
        response: {
          200: z.object({
            data: z.array(identityProviderSchema),
            redirectUri: z.string().describe('Register this redirect URI at every provider.'),
          }),
          ...errorResponses(401, 429),
        },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      return {
        data: (await identityProviders.listProviders(platform.database.db, auth.applicationId)).map(present),
        redirectUri: eidRedirectUri(platform),
      };
    },
  );

  r.get(
    '/identity-providers/:id',
    {
      schema: {
        tags,
        summary: 'Get an eID provider',
        params: providerParams,
        response: { 200: identityProviderSchema, ...errorResponses(401, 404, 429) },
      },
    },
    async (request) =>
      present(await getProvider(platform, requireAuth(request).applicationId, request.params.id)),
  );

  r.put(
    '/identity-providers/:id',
    {
      schema: {
        tags,
        summary: 'Replace an eID provider',
        description: `${description} Without a new \`clientSecret\`/\`privateKeyJwk\` (and the same clientAuth) the stored one is kept.`,
        params: providerParams,
        body: identityProviderInput,
        response: { 200: identityProviderSchema, ...errorResponses(400, 401, 403, 404, 409, 422, 429) },
      },
    },
    async (request) =>
      present(
        await updateProvider(platform, requireAuth(request).applicationId, request.params.id, request.body),
      ),
  );

  r.delete(
    '/identity-providers/:id',
    {
      schema: {
        tags,
        summary: 'Delete an eID provider',
        description: 'Sessions already verified through it keep their evidence.',
        params: providerParams,
        response: { 204: z.null(), ...errorResponses(401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      await deleteProvider(platform, requireAuth(request).applicationId, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
