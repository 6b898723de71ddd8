import { createHash } from 'node:crypto';
import { DomainError, type Workflow, type WorkflowCheck } from '@openidv/domain';
import { workflows } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';
import { createWorkflow } from './manage-workflows.ts';

/**
 * The workflow a session should run when the request that creates it switches checks on or off (vendor APIs
 * take such per-session options, e.g. iDenfy's `checkAml` or `ageLimit`). Starts from the application's
 * default workflow and applies `edit` to its checks; an unchanged list runs the default itself. A changed list
 * becomes a (non-default) workflow of its own, named after the base and a digest of its definition, so the same
 * options reuse one workflow and every session keeps pointing at the exact definition it ran. Workflows are
 * versioned, so a later change of the default yields a new variant rather than altering past sessions.
 */
export async function workflowVariant(
  platform: Platform,
  applicationId: string,
  label: string,
  edit: (checks: WorkflowCheck[]) => WorkflowCheck[],
): Promise<Workflow> {
  const db = platform.database.db;
  const base = await workflows.findDefaultWorkflow(db, applicationId);
  if (!base) throw new DomainError('WORKFLOW_INVALID', 'The application has no default workflow.');
  const checks = edit(structuredClone(base.checks));
  if (JSON.stringify(checks) === JSON.stringify(base.checks)) return base;
  const definition = {
    ...(base.description !== undefined && { description: base.description }),
    ...(base.sessionLifetimeSeconds !== undefined && { sessionLifetimeSeconds: base.sessionLifetimeSeconds }),
    ...(base.rules !== undefined && { rules: base.rules }),
    checks,
  };
  const digest = createHash('sha256')
    .update(JSON.stringify({ base: base.id, version: base.version, definition }))
    .digest('hex')
    .slice(0, 12);
  const name = `${label}: ${base.name} [${digest}]`.slice(0, 200);
  const existing = (await workflows.listWorkflows(db, applicationId)).find((w) => w.name === name);
  if (existing) return existing;
  return createWorkflow(platform, applicationId, { ...definition, name }, false);
}
