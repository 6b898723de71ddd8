import { DomainError, newId, type Workflow } from '@openidv/domain';
import { workflows } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';
import { pinQuestionnaire } from '../questionnaires/manage-questionnaires.ts';

export async function createWorkflow(
  platform: Platform,
  applicationId: string,
  input: unknown,
  isDefault: boolean,
) {
  const definition = await pinQuestionnaire(platform, applicationId, platform.checks.validateWorkflow(input));
  const now = platform.now().getTime();
  const id = newId('wf', now);
  await platform.database.db.transaction().execute(async (tx) => {
    await workflows.insertWorkflow(tx, { id, applicationId, definition, isDefault: false, now });
    if (isDefault) await workflows.setDefaultWorkflow(tx, applicationId, id, now);
  });
  return getWorkflow(platform, applicationId, id);
}

export async function getWorkflow(platform: Platform, applicationId: string, id: string): Promise<Workflow> {
  const w = await workflows.findWorkflow(platform.database.db, applicationId, id);
  if (!w) throw new DomainError('NOT_FOUND', `No workflow ${id}.`);
  return w;
}

/** A new version; sessions already created keep running the version they started with. */
export async function updateWorkflow(
  platform: Platform,
  applicationId: string,
  id: string,
  input: unknown,
  isDefault: boolean | undefined,
) {
  await getWorkflow(platform, applicationId, id);
  const definition = await pinQuestionnaire(platform, applicationId, platform.checks.validateWorkflow(input));
  const now = platform.now().getTime();
  await platform.database.db.transaction().execute(async (tx) => {
    await workflows.updateWorkflow(tx, applicationId, id, definition, now);
    if (isDefault) await workflows.setDefaultWorkflow(tx, applicationId, id, now);
  });
  return getWorkflow(platform, applicationId, id);
}

export async function deleteWorkflow(platform: Platform, applicationId: string, id: string) {
  const w = await getWorkflow(platform, applicationId, id);
  if (w.isDefault) {
    throw new DomainError(
      'WORKFLOW_IN_USE',
      'The default workflow cannot be deleted; make another one the default first.',
    );
  }
  await workflows.deleteWorkflow(platform.database.db, applicationId, id, platform.now().getTime());
}
