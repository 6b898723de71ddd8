import { type Workflow, workflowDefinitionSchema } from '@openidv/domain';
import { workflows } from '@openidv/storage';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../../platform/platform.ts';
import { dryRunWorkflow } from '../../../usecases/risk/dry-run-workflow.ts';
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
const RULE_EXAMPLES = [
  {
    id: 'hosting_abroad',
    name: 'Hosting IP from another country',
    if: { all: [{ reason: 'IP_HOSTING' }, { reason: 'IP_COUNTRY_MISMATCH' }] },
    then: 'review',
  },
  { id: 'minor', name: 'Under 18', if: { field: 'person.age', lt: 18 }, then: 'decline' },
];
/**
 * The rules are checked by the workflow validator (messages naming each rule), not by the body schema, whose
 * union errors would only say "invalid input"; the schema below documents them.
 */
const rulesInput = z
  .array(z.record(z.string(), z.unknown()))
  .max(100)
  .optional()
  .describe(
    'Rules over the checks\' results, applied after the per-check actions. Each: {id, name, description?, if: <condition>, then: "review"|"resubmit"|"decline"}. A condition is {all:[…]}, {any:[…]}, {not:…}, {reason:"CODE", check?}, {check:"type", status:"failed"|…}, {riskLabel:"tor"} or {field:"person.age"|"document.country"|"checks.<type>.score"|"checks.<type>.evidence.<path>"|…, eq|ne|lt|lte|gt|gte|in|notIn|exists: value}. A matching rule adds the reason RULE_<ID> (check "rules") and makes the decision at least its `then`. See the Workflow schema for the exact shape.',
  )
  .meta({ example: RULE_EXAMPLES });
const workflowInput = workflowDefinitionSchema.extend({
  rules: rulesInput,
  isDefault: z.boolean().optional().describe("Make it the application's default workflow."),
});
const dryRunInput = z.object({
  workflow: workflowDefinitionSchema
    .extend({ rules: rulesInput })
    .describe('The candidate definition (as for PUT /v1/workflows/{id}); validated the same way.'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(100)
    .describe('How many of the latest decided sessions to re-decide.'),
});
const dryRunResult = z.object({
  workflowId: z.string(),
  evaluated: z.number().int().describe('Decided sessions re-decided.'),
  skipped: z
    .number()
    .int()
    .describe('Decided sessions without stored check results (the pipeline gave up on them): not compared.'),
  changed: z.number().int().describe('Of those, how many would get another decision.'),
  transitions: z
    .record(z.string(), z.number().int())
    .describe('Changed decisions by "current→candidate" status, e.g. {"approved→review": 3}.'),
  sessions: z.array(
    z.object({
      sessionId: z.string(),
      workflowVersion: z.number().int().describe('The version the session ran.'),
      decidedAt: z.string(),
      decidedBy: z.enum(['engine', 'reviewer']),
      current: z.object({ status: z.string(), reasons: z.array(z.string()) }),
      candidate: z.object({ status: z.string(), reasons: z.array(z.string()) }),
      changed: z.boolean(),
      notRun: z
        .array(z.string())
        .describe('Checks of the candidate that did not run on this session; their results are missing.'),
    }),
  ),
});

export function workflowRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const present = (w: Workflow) => ({
    id: w.id,
    name: w.name,
    ...(w.description !== undefined && { description: w.description }),
    checks: w.checks,
    ...(w.sessionLifetimeSeconds !== undefined && { sessionLifetimeSeconds: w.sessionLifetimeSeconds }),
    ...(w.questionnaire !== undefined && { questionnaire: w.questionnaire }),
    ...(w.rules !== undefined && { rules: w.rules }),
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

  r.post(
    '/workflows/:id/dry-run',
    {
      schema: {
        tags,
        summary: 'Try a workflow change on the latest decided sessions',
        description:
          "Re-decides the workflow's latest decided sessions (any version) with a candidate definition, from their stored check results, and shows which decisions would change. The candidate's actions and rules are applied; checks are not run again, so a changed threshold inside a check's config, or a check that did not run (listed in notRun), shows no effect. Nothing is saved.",
        params: idParams,
        body: dryRunInput,
        response: { 200: dryRunResult, ...errorResponses(400, 401, 404, 422, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      return dryRunWorkflow(
        platform,
        auth.applicationId,
        request.params.id,
        request.body.workflow,
        request.body.limit,
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
