import {
  DomainError,
  newId,
  type Questionnaire,
  validateQuestionnaireDefinition,
  type WorkflowDefinition,
} from '@openidv/domain';
import { questionnaires, workflows } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';

export async function createQuestionnaire(platform: Platform, applicationId: string, input: unknown) {
  const definition = validateQuestionnaireDefinition(input);
  const now = platform.now().getTime();
  const id = newId('qst', now);
  await questionnaires.insertQuestionnaire(platform.database.db, { id, applicationId, definition, now });
  return getQuestionnaire(platform, applicationId, id);
}

export async function getQuestionnaire(
  platform: Platform,
  applicationId: string,
  id: string,
): Promise<Questionnaire> {
  const q = await questionnaires.findQuestionnaire(platform.database.db, applicationId, id);
  if (!q) throw new DomainError('NOT_FOUND', `No questionnaire ${id}.`);
  return q;
}

/** A new version; workflows keep the version they pinned until they are saved pointing at the new one. */
export async function updateQuestionnaire(
  platform: Platform,
  applicationId: string,
  id: string,
  input: unknown,
) {
  const definition = validateQuestionnaireDefinition(input);
  await platform.database.db.transaction().execute(async (tx) => {
    const current = await questionnaires.findQuestionnaire(tx, applicationId, id);
    if (!current) throw new DomainError('NOT_FOUND', `No questionnaire ${id}.`);
    await questionnaires.updateQuestionnaire(tx, current, definition, platform.now().getTime());
  });
  return getQuestionnaire(platform, applicationId, id);
}

/** Archives the questionnaire; refused while a workflow still asks it, so no new session can point at it. */
export async function archiveQuestionnaire(platform: Platform, applicationId: string, id: string) {
  await getQuestionnaire(platform, applicationId, id);
  const users = (await workflows.listWorkflows(platform.database.db, applicationId)).filter(
    (w) => w.questionnaire?.id === id,
  );
  if (users.length) {
    throw new DomainError(
      'QUESTIONNAIRE_IN_USE',
      `The workflow${users.length > 1 ? 's' : ''} ${users.map((w) => w.id).join(', ')} use${users.length > 1 ? '' : 's'} this questionnaire.`,
      { workflows: users.map((w) => w.id) },
    );
  }
  await questionnaires.archiveQuestionnaire(
    platform.database.db,
    applicationId,
    id,
    platform.now().getTime(),
  );
}

/**
 * Resolves a workflow's questionnaire reference before it is saved: the questionnaire must exist in the
 * application, and the version is pinned (the current one when none is given), so later edits of the
 * questionnaire do not change what sessions of this workflow version ask.
 */
export async function pinQuestionnaire(
  platform: Platform,
  applicationId: string,
  definition: WorkflowDefinition,
): Promise<WorkflowDefinition> {
  const ref = definition.questionnaire;
  if (!ref) return definition;
  // A completed eID sign-in submits the session at once, so questions placed after the capture would never be asked.
  if (ref.placement === 'after-capture' && definition.checks.some((c) => c.type === 'eid')) {
    const problem =
      'questionnaire.placement: a workflow that offers eID asks its questionnaire "before-capture"; an eID sign-in submits the session as soon as it completes';
    throw new DomainError('WORKFLOW_INVALID', problem, { problems: [problem] });
  }
  const q = await questionnaires.findQuestionnaire(platform.database.db, applicationId, ref.id);
  if (!q) {
    throw new DomainError('WORKFLOW_INVALID', `questionnaire.id: no questionnaire "${ref.id}"`, {
      problems: [`questionnaire.id: no questionnaire "${ref.id}"`],
    });
  }
  if (ref.version !== undefined && ref.version > q.version) {
    const problem = `questionnaire.version: "${ref.id}" has no version ${ref.version} (latest: ${q.version})`;
    throw new DomainError('WORKFLOW_INVALID', problem, { problems: [problem] });
  }
  return { ...definition, questionnaire: { ...ref, version: ref.version ?? q.version } };
}
