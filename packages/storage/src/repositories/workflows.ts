import type { Workflow, WorkflowDefinition } from '@openidv/domain';
import type { DB } from '../database/schema.ts';
import type { Executor } from './applications.ts';

export async function insertWorkflow(
  db: Executor,
  w: { id: string; applicationId: string; definition: WorkflowDefinition; isDefault: boolean; now: number },
): Promise<void> {
  await db
    .insertInto('workflows')
    .values({
      id: w.id,
      application_id: w.applicationId,
      name: w.definition.name,
      definition: JSON.stringify(w.definition),
      is_default: w.isDefault ? 1 : 0,
      version: 1,
      created_at: w.now,
      updated_at: w.now,
      deleted_at: null,
    })
    .execute();
  await insertVersion(db, w.id, 1, w.definition, w.now);
}

async function insertVersion(
  db: Executor,
  id: string,
  version: number,
  definition: WorkflowDefinition,
  now: number,
) {
  await db
    .insertInto('workflow_versions')
    .values({ workflow_id: id, version, definition: JSON.stringify(definition), created_at: now })
    .execute();
}

/** The definition a session runs: the version it was created with. */
export async function findWorkflowVersion(
  db: Executor,
  id: string,
  version: number,
): Promise<WorkflowDefinition | undefined> {
  const r = await db
    .selectFrom('workflow_versions')
    .select('definition')
    .where('workflow_id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return r && (JSON.parse(r.definition) as WorkflowDefinition);
}

export async function findWorkflow(
  db: Executor,
  applicationId: string,
  id: string,
): Promise<Workflow | undefined> {
  const r = await db
    .selectFrom('workflows')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
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
  const rows = await db
    .selectFrom('workflows')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map(toWorkflow);
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
  await db
    .updateTable('workflows')
    .set({
      name: definition.name,
      definition: JSON.stringify(definition),
      version: current.version + 1,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
  await insertVersion(db, id, current.version + 1, definition, now);
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
  await db
    .updateTable('workflows')
    .set({ deleted_at: now })
    .where('application_id', '=', applicationId)
    .where('id', '=', id)
    .execute();
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
