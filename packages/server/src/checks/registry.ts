import { activeLivenessCheck } from '@openidv/check-active-liveness';
import { createAmlCheck } from '@openidv/check-aml';
import { blocklistCheck } from '@openidv/check-blocklist';
import { documentCheck } from '@openidv/check-document';
import { eidCheck } from '@openidv/check-eid';
import { createEmailRiskCheck } from '@openidv/check-email-risk';
import { employmentCheck } from '@openidv/check-employment';
import { faceMatchCheck, livenessCheck } from '@openidv/check-face';
import { faceDuplicatesCheck } from '@openidv/check-face-duplicates';
import { imageQualityCheck } from '@openidv/check-image-quality';
import { createIpRiskCheck } from '@openidv/check-ip-risk';
import { phoneRiskCheck } from '@openidv/check-phone-risk';
import { velocityCheck } from '@openidv/check-velocity';
import {
  type CheckDefinition,
  DomainError,
  describeRuleShape,
  validateRules,
  type WorkflowDefinition,
  workflowDefinitionSchema,
} from '@openidv/domain';
import type { ScreeningIndex } from '@openidv/screening';

/** The checks this server can run, by type. A new check is registered here and nowhere else. */
export class CheckRegistry {
  readonly #checks = new Map<string, CheckDefinition<unknown>>();

  constructor(checks: CheckDefinition<never>[]) {
    for (const c of checks) this.#checks.set(c.type, c as unknown as CheckDefinition<unknown>);
  }

  get(type: string): CheckDefinition<unknown> | undefined {
    return this.#checks.get(type);
  }

  list(): CheckDefinition<unknown>[] {
    return [...this.#checks.values()];
  }

  /**
   * Validates a workflow: its shape, that every check exists, and each check's config against that check's
   * schema. Returns the definition with each config defaulted, so what is stored is what runs.
   */
  validateWorkflow(input: unknown): WorkflowDefinition {
    // Rules first, by hand: a malformed condition deep in a rule gets a message naming the rule and the spot.
    const rawRules = (input as { rules?: unknown } | null)?.rules;
    if (rawRules !== undefined) {
      const shape = describeRuleShape(rawRules);
      if (shape.length) throw new DomainError('WORKFLOW_INVALID', shape.join('; '), { problems: shape });
    }
    const parsed = workflowDefinitionSchema.safeParse(input);
    if (!parsed.success) {
      throw new DomainError('VALIDATION_FAILED', describeIssues(parsed.error.issues), {
        issues: parsed.error.issues,
      });
    }
    const problems: string[] = [];
    const seen = new Set<string>();
    const checks = parsed.data.checks.map((step, i) => {
      const def = this.get(step.type);
      if (!def) {
        problems.push(
          `checks[${i}].type: unknown check "${step.type}" (known: ${[...this.#checks.keys()].join(', ')})`,
        );
        return step;
      }
      if (seen.has(step.type)) problems.push(`checks[${i}].type: "${step.type}" appears twice`);
      seen.add(step.type);
      const config = def.configSchema.safeParse(step.config);
      if (!config.success) {
        problems.push(
          ...config.error.issues.map((x) => `checks[${i}].config.${x.path.join('.')}: ${x.message}`),
        );
        return step;
      }
      for (const code of Object.keys(step.reasonActions ?? {})) {
        if (!(code in def.reasonCodes))
          problems.push(`checks[${i}].reasonActions: "${code}" is not a reason of ${step.type}`);
      }
      return { ...step, config: config.data as Record<string, unknown> };
    });
    if (!problems.length && parsed.data.rules?.length) {
      problems.push(...validateRules(parsed.data.rules, checks, (t) => this.get(t)));
    }
    if (problems.length) throw new DomainError('WORKFLOW_INVALID', problems.join('; '), { problems });
    return { ...parsed.data, checks };
  }
}

export function describeIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/**
 * Every check this build ships. Checks that need models (document OCR, face) load them on first use and
 * keep them for the life of the process, so a server that never runs them never pays for them.
 */
export interface RegistryDeps {
  /** The sanctions lists in service; read on every screening so a new version is used at once. */
  screeningIndex: () => ScreeningIndex;
  /** Hits dismissed per user ("not this person"). */
  suppressed?: (applicationId: string, vendorData: string) => Promise<Set<string>>;
  /** Where `openidv risk-data import` keeps refreshed IP and email data (replacing the shipped data). */
  riskDataDir?: string;
}

export function createDefaultRegistry(
  deps: RegistryDeps,
  extra: CheckDefinition<never>[] = [],
): CheckRegistry {
  const aml = createAmlCheck({
    index: deps.screeningIndex,
    ...(deps.suppressed && { suppressed: deps.suppressed }),
  });
  return new CheckRegistry([
    imageQualityCheck,
    documentCheck,
    eidCheck,
    faceMatchCheck,
    livenessCheck,
    faceDuplicatesCheck,
    activeLivenessCheck,
    aml,
    createIpRiskCheck({ dataDir: deps.riskDataDir }),
    createEmailRiskCheck({ dataDir: deps.riskDataDir }),
    phoneRiskCheck,
    velocityCheck,
    blocklistCheck,
    employmentCheck,
    ...extra,
  ] as CheckDefinition<never>[]);
}

/** The workflow every new application starts with: a document and a selfie, read and compared. */
export function defaultWorkflowDefinition(): WorkflowDefinition {
  return {
    name: 'Default identity verification',
    description:
      'Photo quality, the document read and judged (MRZ or barcode, validity, age, expected data), the selfie compared with the document portrait, passive liveness, the face searched among approved users and the face blocklist, and sanctions screening of the holder.',
    checks: [
      { type: 'image-quality', config: { required: ['document-front', 'face'] } },
      { type: 'document', config: {} },
      { type: 'face-match', config: {} },
      { type: 'liveness', config: {} },
      { type: 'face-duplicates', config: {} },
      { type: 'aml', config: {} },
    ],
  };
}
