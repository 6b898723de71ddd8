import { z } from 'zod';
import type { CheckAction } from '../checks/check.ts';
import { workflowRuleSchema } from './rules.ts';

export const checkActionSchema = z
  .enum(['decline', 'review', 'resubmit', 'none'])
  .describe('What a failure of this check does to the decision.');

export const workflowCheckSchema = z.object({
  type: z.string().min(1).max(64).describe('Check type, e.g. "image-quality".'),
  config: z.record(z.string(), z.unknown()).default({}).describe("The check's own settings and thresholds."),
  action: checkActionSchema
    .optional()
    .describe("Overrides the action of every reason this check emits. Unset: each reason's default action."),
  reasonActions: z
    .record(z.string(), checkActionSchema)
    .optional()
    .describe('Per-reason-code action overrides, e.g. {"IMAGE_TOO_BLURRY":"review"}.'),
});
export type WorkflowCheck = z.infer<typeof workflowCheckSchema>;

export const workflowDefinitionSchema = z.object({
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  checks: z.array(workflowCheckSchema).max(50).describe('Checks, run in this order.'),
  sessionLifetimeSeconds: z
    .number()
    .int()
    .min(60)
    .max(60 * 60 * 24 * 90)
    .optional()
    .describe('Default lifetime of sessions created with this workflow.'),
  questionnaire: z
    .object({
      id: z.string().min(1).max(64).describe('The questionnaire (`qst_…`).'),
      version: z
        .number()
        .int()
        .min(1)
        .optional()
        .describe('The version the workflow uses; when left out on save, the current version is pinned.'),
      placement: z
        .enum(['before-capture', 'after-capture'])
        .default('after-capture')
        .describe('Asked right after the consent screen, or after the document and selfie.'),
    })
    .optional()
    .describe(
      "A questionnaire the applicant fills in during the journey; its answers are part of the session's data.",
    ),
  rules: z
    .array(workflowRuleSchema)
    .max(100)
    .optional()
    .describe(
      "Rules over the checks' results, applied after the per-check actions; a matching rule adds the reason RULE_<ID> and makes the decision at least its `then`.",
    ),
});
export type WorkflowDefinition = z.infer<typeof workflowDefinitionSchema>;

export interface Workflow extends WorkflowDefinition {
  id: string;
  applicationId: string;
  isDefault: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export function resolveAction(
  step: WorkflowCheck,
  code: string,
  defaultAction: CheckAction | undefined,
): CheckAction {
  return step.reasonActions?.[code] ?? step.action ?? defaultAction ?? 'review';
}
