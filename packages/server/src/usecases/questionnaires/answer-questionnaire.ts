import {
  type AnswerNormalizers,
  checkAnswers,
  DomainError,
  newId,
  type QuestionnaireDefinition,
  type Session,
} from '@openidv/domain';
import { type Executor, questionnaires, sessions, workflows } from '@openidv/storage';
import countries from 'i18n-iso-countries';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Platform } from '../../platform/platform.ts';
import { assertAcceptsChanges } from '../sessions/add-media.ts';

export interface SessionQuestionnaire {
  id: string;
  version: number;
  placement: 'before-capture' | 'after-capture';
  definition: QuestionnaireDefinition;
}

/** The questionnaire of the session's workflow version, at the version that workflow version pinned. */
export async function sessionQuestionnaire(
  platform: Platform,
  session: Pick<Session, 'workflowId' | 'workflowVersion'>,
): Promise<SessionQuestionnaire | null> {
  const workflow = await workflows.findWorkflowVersion(
    platform.database.db,
    session.workflowId,
    session.workflowVersion,
  );
  const ref = workflow?.questionnaire;
  if (!ref?.version) return null;
  const definition = await questionnaires.findQuestionnaireVersion(platform.database.db, ref.id, ref.version);
  return definition ? { id: ref.id, version: ref.version, placement: ref.placement, definition } : null;
}

/** Phones must be valid for their numbering plan (with a country code); countries are ISO 3166-1. */
export const answerNormalizers: AnswerNormalizers = {
  phone(value) {
    const phone = parsePhoneNumberFromString(value.trim());
    return phone?.isValid() ? phone.number : null;
  },
  country(value) {
    const code = value.trim().toUpperCase();
    if (/^[A-Z]{2}$/.test(code)) return countries.isValid(code) ? code : null;
    if (/^[A-Z]{3}$/.test(code)) return countries.alpha3ToAlpha2(code) ?? null;
    return null;
  },
};

/**
 * Stores the applicant's answers after checking them against the session's questionnaire. Like photos, they
 * can be given (and given again) until the session is submitted.
 */
export async function answerQuestionnaire(
  platform: Platform,
  session: Session,
  input: Record<string, unknown>,
  actor: string,
) {
  const now = platform.now();
  assertAcceptsChanges(session, now, 'Answers');
  const q = await sessionQuestionnaire(platform, session);
  if (!q) throw new DomainError('NO_QUESTIONNAIRE', "The session's workflow has no questionnaire.");
  const { answers, dropped } = checkAnswers(q.definition, input, answerNormalizers);
  await platform.database.db.transaction().execute(async (tx) => {
    await questionnaires.saveAnswers(tx, {
      sessionId: session.id,
      applicationId: session.applicationId,
      questionnaireId: q.id,
      questionnaireVersion: q.version,
      answers,
      now: now.getTime(),
    });
    // The timeline says that and what was answered, never the answers themselves.
    await sessions.insertEvent(tx, {
      id: newId('evt', now.getTime()),
      applicationId: session.applicationId,
      sessionId: session.id,
      type: 'questionnaire.answered',
      data: { questionnaireId: q.id, version: q.version, answered: Object.keys(answers) },
      actor,
      createdAt: now,
    });
  });
  return { ...(await presentAnswers(platform, session.id))!, dropped };
}

export async function presentAnswers(
  platform: Platform,
  sessionId: string,
  db: Executor = platform.database.db,
) {
  const row = await questionnaires.findAnswers(db, sessionId);
  return (
    row && {
      questionnaireId: row.questionnaireId,
      questionnaireVersion: row.questionnaireVersion,
      answers: row.answers,
      answeredAt: row.updatedAt.toISOString(),
    }
  );
}
