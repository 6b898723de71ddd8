import { type Decision, decide, type WorkflowDefinition } from '@openidv/domain';
import { risk } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';
import { getWorkflow } from '../workflows/manage-workflows.ts';

export interface DryRunSession {
  sessionId: string;
  workflowVersion: number;
  decidedAt: string;
  decidedBy: 'engine' | 'reviewer';
  current: { status: string; reasons: string[] };
  candidate: { status: string; reasons: string[] };
  changed: boolean;
  /** Checks of the candidate that did not run on this session: their results are missing from the re-decision. */
  notRun: string[];
}

/**
 * Re-decides the workflow's latest decided sessions with a candidate definition, from their stored check
 * results: the candidate's per-check actions and rules are applied; checks are not run again (a changed
 * threshold inside a check's config needs a new session to show its effect).
 */
export async function dryRunWorkflow(
  platform: Platform,
  applicationId: string,
  workflowId: string,
  candidateInput: unknown,
  limit: number,
) {
  await getWorkflow(platform, applicationId, workflowId);
  const candidate: WorkflowDefinition = platform.checks.validateWorkflow(candidateInput);
  const decided = await risk.recentDecisions(platform.database.db, { applicationId, workflowId, limit });
  const lookup = (t: string) => platform.checks.get(t);
  const transitions: Record<string, number> = {};
  // A session the pipeline gave up on has no check results to re-decide from: it is counted, not compared.
  const usable = decided.filter((d) => d.decision.checks.length > 0);
  const sessions: DryRunSession[] = usable.map((d) => {
    const stored: Decision = d.decision;
    const types = new Set(candidate.checks.map((c) => c.type));
    const results = stored.checks.filter((r) => types.has(r.type));
    const ran = new Set(stored.checks.map((r) => r.type));
    const next = decide(candidate.checks, results, lookup, stored.decidedAt, candidate.rules ?? []);
    const changed = next.status !== stored.status;
    if (changed) {
      const key = `${stored.status}→${next.status}`;
      transitions[key] = (transitions[key] ?? 0) + 1;
    }
    return {
      sessionId: d.sessionId,
      workflowVersion: d.workflowVersion,
      decidedAt: d.decidedAt.toISOString(),
      decidedBy: stored.decidedBy === 'engine' ? 'engine' : 'reviewer',
      current: { status: stored.status, reasons: stored.reasons.map((r) => r.code) },
      candidate: { status: next.status, reasons: next.reasons.map((r) => r.code) },
      changed,
      notRun: [...types].filter((t) => !ran.has(t)),
    };
  });
  return {
    workflowId,
    evaluated: sessions.length,
    skipped: decided.length - usable.length,
    changed: sessions.filter((s) => s.changed).length,
    transitions,
    sessions,
  };
}
