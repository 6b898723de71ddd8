import type { Answers, Questionnaire, QuestionnaireDefinition } from '@openidv/domain';
import type { DB } from '../database/schema.ts';
import type { Executor } from './applications.ts';

export async function insertQuestionnaire(
  db: Executor,
  q: { id: string; applicationId: string; definition: QuestionnaireDefinition; now: number },
): Promise<void> {
  await db
    .insertInto('questionnaires')
    .values({
      id: q.id,
      application_id: q.applicationId,
      title: q.definition.title,
      definition: JSON.stringify(q.definition),
      version: 1,
      created_at: q.now,
      updated_at: q.now,
      deleted_at: null,
    })
    .execute();
  await insertVersion(db, q.id, 1, q.definition, q.now);
}

async function insertVersion(
  db: Executor,
  id: string,
  version: number,
  definition: QuestionnaireDefinition,
  now: number,
) {
  await db
    .insertInto('questionnaire_versions')
    .values({ questionnaire_id: id, version, definition: JSON.stringify(definition), created_at: now })
    .execute();
}

/** A saved version, also of an archived questionnaire: sessions keep the version their workflow pinned. */
export async function findQuestionnaireVersion(
  db: Executor,
  id: string,
  version: number,
): Promise<QuestionnaireDefinition | undefined> {
  const r = await db
    .selectFrom('questionnaire_versions')
    .select('definition')
    .where('questionnaire_id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return r && (JSON.parse(r.definition) as QuestionnaireDefinition);
}

export async function findQuestionnaire(
  db: Executor,
  applicationId: string,
  id: string,
): Promise<Questionnaire | undefined> {
  const r = await db
    .selectFrom('questionnaires')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return r && toQuestionnaire(r);
}

export async function listQuestionnaires(db: Executor, applicationId: string): Promise<Questionnaire[]> {
  const rows = await db
    .selectFrom('questionnaires')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map(toQuestionnaire);
}

/** Saves a new version; workflows (and so sessions) keep the version they pinned. */
export async function updateQuestionnaire(
  db: Executor,
  current: Questionnaire,
  definition: QuestionnaireDefinition,
  now: number,
): Promise<void> {
  const version = current.version + 1;
  await db
    .updateTable('questionnaires')
    .set({ title: definition.title, definition: JSON.stringify(definition), version, updated_at: now })
    .where('id', '=', current.id)
    .execute();
  await insertVersion(db, current.id, version, definition, now);
}

/** Archives: gone from lists and from new workflows; its versions stay for the sessions that use them. */
export async function archiveQuestionnaire(
  db: Executor,
  applicationId: string,
  id: string,
  now: number,
): Promise<void> {
  await db
    .updateTable('questionnaires')
    .set({ deleted_at: now })
    .where('application_id', '=', applicationId)
    .where('id', '=', id)
    .execute();
}

export interface QuestionnaireAnswersRow {
  sessionId: string;
  questionnaireId: string;
  questionnaireVersion: number;
  answers: Answers;
  createdAt: Date;
  updatedAt: Date;
}

/** One set of answers per session; answering again (before submission) replaces it. */
export async function saveAnswers(
  db: Executor,
  a: {
    sessionId: string;
    applicationId: string;
    questionnaireId: string;
    questionnaireVersion: number;
    answers: Answers;
    now: number;
  },
): Promise<void> {
  const answers = JSON.stringify(a.answers);
  await db
    .insertInto('questionnaire_answers')
    .values({
      session_id: a.sessionId,
      application_id: a.applicationId,
      questionnaire_id: a.questionnaireId,
      questionnaire_version: a.questionnaireVersion,
      answers,
      created_at: a.now,
      updated_at: a.now,
    })
    .onConflict((oc) =>
      oc.column('session_id').doUpdateSet({
        questionnaire_id: a.questionnaireId,
        questionnaire_version: a.questionnaireVersion,
        answers,
        updated_at: a.now,
      }),
    )
    .execute();
}

export async function findAnswers(
  db: Executor,
  sessionId: string,
): Promise<QuestionnaireAnswersRow | undefined> {
  const r = await db
    .selectFrom('questionnaire_answers')
    .selectAll()
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
  return (
    r && {
      sessionId: r.session_id,
      questionnaireId: r.questionnaire_id,
      questionnaireVersion: Number(r.questionnaire_version),
      answers: JSON.parse(r.answers) as Answers,
      createdAt: new Date(Number(r.created_at)),
      updatedAt: new Date(Number(r.updated_at)),
    }
  );
}

/** Erasing a session erases its answers. */
export async function deleteAnswersBySession(db: Executor, sessionId: string): Promise<void> {
  await db.deleteFrom('questionnaire_answers').where('session_id', '=', sessionId).execute();
}

function toQuestionnaire(r: DB['questionnaires']): Questionnaire {
  const def = JSON.parse(r.definition) as QuestionnaireDefinition;
  return {
    ...def,
    id: r.id,
    applicationId: r.application_id,
    version: Number(r.version),
    createdAt: new Date(Number(r.created_at)),
    updatedAt: new Date(Number(r.updated_at)),
  };
}
