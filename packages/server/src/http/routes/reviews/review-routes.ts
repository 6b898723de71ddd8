import { DECISION_STATUSES, SESSION_STATUSES } from '@openidv/domain';
import { type CaseRow, type ClaimRow, media as mediaRepo, reviews, sessions } from '@openidv/storage';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../../platform/platform.ts';
import {
  addNote,
  CLAIM_TTL_MS,
  claimCase,
  claimNextCase,
  DECLINE_REASONS,
  RESUBMISSION_REASONS,
  RESUBMIT_STEPS,
  releaseCase,
  reviewInput,
  reviewSession,
} from '../../../usecases/reviews/review-session.ts';
import { findSessionOrThrow } from '../../../usecases/sessions/find-session.ts';
import { presentDecision, presentSession } from '../../../usecases/sessions/present-session.ts';
import { actorInfo, requireAuth } from '../../auth.ts';
import { errorResponses } from '../../errors.ts';
import {
  attemptSchema,
  decisionSchema,
  eventSchema,
  idParams,
  mediaSchema,
  sessionSchema,
} from '../../schemas/resources.ts';

const tags = ['Reviews'];

const claimSchema = z
  .object({
    claimedBy: z.string().describe('`staff:<id>` or `api:<key id>`.'),
    claimedByLabel: z.string().nullable().describe("The staff user's email."),
    claimedAt: z.string(),
    expiresAt: z.string().describe('The claim lapses then unless renewed by claiming again.'),
  })
  .meta({ id: 'ReviewClaim' });

export const caseSummarySchema = z
  .object({
    id: z.string(),
    status: z.enum(SESSION_STATUSES),
    workflowId: z.string(),
    workflowVersion: z.number().int(),
    vendorData: z.string().nullable(),
    attempt: z.number().int(),
    name: z.string().nullable().describe('Name read from the document, else the expected name.'),
    documentNumber: z.string().nullable(),
    documentCountry: z.string().nullable(),
    decisionStatus: z.string().nullable(),
    decidedBy: z.unknown().describe('`engine`, `{reviewer}` or null.'),
    reasonCodes: z.array(z.string()),
    riskLabels: z.array(z.string()),
    createdAt: z.string(),
    submittedAt: z.string().nullable(),
    decidedAt: z.string().nullable(),
    claim: claimSchema.nullable(),
  })
  .meta({ id: 'CaseSummary' });

export const auditEntrySchema = z
  .object({
    id: z.string(),
    actor: z.string().describe('`staff:<id>`, `api:<key id>` or `system`.'),
    actorLabel: z.string().nullable(),
    action: z
      .string()
      .describe(
        'e.g. review.approve, review.decline, review.resubmit, review.note, review.claim, staff.create.',
      ),
    targetType: z.string(),
    targetId: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    createdAt: z.string(),
  })
  .meta({ id: 'AuditEntry' });

export function presentClaim(c: Pick<ClaimRow, 'actor' | 'actorLabel' | 'claimedAt' | 'expiresAt'> | null) {
  return c
    ? {
        claimedBy: c.actor,
        claimedByLabel: c.actorLabel,
        claimedAt: c.claimedAt.toISOString(),
        expiresAt: c.expiresAt.toISOString(),
      }
    : null;
}

function presentCase(c: CaseRow) {
  const expectedName = [c.expected.person?.['firstName'], c.expected.person?.['lastName']]
    .filter((x) => typeof x === 'string')
    .join(' ');
  const readName = [c.firstName, c.lastName].filter(Boolean).join(' ');
  return {
    id: c.id,
    status: c.status as (typeof SESSION_STATUSES)[number],
    workflowId: c.workflowId,
    workflowVersion: c.workflowVersion,
    vendorData: c.vendorData,
    attempt: c.attemptCount,
    name: readName || expectedName || null,
    documentNumber: c.documentNumber ?? ((c.expected.document?.['number'] as string | undefined) || null),
    documentCountry: c.documentCountry,
    decisionStatus: c.decisionStatus,
    decidedBy: c.decidedBy,
    reasonCodes: c.reasonCodes,
    riskLabels: c.riskLabels,
    createdAt: c.createdAt.toISOString(),
    submittedAt: c.submittedAt?.toISOString() ?? null,
    decidedAt: c.decidedAt?.toISOString() ?? null,
    claim: presentClaim(c.claim),
  };
}

export function presentAudit(e: reviews.AuditEntry) {
  return {
    id: e.id,
    actor: e.actor,
    actorLabel: e.actorLabel,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    before: e.before,
    after: e.after,
    createdAt: e.createdAt.toISOString(),
  };
}

const noteSchema = z
  .object({
    id: z.string(),
    actor: z.string(),
    actorLabel: z.string().nullable(),
    text: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'CaseNote' });

export function reviewRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = platform.database.db;

  r.get(
    '/cases',
    {
      schema: {
        tags,
        summary: 'Search sessions as cases',
        description:
          "Sessions with a summary of their current decision, newest first, for the console's list. `q` matches every word against the session id, vendorData, the expected name and document number and those read from the document.",
        querystring: z.object({
          q: z
            .string()
            .max(200)
            .optional()
            .describe('Words to find: name, document number, vendorData, session id.'),
          status: z
            .string()
            .optional()
            .describe(`Comma-separated session statuses: ${SESSION_STATUSES.join(', ')}.`)
            .refine(
              (s) =>
                s === undefined ||
                s.split(',').every((x) => (SESSION_STATUSES as readonly string[]).includes(x)),
              `must be a comma-separated list of: ${SESSION_STATUSES.join(', ')}`,
            ),
          decision: z.enum(DECISION_STATUSES).optional().describe("The current attempt's decision."),
          workflowId: z.string().max(64).optional(),
          riskLabel: z.string().max(100).optional(),
          createdFrom: z.iso.datetime({ offset: true }).optional(),
          createdTo: z.iso.datetime({ offset: true }).optional(),
          cursor: z.string().max(64).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: {
          200: z.object({
            data: z.array(caseSummarySchema),
            total: z.number().int().describe('How many cases match the filters.'),
            nextCursor: z.string().nullable(),
          }),
          ...errorResponses(400, 401, 403, 429),
        },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const q = request.query;
      const filter = {
        ...(q.q && { q: q.q }),
        ...(q.status && { status: q.status.split(',') }),
        ...(q.decision && { decision: q.decision }),
        ...(q.workflowId && { workflowId: q.workflowId }),
        ...(q.riskLabel && { riskLabel: q.riskLabel }),
        ...(q.createdFrom && { createdFrom: new Date(q.createdFrom).getTime() }),
        ...(q.createdTo && { createdTo: new Date(q.createdTo).getTime() }),
      };
      const now = platform.now().getTime();
      const [rows, total] = await Promise.all([
        reviews.listCases(
          db,
          platform.database.dialect,
          auth.applicationId,
          { ...filter, ...(q.cursor && { cursor: q.cursor }), limit: q.limit + 1 },
          now,
        ),
        reviews.countCases(db, platform.database.dialect, auth.applicationId, filter),
      ]);
      const page = rows.slice(0, q.limit);
      return {
        data: page.map(presentCase),
        total,
        nextCursor: rows.length > q.limit ? page.at(-1)!.id : null,
      };
    },
  );

  r.get(
    '/cases/:id',
    {
      schema: {
        tags,
        summary: 'Everything about one case',
        description:
          'The session, its current decision with every check result and its evidence, all attempts with their decisions, all media, the event timeline, notes, the claim and the audit trail — what a reviewer needs in one request.',
        params: idParams,
        response: {
          200: z
            .object({
              session: sessionSchema,
              decision: decisionSchema,
              attempts: z.array(attemptSchema.extend({ decision: decisionSchema.nullable() })),
              media: z.array(mediaSchema),
              events: z.array(eventSchema),
              collected: z.record(z.string(), z.unknown()).describe('IP, device and contact data collected.'),
              notes: z.array(noteSchema),
              audit: z.array(auditEntrySchema),
              claim: claimSchema.nullable(),
              earlierSessions: z
                .array(z.object({ id: z.string(), status: z.string(), createdAt: z.string() }))
                .describe('Other sessions with the same vendorData, newest first.'),
            })
            .meta({ id: 'Case' }),
          ...errorResponses(401, 403, 404, 429),
        },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const session = await findSessionOrThrow(platform, auth.applicationId, request.params.id, {
        allowDeleted: true,
      });
      const [attempts, media, events, audit, claim, earlier] = await Promise.all([
        sessions.listAttempts(db, session.id),
        mediaRepo.listMedia(db, session.id),
        sessions.listEvents(db, session.id),
        reviews.listAudit(db, auth.applicationId, { targetId: session.id, limit: 500 }),
        reviews.findClaim(db, session.id),
        session.vendorData
          ? sessions.listSessions(db, auth.applicationId, { vendorData: session.vendorData, limit: 21 })
          : Promise.resolve([]),
      ]);
      const current = attempts.find((a) => a.id === session.currentAttemptId);
      const liveClaim = claim && claim.expiresAt.getTime() > platform.now().getTime() ? claim : null;
      return {
        session: presentSession(session, platform.config.publicUrl),
        decision: presentDecision(session, current),
        attempts: attempts.map((a) => ({
          id: a.id,
          number: a.number,
          status: a.status,
          createdAt: a.createdAt.toISOString(),
          submittedAt: a.submittedAt?.toISOString() ?? null,
          decidedAt: a.decidedAt?.toISOString() ?? null,
          decisionStatus: a.decision?.status ?? null,
          decision: a.decision ? presentDecision(session, a) : null,
        })),
        media: media.map((m) => ({
          id: m.id,
          sessionId: m.sessionId,
          attemptId: m.attemptId,
          context: m.context,
          mimeType: m.mimeType,
          size: m.size,
          sha256: m.sha256,
          createdAt: m.createdAt.toISOString(),
          url: `${platform.config.publicUrl}/v1/sessions/${m.sessionId}/media/${m.id}`,
        })),
        events: events.map((e) => ({
          id: e.id,
          type: e.type,
          data: e.data,
          actor: e.actor,
          createdAt: e.createdAt.toISOString(),
        })),
        collected: session.collected as Record<string, unknown>,
        notes: audit
          .filter((e) => e.action === 'review.note')
          .map((e) => ({
            id: e.id,
            actor: e.actor,
            actorLabel: e.actorLabel,
            text: String((e.after as { text?: string } | null)?.text ?? ''),
            createdAt: e.createdAt.toISOString(),
          })),
        audit: audit.map(presentAudit),
        claim: presentClaim(liveClaim),
        earlierSessions: earlier
          .filter((s) => s.id !== session.id)
          .slice(0, 20)
          .map((s) => ({ id: s.id, status: s.status, createdAt: s.createdAt.toISOString() })),
      };
    },
  );

  r.get(
    '/reviews/reasons',
    {
      schema: {
        tags,
        summary: 'Reason codes a person can give',
        description:
          'For declining, and for sending a session back to the applicant (with the steps to redo).',
        response: {
          200: z.object({
            decline: z.array(z.object({ code: z.string(), description: z.string() })),
            resubmission: z.array(z.object({ code: z.string(), description: z.string() })),
            resubmitSteps: z.array(z.string()),
          }),
          ...errorResponses(401, 403),
        },
      },
    },
    async () => ({
      decline: Object.entries(DECLINE_REASONS).map(([code, description]) => ({ code, description })),
      resubmission: Object.entries(RESUBMISSION_REASONS).map(([code, description]) => ({
        code,
        description,
      })),
      resubmitSteps: [...RESUBMIT_STEPS],
    }),
  );

  r.post(
    '/sessions/:id/review',
    {
      config: { access: 'reviewer' },
      schema: {
        tags,
        summary: 'Decide a session in review',
        description:
          "Approve, decline (with a reason code) or send back to the applicant (with a reason code and the steps to redo). The manual decision replaces the engine's on the current attempt (`decidedBy: {reviewer}`), keeps the check results, is written to the audit log with the state before and after, releases the claim, and sends `session.decided`. Only sessions in `review` (`409 NOT_IN_REVIEW`); a case another reviewer has claimed answers `409 CASE_CLAIMED`.",
        params: idParams,
        body: reviewInput,
        response: { 200: decisionSchema, ...errorResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      await reviewSession(platform, auth.applicationId, request.params.id, request.body, actorInfo(request));
      const session = await findSessionOrThrow(platform, auth.applicationId, request.params.id);
      return presentDecision(session, await sessions.findAttempt(db, session.currentAttemptId));
    },
  );

  r.get(
    '/sessions/:id/notes',
    {
      schema: {
        tags,
        summary: "A case's notes, oldest first",
        params: idParams,
        response: { 200: z.object({ data: z.array(noteSchema) }), ...errorResponses(401, 403, 404, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const session = await findSessionOrThrow(platform, auth.applicationId, request.params.id, {
        allowDeleted: true,
      });
      const rows = await reviews.listAudit(db, auth.applicationId, {
        targetId: session.id,
        action: 'review.note',
        limit: 500,
      });
      return {
        data: rows.reverse().map((e) => ({
          id: e.id,
          actor: e.actor,
          actorLabel: e.actorLabel,
          text: String((e.after as { text?: string } | null)?.text ?? ''),
          createdAt: e.createdAt.toISOString(),
        })),
      };
    },
  );

  r.post(
    '/sessions/:id/notes',
    {
      config: { access: 'reviewer' },
      schema: {
        tags,
        summary: 'Add a note to a case',
        description: 'Notes are audit entries (`review.note`): they cannot be edited or removed.',
        params: idParams,
        body: z.object({ text: z.string().trim().min(1).max(4000) }).strict(),
        response: { 201: noteSchema, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const note = await addNote(
        platform,
        auth.applicationId,
        request.params.id,
        request.body.text,
        actorInfo(request),
      );
      return reply.code(201).send(note);
    },
  );

  const queueItem = z
    .object({
      id: z.string(),
      enteredReviewAt: z.string(),
      claim: claimSchema.nullable(),
      case: caseSummarySchema,
    })
    .meta({ id: 'QueueItem' });

  r.get(
    '/review-queue',
    {
      schema: {
        tags,
        summary: 'Sessions waiting for a person, oldest first',
        description: `With who has claimed each. A claim lasts ${CLAIM_TTL_MS / 60_000} minutes and is renewed by claiming again.`,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          offset: z.coerce.number().int().min(0).max(100_000).default(0),
        }),
        response: {
          200: z.object({ data: z.array(queueItem), total: z.number().int() }),
          ...errorResponses(400, 401, 403, 429),
        },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const now = platform.now().getTime();
      const [items, total] = await Promise.all([
        reviews.listReviewQueue(db, auth.applicationId, { ...request.query, now }),
        reviews.countReviewQueue(db, auth.applicationId),
      ]);
      const rows = await reviews.listCases(
        db,
        platform.database.dialect,
        auth.applicationId,
        { ids: items.map((i) => i.id), limit: items.length || 1 },
        now,
      );
      const summaries = new Map<string, CaseRow>(rows.map((row) => [row.id, row]));
      return {
        data: items
          .filter((i) => summaries.has(i.id))
          .map((i) => ({
            id: i.id,
            enteredReviewAt: i.enteredAt.toISOString(),
            claim: presentClaim(i.claim),
            case: presentCase(summaries.get(i.id)!),
          })),
        total,
      };
    },
  );

  r.post(
    '/review-queue/next',
    {
      config: { access: 'reviewer' },
      schema: {
        tags,
        summary: 'Claim the oldest case nobody is working on',
        description: 'Answers `{id: null}` when the queue is empty (or every case is claimed by others).',
        response: {
          200: z.object({ id: z.string().nullable(), claim: claimSchema.nullable() }),
          ...errorResponses(401, 403, 429),
        },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const id = await claimNextCase(platform, auth.applicationId, actorInfo(request));
      return { id, claim: id ? presentClaim((await reviews.findClaim(db, id)) ?? null) : null };
    },
  );

  r.post(
    '/review-queue/:id/claim',
    {
      config: { access: 'reviewer' },
      schema: {
        tags,
        summary: 'Claim a case (or renew your claim)',
        description:
          'So two reviewers do not work on the same case. `409 CASE_CLAIMED` when someone else has it.',
        params: idParams,
        response: { 200: claimSchema, ...errorResponses(401, 403, 404, 409, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      return presentClaim(
        await claimCase(platform, auth.applicationId, request.params.id, actorInfo(request)),
      )!;
    },
  );

  r.delete(
    '/review-queue/:id/claim',
    {
      config: { access: 'reviewer' },
      schema: {
        tags,
        summary: 'Release a claim',
        description: "Your own claim, or (admins) anyone's. Releasing an unclaimed case does nothing.",
        params: idParams,
        response: { 204: z.null().describe('Released.'), ...errorResponses(401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      await releaseCase(
        platform,
        auth.applicationId,
        request.params.id,
        actorInfo(request),
        auth.role === 'admin',
      );
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/audit',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['Audit log'],
        summary: 'The audit log, newest first',
        description:
          'Reviews, notes, claims, console sign-ins and every change made from the console or to keys, webhooks, workflows and staff users: who, when, what, with the state before and after.',
        querystring: z.object({
          targetId: z.string().max(64).optional().describe('e.g. a session id.'),
          actor: z.string().max(100).optional().describe('`staff:<id>` or `api:<key id>`.'),
          action: z
            .string()
            .max(64)
            .optional()
            .describe('An action, or a prefix ending in "." such as `review.`.'),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
          cursor: z.string().max(64).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: {
          200: z.object({ data: z.array(auditEntrySchema), nextCursor: z.string().nullable() }),
          ...errorResponses(400, 401, 403, 429),
        },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const q = request.query;
      const rows = await reviews.listAudit(db, auth.applicationId, {
        ...(q.targetId && { targetId: q.targetId }),
        ...(q.actor && { actor: q.actor }),
        ...(q.action && { action: q.action }),
        ...(q.from && { from: new Date(q.from).getTime() }),
        ...(q.to && { to: new Date(q.to).getTime() }),
        ...(q.cursor && { cursor: q.cursor }),
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      return { data: page.map(presentAudit), nextCursor: rows.length > q.limit ? page.at(-1)!.id : null };
    },
  );
}
