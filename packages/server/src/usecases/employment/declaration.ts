import type { DeclaredEmployment } from '@openidv/check-employment';
import { DomainError } from '@openidv/domain';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD');

export const declarationInput = z
  .object({
    declared: z
      .array(
        z
          .object({
            id: z
              .string()
              .regex(/^[A-Za-z0-9_-]{1,64}$/)
              .optional()
              .describe('Your id for this job; default `emp_1`, `emp_2`… in the order given.'),
            employer: z.string().min(1).max(200),
            jobTitle: z.string().max(200).optional(),
            startDate: isoDate,
            endDate: isoDate.nullable().optional().describe('Unset or null: the current job.'),
            annualIncome: z
              .number()
              .min(0)
              .max(1_000_000_000)
              .optional()
              .describe('Declared gross annual income from this job, in whole currency units.'),
            currency: z
              .string()
              .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as GBP or USD')
              .optional()
              .describe(
                'The currency of `annualIncome` (ISO 4217). Evidence in another currency is reported, not compared.',
              ),
          })
          .strict(),
      )
      .min(1)
      .max(30)
      .describe("The candidate's declared employment history."),
    sources: z
      .array(z.string().max(40))
      .max(10)
      .optional()
      .describe('Data sources to offer, in this order, before documents; default: every configured source.'),
    maxGapDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(90)
      .describe('Breaks in the declared history longer than this are reported as gaps.'),
    businessName: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("Named on the candidate's consent screen; default: the application's name."),
  })
  .strict()
  .describe('For `employment` and `income` sessions: the declared history and how to verify it.');
export type DeclarationInput = z.input<typeof declarationInput>;

export interface EmploymentSettings {
  sources: string[];
  maxGapDays: number;
  businessName: string | null;
}

/**
 * Checks the employment part of a new session against its type, its workflow and the configured sources, and
 * gives each declared job an id. Undefined for identity sessions.
 */
export function prepareDeclaration(
  platform: Platform,
  input: { type: string; employment?: DeclarationInput | undefined },
  workflowChecks: { type: string }[],
): { declared: DeclaredEmployment[]; settings: EmploymentSettings } | undefined {
  if (input.type === 'identity') {
    if (input.employment) {
      throw new DomainError(
        'VALIDATION_FAILED',
        'employment: only for sessions of type employment or income.',
      );
    }
    return undefined;
  }
  const e = input.employment;
  if (!e)
    throw new DomainError('VALIDATION_FAILED', `employment: required for a session of type ${input.type}.`);
  if (!workflowChecks.some((c) => c.type === 'employment')) {
    throw new DomainError(
      'WORKFLOW_INVALID',
      `A session of type ${input.type} needs a workflow with the employment check.`,
    );
  }
  const declared = e.declared.map((d, i) => ({
    ...d,
    id: d.id ?? `emp_${i + 1}`,
    endDate: d.endDate ?? null,
  }));
  const problems: string[] = [];
  const ids = new Set<string>();
  declared.forEach((d, i) => {
    if (ids.has(d.id)) problems.push(`employment.declared[${i}].id: "${d.id}" appears twice`);
    ids.add(d.id);
    if (d.endDate && d.endDate < d.startDate)
      problems.push(`employment.declared[${i}].endDate: before startDate`);
  });
  const sources = e.sources ?? [...platform.employmentSources.keys()];
  for (const id of sources) {
    if (!platform.employmentSources.has(id))
      problems.push(`employment.sources: no source "${id}" is configured`);
  }
  if (problems.length) throw new DomainError('VALIDATION_FAILED', problems.join('; '), { problems });
  return {
    declared,
    settings: { sources, maxGapDays: e.maxGapDays ?? 90, businessName: e.businessName ?? null },
  };
}
