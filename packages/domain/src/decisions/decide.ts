import type {
  CheckAction,
  CheckDefinition,
  CheckResult,
  ExtractedDocument,
  ExtractedPerson,
} from '../checks/check.ts';
import type { EidProvenance } from '../eid/eid.ts';
import type { DecisionStatus } from '../sessions/lifecycle.ts';
import { evaluateRules, type WorkflowRule } from '../workflows/rules.ts';
import { resolveAction, type WorkflowCheck } from '../workflows/workflow.ts';

export interface DecisionReason {
  code: string;
  message: string;
  /** The check that raised it ("rules" for a workflow rule). */
  check: string;
  action: CheckAction;
}

export interface Decision {
  status: DecisionStatus;
  reasons: DecisionReason[];
  checks: CheckResult[];
  person: ExtractedPerson;
  document: ExtractedDocument;
  riskLabels: string[];
  decidedAt: Date;
  /** Who decided: the engine, or a reviewer. */
  decidedBy: 'engine' | { reviewer: string };
  /** A person's decision: their reason code and note and, when sending it back, the steps to do again. */
  review?: ManualReview;
  /** Where the verified person came from, when an eID provider verified them. */
  provenance?: EidProvenance;
}

export interface ManualReview {
  reasonCode?: string;
  note?: string;
  /** Upload contexts the applicant must provide again (resubmission only), e.g. ["document-front", "face"]. */
  resubmitSteps?: string[];
}

/** Outcomes in order of severity: several results combine to the most severe (approve < review < resubmit < decline). */
const SEVERITY: Record<DecisionStatus, number> = {
  approved: 0,
  review: 1,
  resubmission_requested: 2,
  declined: 3,
};

const ACTION_OUTCOME: Record<CheckAction, DecisionStatus> = {
  none: 'approved',
  review: 'review',
  resubmit: 'resubmission_requested',
  decline: 'declined',
};

export type CheckLookup = (type: string) => Pick<CheckDefinition, 'reasonCodes'> | undefined;

/**
 * Applies the workflow's actions to the check results, then its rules, and explains the outcome.
 * Pure: same input, same decision.
 */
export function decide(
  steps: WorkflowCheck[],
  results: CheckResult[],
  lookup: CheckLookup,
  now: Date,
  rules: WorkflowRule[] = [],
): Decision {
  let status: DecisionStatus = 'approved';
  const reasons: DecisionReason[] = [];
  const raise = (outcome: DecisionStatus) => {
    if (SEVERITY[outcome] > SEVERITY[status]) status = outcome;
  };

  for (const result of results) {
    const step = steps.find((s) => s.type === result.type);
    if (result.status === 'error') {
      reasons.push({
        code: 'CHECK_ERROR',
        message: `The ${result.type} check could not run; a person must review this session.`,
        check: result.type,
        action: 'review',
      });
      raise('review');
      continue;
    }
    if (result.status !== 'failed') continue;
    const codes = lookup(result.type)?.reasonCodes ?? {};
    const failureReasons = result.reasons.length
      ? result.reasons
      : [{ code: 'CHECK_FAILED', message: `The ${result.type} check failed.` }];
    for (const r of failureReasons) {
      const action = step ? resolveAction(step, r.code, codes[r.code]?.action) : 'review';
      reasons.push({ ...r, check: result.type, action });
      raise(ACTION_OUTCOME[action]);
    }
  }

  const riskLabels = [...new Set(results.flatMap((r) => r.riskLabels ?? []))];
  const person = mergeExtracted<ExtractedPerson>(results.map((r) => r.extracted?.person));
  const document = mergeExtracted<ExtractedDocument>(results.map((r) => r.extracted?.document));
  for (const m of evaluateRules(rules, { results, person, document, riskLabels, now })) {
    reasons.push({
      code: m.code,
      message: `Rule "${m.rule.name}" matched: ${m.explanation}.`,
      check: 'rules',
      action: m.action,
    });
    raise(ACTION_OUTCOME[m.action]);
  }
  return {
    status,
    reasons,
    checks: results,
    person,
    document,
    riskLabels,
    decidedAt: now,
    decidedBy: 'engine',
  };
}

/** For each field keep the most confident reading among the checks that produced one. */
function mergeExtracted<T extends object>(parts: (T | undefined)[]): T {
  const out: Record<string, { confidence: number }> = {};
  for (const part of parts) {
    if (!part) continue;
    for (const [key, field] of Object.entries(part) as [string, { confidence: number } | undefined][]) {
      if (!field) continue;
      const current = out[key];
      if (!current || field.confidence > current.confidence) out[key] = field;
    }
  }
  return out as T;
}
