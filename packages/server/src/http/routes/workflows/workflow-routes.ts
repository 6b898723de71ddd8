import { type Workflow, workflowDefinitionSchema } from '@openidv/domain';
import { workflows } from '@openidv/storage';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../../platform/platform.ts';
import {
  createWorkflow,
  deleteWorkflow,
  getWorkflow,
  updateWorkflow,
} from '../../../usecases/workflows/manage-workflows.ts';
import { requireAuth } from '../../auth.ts';
import { errorResponses } from '../../errors.ts';
import { idParams, workflowSchema } from '../../schemas/resources.ts';

const tags = ['Workflows'];
const workflowInput = workflowDefinitionSchema.extend({
  isDefault: z.boolean().optional().describe("Make it the application's default workflow."),
});

export function workflowRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const present = (w: Workflow) => ({
    id: w.id,
    name: w.name,
    ...(w.description !== undefined && { description: w.description }),
    checks: w.checks,
    ...(w.sessionLifetimeSeconds !== undefined && { sessionLifetimeSeconds: w.sessionLifetimeSeconds }),
    isDefault: w.isDefault,
    version: w.version,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  });

  r.get(
    '/checks',
    {
      schema: {
        tags,
        summary: 'The checks this server can run',
        description:
          'Each with its config schema (JSON Schema) and the reason codes it can raise, with their default actions.',
        response: {
          200: z.object({
            data: z.array(
              z.object({
                type: z.string(),
                description: z.string(),
                configSchema: z.record(z.string(), z.unknown()),
                reasonCodes: z.record(z.string(), z.object({ action: z.string(), description: z.string() })),
              }),
            ),
          }),
          ...errorResponses(401, 429),
        },
      },
    },
    async (request) => {
      requireAuth(request);
      return {
        data: platform.checks.list().map((c) => ({
          type: c.type,
          description: c.description,
          configSchema: z.toJSONSchema(c.configSchema, { io: 'input', unrepresentable: 'any' }) as Record<
            string,
            unknown
          >,
          reasonCodes: c.reasonCodes,
        })),
      };
    },
  );

  r.post(
    '/workflows',
    {
      schema: {
        tags,
        summary: 'Create a workflow',
        description:
          'Checks run in the given order; each check config is validated against that check’s schema.',
        body: workflowInput,
        response: { 201: workflowSchema, ...errorResponses(400, 401, 422, 429) },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const { isDefault, ...definition } = request.body;
      return reply
        .code(201)
        .send(present(await createWorkflow(platform, auth.applicationId, definition, isDefault === true)));
    },
  );

  r.get(
    '/workflows',
    {
      schema: {
        tags,
        summary: 'List workflows',
        response: { 200: z.object({ data: z.array(workflowSchema) }), ...errorResponses(401, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      return { data: (await workflows.listWorkflows(platform.database.db, auth.applicationId)).map(present) };
    },
  );

  r.get(
    '/workflows/:id',
    {
      schema: {
        tags,
        summary: 'Get a workflow',
        params: idParams,
        response: { 200: workflowSchema, ...errorResponses(401, 404, 429) },
      },
    },
    async (request) =>
      present(await getWorkflow(platform, requireAuth(request).applicationId, request.params.id)),
  );

  r.put(
    '/workflows/:id',
    {
      schema: {
        tags,
        summary: 'Replace a workflow (a new version)',
        description: 'Sessions already created keep running the version they were created with.',
        params: idParams,
        body: workflowInput,
        response: { 200: workflowSchema, ...errorResponses(400, 401, 404, 422, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const { isDefault, ...definition } = request.body;
      return present(
        await updateWorkflow(platform, auth.applicationId, request.params.id, definition, isDefault),
      );
    },
  );

  r.delete(
    '/workflows/:id',
    {
      schema: {
        tags,
        summary: 'Delete a workflow',
        params: idParams,
        response: { 204: z.null(), ...errorResponses(401, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      await deleteWorkflow(platform, requireAuth(request).applicationId, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
