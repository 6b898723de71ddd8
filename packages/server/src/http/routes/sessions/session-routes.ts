import { DomainError, SESSION_STATUSES, SESSION_TYPES } from '@openidv/domain';
import { media as mediaRepo, sessions as sessionsRepo } from '@openidv/storage';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../../platform/platform.ts';
import { issueLivenessChallenge } from '../../../usecases/liveness/issue-challenge.ts';
import { presentAnswers } from '../../../usecases/questionnaires/answer-questionnaire.ts';
import { addCollectedData, collectedDataInput } from '../../../usecases/sessions/add-collected-data.ts';
import { addMedia, UPLOAD_CONTEXTS, type UploadContext } from '../../../usecases/sessions/add-media.ts';
import { changeSessionStatus } from '../../../usecases/sessions/change-session-status.ts';
import { createSession, createSessionInput } from '../../../usecases/sessions/create-session.ts';
import { deleteSession } from '../../../usecases/sessions/delete-session.ts';
import { findSessionOrThrow } from '../../../usecases/sessions/find-session.ts';
import { presentDecision, presentSession } from '../../../usecases/sessions/present-session.ts';
import { actorOf, requireAuth } from '../../auth.ts';
import { errorResponses } from '../../errors.ts';
import {
  attemptSchema,
  decisionSchema,
  eventSchema,
  idParams,
  mediaSchema,
  pageSchema,
  sessionSchema,
} from '../../schemas/resources.ts';
import { base64Content, jsonOrMultipartValidator, readUploads } from '../../uploads.ts';

const tags = ['Sessions'];

export function sessionRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const present = (s: Parameters<typeof presentSession>[0]) => presentSession(s, platform.config.publicUrl);

  r.post(
    '/sessions',
    {
      schema: {
        tags,
        summary: 'Create a verification session',
        description:
          'Returns the session with `url`, the link to send the applicant to (redirect, button, iFrame or QR code). Send `Idempotency-Key` to make retries safe.',
        body: createSessionInput,
        response: { 201: sessionSchema, ...errorResponses(400, 401, 404, 409, 422, 429) },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const session = await createSession(platform, auth.applicationId, request.body, actorOf(request));
      return reply.code(201).send(present(session));
    },
  );

  r.get(
    '/sessions',
    {
      schema: {
        tags,
        summary: 'List sessions, newest first',
        querystring: z.object({
          status: z
            .string()
            .optional()
            .describe(`Comma-separated statuses: ${SESSION_STATUSES.join(', ')}.`)
            .refine(
              (s) =>
                s === undefined ||
                s.split(',').every((x) => (SESSION_STATUSES as readonly string[]).includes(x)),
              `must be a comma-separated list of: ${SESSION_STATUSES.join(', ')}`,
            ),
          vendorData: z.string().max(1000).optional(),
          type: z.enum(SESSION_TYPES).optional().describe('Only sessions of this type.'),
          createdFrom: z.iso.datetime({ offset: true }).optional(),
          createdTo: z.iso.datetime({ offset: true }).optional(),
          cursor: z.string().max(64).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: pageSchema(sessionSchema), ...errorResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const q = request.query;
      const rows = await sessionsRepo.listSessions(platform.database.db, auth.applicationId, {
        ...(q.status && { status: q.status.split(',') as (typeof SESSION_STATUSES)[number][] }),
        ...(q.vendorData !== undefined && { vendorData: q.vendorData }),
        ...(q.type && { type: q.type }),
        ...(q.createdFrom && { createdFrom: new Date(q.createdFrom) }),
        ...(q.createdTo && { createdTo: new Date(q.createdTo) }),
        ...(q.cursor && { cursor: q.cursor }),
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      return { data: page.map(present), nextCursor: rows.length > q.limit ? page.at(-1)!.id : null };
    },
  );

  r.get(
    '/sessions/:id',
    {
      schema: {
        tags,
        summary: 'Get a session',
        description: 'A deleted session answers with its tombstone (personal data erased, `deletedAt` set).',
        params: idParams,
        response: { 200: sessionSchema, ...errorResponses(401, 404, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      return present(
        await findSessionOrThrow(platform, auth.applicationId, request.params.id, { allowDeleted: true }),
      );
    },
  );

  r.patch(
    '/sessions/:id',
    {
      schema: {
        tags,
        summary: 'Submit or cancel a session',
        description:
          '`{"status":"submitted"}` queues the checks; `{"status":"cancelled"}` cancels. Any other change is `409 INVALID_TRANSITION`.',
        params: idParams,
        body: z.object({ status: z.enum(['submitted', 'cancelled']) }).strict(),
        response: { 200: sessionSchema, ...errorResponses(400, 401, 404, 409, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const session = await findSessionOrThrow(platform, auth.applicationId, request.params.id);
      return present(await changeSessionStatus(platform, session, request.body.status, actorOf(request)));
    },
  );

  r.delete(
    '/sessions/:id',
    {
      schema: {
        tags,
        summary: 'Delete a session',
        description:
          "Erases the session's personal data and media; a tombstone (id, status, times, event types) remains for audit.",
        params: idParams,
        response: { 204: z.null().describe('Deleted.'), ...errorResponses(401, 404, 429) },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const session = await findSessionOrThrow(platform, auth.applicationId, request.params.id);
      await deleteSession(platform, session, actorOf(request));
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/sessions/:id/decision',
    {
      schema: {
        tags,
        summary: "Get the session's decision",
        description:
          '`status` is `pending` until decided. Poll it, or subscribe to the `session.decided` webhook.',
        params: idParams,
        response: { 200: decisionSchema, ...errorResponses(401, 404, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const session = await findSessionOrThrow(platform, auth.applicationId, request.params.id);
      const [attempt, answers] = await Promise.all([
        sessionsRepo.findAttempt(platform.database.db, session.currentAttemptId),
        presentAnswers(platform, session.id),
      ]);
      return presentDecision(session, attempt, answers ?? null);
    },
  );

  r.post(
    '/sessions/:id/liveness-challenge',
    {
      schema: {
        tags,
        summary: 'Issue the active-liveness challenge for the current attempt',
        description:
          'For workflows with an `active-liveness` check. The server draws the steps at random, once per attempt (asking again returns the same challenge). Send frames of the applicant doing them, in order, as `liveness` media after this call: frames older than the challenge, seen in another attempt, or showing another face fail the check.',
        params: idParams,
        response: {
          200: z
            .object({
              id: z.string(),
              steps: z
                .array(z.enum(['turn-left', 'turn-right', 'move-closer', 'move-back']))
                .describe(
                  "In order. Turns are the applicant's own left and right; send unmirrored camera frames.",
                ),
              issuedAt: z.string(),
            })
            .describe('The challenge.'),
          ...errorResponses(401, 404, 409, 429),
        },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const session = await findSessionOrThrow(platform, auth.applicationId, request.params.id);
      const c = await issueLivenessChallenge(platform, session, actorOf(request));
      return { id: c.id, steps: c.steps, issuedAt: c.issuedAt.toISOString() };
    },
  );

  r.get(
    '/sessions/:id/attempts',
    {
      schema: {
        tags,
        summary: "List the session's attempts",
        params: idParams,
        response: { 200: z.object({ data: z.array(attemptSchema) }), ...errorResponses(401, 404, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const session = await findSessionOrThrow(platform, auth.applicationId, request.params.id);
      const attempts = await sessionsRepo.listAttempts(platform.database.db, session.id);
      return {
        data: attempts.map((a) => ({
          id: a.id,
          number: a.number,
          status: a.status,
          createdAt: a.createdAt.toISOString(),
          submittedAt: a.submittedAt?.toISOString() ?? null,
          decidedAt: a.decidedAt?.toISOString() ?? null,
          decisionStatus: a.decision?.status ?? null,
        })),
      };
    },
  );

  r.get(
    '/sessions/:id/events',
    {
      schema: {
        tags,
        summary: "The session's event timeline",
        params: idParams,
        response: { 200: z.object({ data: z.array(eventSchema) }), ...errorResponses(401, 404, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const session = await findSessionOrThrow(platform, auth.applicationId, request.params.id, {
        allowDeleted: true,
      });
      const events = await sessionsRepo.listEvents(platform.database.db, session.id);
      return {
        data: events.map((e) => ({
          id: e.id,
          type: e.type,
          data: e.data,
          actor: e.actor,
          createdAt: e.createdAt.toISOString(),
        })),
      };
    },
  );

  r.post(
    '/sessions/:id/collected-data',
    {
      schema: {
        tags,
        summary: 'Add data collected about the applicant',
        description: 'IP, user agent, device fingerprint, email and phone, for the risk checks.',
        params: idParams,
        body: collectedDataInput,
        response: {
          200: z.object({ collected: z.record(z.string(), z.unknown()) }),
          ...errorResponses(400, 401, 404, 409, 429),
        },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const session = await findSessionOrThrow(platform, auth.applicationId, request.params.id);
      return { collected: await addCollectedData(platform, session, request.body) };
    },
  );

  const mediaUrl = (sessionId: string, mediaId: string) =>
    `${platform.config.publicUrl}/v1/sessions/${sessionId}/media/${mediaId}`;
  const presentMedia = (m: Awaited<ReturnType<typeof mediaRepo.listMedia>>[number]) => ({
    id: m.id,
    sessionId: m.sessionId,
    attemptId: m.attemptId,
    context: m.context,
    mimeType: m.mimeType,
    size: m.size,
    sha256: m.sha256,
    createdAt: m.createdAt.toISOString(),
    url: mediaUrl(m.sessionId, m.id),
  });

  const jsonMedia = z
    .object({
      context: z.enum(UPLOAD_CONTEXTS),
      content: z.string().min(1).describe('The file, base64-encoded (a `data:` URL prefix is accepted).'),
    })
    .strict();

  r.post(
    '/sessions/:id/media',
    {
      // Base64 inflates by 4/3; the decoded size is checked against the upload limit.
      bodyLimit: Math.ceil((platform.config.uploadLimitBytes * 4) / 3) + 4096,
      schema: {
        tags,
        summary: 'Upload a photo or video',
        description: `Either \`multipart/form-data\` with fields \`context\` and \`file\`, or JSON \`{context, content}\` with base64 content. Contexts: ${UPLOAD_CONTEXTS.join(', ')}. The type is read from the bytes: JPEG, PNG, WebP, HEIC, AVIF (and MP4/WebM/QuickTime for liveness). After submission: \`409 SESSION_NOT_ACCEPTING_MEDIA\`.`,
        params: idParams,
        consumes: ['application/json', 'multipart/form-data'],
        body: jsonMedia.optional(),
        response: { 201: mediaSchema, ...errorResponses(400, 401, 404, 409, 413, 415, 429) },
      },
      validatorCompiler: jsonOrMultipartValidator,
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const session = await findSessionOrThrow(platform, auth.applicationId, request.params.id);
      const { files, fields } = await readUploads(request, ['file', 'content']);
      const bytes = files['file'] ?? files['content'];
      const context = fields['context'];
      if (!bytes)
        throw new DomainError(
          'VALIDATION_FAILED',
          'file: a file is required (multipart "file", or JSON "content").',
        );
      if (!context || !(UPLOAD_CONTEXTS as readonly string[]).includes(context)) {
        throw new DomainError('VALIDATION_FAILED', `context: must be one of ${UPLOAD_CONTEXTS.join(', ')}.`);
      }
      const row = await addMedia(
        platform,
        session,
        { context: context as UploadContext, bytes },
        actorOf(request),
      );
      return reply.code(201).send(presentMedia(row));
    },
  );

  r.get(
    '/sessions/:id/media',
    {
      schema: {
        tags,
        summary: "List the session's media",
        params: idParams,
        querystring: z.object({ attemptId: z.string().max(64).optional() }),
        response: { 200: z.object({ data: z.array(mediaSchema) }), ...errorResponses(401, 404, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const session = await findSessionOrThrow(platform, auth.applicationId, request.params.id);
      const rows = await mediaRepo.listMedia(platform.database.db, session.id, request.query.attemptId);
      return { data: rows.map(presentMedia) };
    },
  );

  r.get(
    '/sessions/:id/media/:mediaId',
    {
      schema: {
        tags,
        summary: 'Download a media file',
        description: 'The decrypted bytes with their sniffed content type.',
        params: z.object({ id: z.string().max(64), mediaId: z.string().max(64) }),
        response: { 200: z.any().describe('The file.'), ...errorResponses(401, 404, 429) },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const session = await findSessionOrThrow(platform, auth.applicationId, request.params.id);
      const row = await mediaRepo.findMedia(platform.database.db, session.id, request.params.mediaId);
      if (!row) throw new DomainError('NOT_FOUND', `No media ${request.params.mediaId}.`);
      const bytes = await platform.files.get(row.storageKey);
      return reply
        .type(row.mimeType)
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', `attachment; filename="${row.id}"`)
        .send(bytes);
    },
  );
}
