import type { Answers, Questionnaire, QuestionnaireDefinition } from '@openidv/domain';
import type { DB } from '../database/schema.ts';
import type { Executor } from './applications.ts';
import * as versioned from './versioned.ts';
import { QUESTIONNAIRES } from './versioned.ts';

export async function insertQuestionnaire(
  db: Executor,
  q: { id: string; applicationId: string; definition: QuestionnaireDefinition; now: number },
): Promise<void> {
  await versioned.create(db, QUESTIONNAIRES, q, { title: q.definition.title });
}

/** A saved version, also of an archived questionnaire: sessions keep the version their workflow pinned. */
export async function findQuestionnaireVersion(
  db: Executor,
  id: string,
  version: number,
): Promise<QuestionnaireDefinition | undefined> {
  return versioned.findVersion<QuestionnaireDefinition>(db, QUESTIONNAIRES, id, version);
}

export async function findQuestionnaire(
  db: Executor,
  applicationId: string,
  id: string,
): Promise<Questionnaire | undefined> {
  const r = await versioned.findCurrent(db, QUESTIONNAIRES, applicationId, id);
  return r && toQuestionnaire(r);
}

export async function listQuestionnaires(db: Executor, applicationId: string): Promise<Questionnaire[]> {
  return (await versioned.listCurrent(db, QUESTIONNAIRES, applicationId)).map(toQuestionnaire);
}

/** Saves a new version; workflows (and so sessions) keep the version they pinned. */
export async function updateQuestionnaire(
  db: Executor,
  current: Questionnaire,
  definition: QuestionnaireDefinition,
  now: number,
): Promise<void> {
  await versioned.saveVersion(
    db,
    QUESTIONNAIRES,
    { id: current.id, version: current.version + 1, definition, now },
    { title: definition.title },
  );
}

/** Archives: gone from lists and from new workflows; its versions stay for the sessions that use them. */
export async function archiveQuestionnaire(
  db: Executor,
  applicationId: string,
  id: string,
  now: number,
): Promise<void> {
  await versioned.archive(db, QUESTIONNAIRES, applicationId, id, now);
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
