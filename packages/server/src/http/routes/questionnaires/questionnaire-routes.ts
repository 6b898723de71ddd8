import {
  DomainError,
  QUESTION_TYPES,
  type Questionnaire,
  questionnaireDefinitionSchema,
} from '@openidv/domain';
import { questionnaires } from '@openidv/storage';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../../platform/platform.ts';
import {
  answerQuestionnaire,
  presentAnswers,
} from '../../../usecases/questionnaires/answer-questionnaire.ts';
import {
  archiveQuestionnaire,
  createQuestionnaire,
  getQuestionnaire,
  updateQuestionnaire,
} from '../../../usecases/questionnaires/manage-questionnaires.ts';
import { findSessionOrThrow } from '../../../usecases/sessions/find-session.ts';
import { actorOf, requireAuth } from '../../auth.ts';
import { errorResponses } from '../../errors.ts';
import { idParams } from '../../schemas/resources.ts';

const tags = ['Questionnaires'];

const EXAMPLE = {
  title: 'About you',
  questions: [
    { id: 'occupation', type: 'short_text', label: 'Your occupation', required: true },
    { id: 'pep', type: 'yes_no', label: 'Are you a politically exposed person?', required: true },
    {
      id: 'pep_role',
      type: 'long_text',
      label: 'Which public function do you hold?',
      required: true,
      showIf: { question: 'pep', equals: true },
    },
  ],
  translations: { de: { title: 'Über Sie', questions: { occupation: { label: 'Ihr Beruf' } } } },
};

/**
 * The body is taken as any object and checked by the domain's validator, so that every problem (a bad
 * reference, a cycle) comes back in one QUESTIONNAIRE_INVALID with stable wording; the schema documents it.
 */
const questionnaireInput = z
  .record(z.string(), z.unknown())
  .describe(
    `A questionnaire definition: {title, description?, questions: [{id, type (${QUESTION_TYPES.join(', ')}), label, help?, required, options?: [{value,label}], validation?: {min,max,pattern,minDate,maxDate}, showIf?: {question, equals | in}}], translations?: {<lang>: {title?, description?, questions?: {<id>: {label?, help?, options?: {<value>: label}}}}}}. See the Questionnaire schema.`,
  )
  .meta({ example: EXAMPLE });

export const questionnaireSchema = questionnaireDefinitionSchema
  .extend({
    id: z.string(),
    version: z.number().int().describe('Raised by every update; workflows pin one.'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Questionnaire' });

export const answersSchema = z
  .object({
    questionnaireId: z.string(),
    questionnaireVersion: z.number().int(),
    answers: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]))
      .describe(
        'By question id: texts, dates (YYYY-MM-DD), emails, phones (E.164), countries (ISO alpha-2) and single choices as strings; numbers; yes/no as booleans; multiple choices as lists.',
      ),
    answeredAt: z.string(),
  })
  .meta({ id: 'QuestionnaireAnswers' });

export const answersInput = z
  .object({
    answers: z
      .record(z.string(), z.unknown())
      .describe(
        'By question id. Answers to questions hidden by branching are dropped (listed in `dropped`); unknown ids are refused.',
      ),
  })
  .strict();

export const answersResult = answersSchema.extend({
  dropped: z.array(z.string()).describe('Questions answered although branching hides them; not stored.'),
});

export function presentQuestionnaire(q: Questionnaire) {
  return {
    title: q.title,
    ...(q.description !== undefined && { description: q.description }),
    questions: q.questions,
    ...(q.translations !== undefined && { translations: q.translations }),
    id: q.id,
    version: q.version,
    createdAt: q.createdAt.toISOString(),
    updatedAt: q.updatedAt.toISOString(),
  };
}

export function questionnaireRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/questionnaires',
    {
      schema: {
        tags,
        summary: 'Create a questionnaire',
        description:
          'Checked on save: question ids unique, options for choice questions, validations that fit the type, branching only on existing questions and without cycles. Any problem: `400 QUESTIONNAIRE_INVALID` with `details.problems`.',
        body: questionnaireInput,
        response: { 201: questionnaireSchema, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      return reply
        .code(201)
        .send(presentQuestionnaire(await createQuestionnaire(platform, auth.applicationId, request.body)));
    },
  );

  r.get(
    '/questionnaires',
    {
      schema: {
        tags,
        summary: 'List questionnaires',
        description: 'The current version of each questionnaire that is not archived.',
        response: { 200: z.object({ data: z.array(questionnaireSchema) }), ...errorResponses(401, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const list = await questionnaires.listQuestionnaires(platform.database.db, auth.applicationId);
      return { data: list.map(presentQuestionnaire) };
    },
  );

  r.get(
    '/questionnaires/:id',
    {
      schema: {
        tags,
        summary: 'Get a questionnaire',
        params: idParams,
        response: { 200: questionnaireSchema, ...errorResponses(401, 404, 429) },
      },
    },
    async (request) =>
      presentQuestionnaire(
        await getQuestionnaire(platform, requireAuth(request).applicationId, request.params.id),
      ),
  );

  r.put(
    '/questionnaires/:id',
    {
      schema: {
        tags,
        summary: 'Replace a questionnaire (a new version)',
        description:
          'Workflows keep the version they pinned (so running sessions keep their questions); save a workflow again to move it to the new version.',
        params: idParams,
        body: questionnaireInput,
        response: { 200: questionnaireSchema, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) =>
      presentQuestionnaire(
        await updateQuestionnaire(
          platform,
          requireAuth(request).applicationId,
          request.params.id,
          request.body,
        ),
      ),
  );

  r.delete(
    '/questionnaires/:id',
    {
      schema: {
        tags,
        summary: 'Archive a questionnaire',
        description:
          'It disappears from lists and cannot be given to workflows; sessions that use one of its versions keep it. Refused with `409 QUESTIONNAIRE_IN_USE` while a workflow uses it.',
        params: idParams,
        response: { 204: z.null(), ...errorResponses(401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      await archiveQuestionnaire(platform, requireAuth(request).applicationId, request.params.id);
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/sessions/:id/questionnaire-answers',
    {
      schema: {
        tags,
        summary: "Answer the session's questionnaire",
        description:
          "For integrators who ask the questions themselves (the journey answers through its own token-authenticated endpoint). Checked against the questionnaire version the session's workflow pinned: required questions, types, validations, phones (libphonenumber), countries (ISO 3166-1), branching. Replaces earlier answers; only until the session is submitted.",
        params: idParams,
        body: answersInput,
        response: { 200: answersResult, ...errorResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const session = await findSessionOrThrow(platform, auth.applicationId, request.params.id);
      return answerQuestionnaire(platform, session, request.body.answers, actorOf(request));
    },
  );

  r.get(
    '/sessions/:id/questionnaire-answers',
    {
      schema: {
        tags,
        summary: "The session's questionnaire answers",
        description: '`404 NOT_FOUND` until answered, and after the session is deleted (answers are erased).',
        params: idParams,
        response: { 200: answersSchema, ...errorResponses(401, 404, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const session = await findSessionOrThrow(platform, auth.applicationId, request.params.id);
      const answers = await presentAnswers(platform, session.id);
      if (!answers) throw new DomainError('NOT_FOUND', 'The questionnaire has not been answered.');
      return answers;
    },
  );
}
