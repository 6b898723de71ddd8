import type { Workflow, WorkflowDefinition } from '@openidv/domain';
import type { DB } from '../database/schema.ts';
import type { Executor } from './applications.ts';
import * as versioned from './versioned.ts';
import { WORKFLOWS } from './versioned.ts';

export async function insertWorkflow(
  db: Executor,
  w: { id: string; applicationId: string; definition: WorkflowDefinition; isDefault: boolean; now: number },
): Promise<void> {
  await versioned.create(db, WORKFLOWS, w, { name: w.definition.name, is_default: w.isDefault ? 1 : 0 });
}

/** The definition a session runs: the version it was created with. */
export async function findWorkflowVersion(
  db: Executor,
  id: string,
  version: number,
): Promise<WorkflowDefinition | undefined> {
  return versioned.findVersion<WorkflowDefinition>(db, WORKFLOWS, id, version);
}

export async function findWorkflow(
  db: Executor,
  applicationId: string,
  id: string,
): Promise<Workflow | undefined> {
  const r = await versioned.findCurrent(db, WORKFLOWS, applicationId, id);
  return r && toWorkflow(r);
}

export async function findDefaultWorkflow(
  db: Executor,
  applicationId: string,
): Promise<Workflow | undefined> {
  const r = await db
    .selectFrom('workflows')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('is_default', '=', 1)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return r && toWorkflow(r);
}

export async function listWorkflows(db: Executor, applicationId: string): Promise<Workflow[]> {
  return (await versioned.listCurrent(db, WORKFLOWS, applicationId)).map(toWorkflow);
}

/** Saves a new version of the definition; sessions already created keep the version they started with. */
export async function updateWorkflow(
  db: Executor,
  applicationId: string,
  id: string,
  definition: WorkflowDefinition,
  now: number,
): Promise<void> {
  const current = await findWorkflow(db, applicationId, id);
  if (!current) return;
  await versioned.saveVersion(
    db,
    WORKFLOWS,
    { id, version: current.version + 1, definition, now },
    { name: definition.name },
  );
}

export async function setDefaultWorkflow(
  db: Executor,
  applicationId: string,
  id: string,
  now: number,
): Promise<void> {
  await db
    .updateTable('workflows')
    .set({ is_default: 0, updated_at: now })
    .where('application_id', '=', applicationId)
    .where('is_default', '=', 1)
    .execute();
  await db
    .updateTable('workflows')
    .set({ is_default: 1, updated_at: now })
    .where('application_id', '=', applicationId)
    .where('id', '=', id)
    .execute();
}

export async function deleteWorkflow(
  db: Executor,
  applicationId: string,
  id: string,
  now: number,
): Promise<void> {
  await versioned.archive(db, WORKFLOWS, applicationId, id, now);
}

function toWorkflow(r: DB['workflows']): Workflow {
  const def = JSON.parse(r.definition) as WorkflowDefinition;
  return {
    ...def,
    id: r.id,
    applicationId: r.application_id,
    isDefault: r.is_default === 1,
    version: Number(r.version),
    createdAt: new Date(Number(r.created_at)),
    updatedAt: new Date(Number(r.updated_at)),
  };
}
