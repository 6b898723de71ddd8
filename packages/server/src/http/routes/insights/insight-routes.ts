import { DomainError } from '@openidv/domain';
import { reviews, sessions } from '@openidv/storage';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../../platform/platform.ts';
import { dashboardStats, usageFigures } from '../../../usecases/insights/figures.ts';
import { presentSession } from '../../../usecases/sessions/present-session.ts';
import { requireAuth } from '../../auth.ts';
import { errorResponses } from '../../errors.ts';
import { sessionSchema } from '../../schemas/resources.ts';

const DAY = 86_400_000;

function range(q: { from?: string | undefined; to?: string | undefined }, now: number, defaultDays: number) {
  const to = q.to ? new Date(q.to).getTime() : now;
  const from = q.from ? new Date(q.from).getTime() : to - defaultDays * DAY;
  if (from >= to) throw new DomainError('VALIDATION_FAILED', 'from: must be before to.');
  if (to - from > 3 * 366 * DAY)
    throw new DomainError('VALIDATION_FAILED', 'from: the range may span at most 3 years.');
  return { from, to };
}

const rangeQuery = {
  from: z.iso.datetime({ offset: true }).optional().describe('Start (inclusive).'),
  to: z.iso.datetime({ offset: true }).optional().describe('End (exclusive); default now.'),
};

export function insightRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/stats',
    {
      schema: {
        tags: ['Insights'],
        summary: 'Dashboard figures',
        description:
          'Sessions created and submitted and decisions by status per day, week or month; decisions by status; automation rate (final decisions made by the engine, without a person); median seconds from submission to final decision; top decline reasons; how many sessions wait for review now. Default: the last 30 days by day.',
        querystring: z.object({
          ...rangeQuery,
          interval: z.enum(['day', 'week', 'month']).default('day'),
        }),
        response: {
          200: z
            .object({
              from: z.string(),
              to: z.string(),
              interval: z.enum(['day', 'week', 'month']),
              series: z.array(
                z.object({
                  start: z.string(),
                  created: z.number().int(),
                  submitted: z.number().int(),
                  approved: z.number().int(),
                  declined: z.number().int(),
                  review: z.number().int(),
                  resubmission_requested: z.number().int(),
                }),
              ),
              decisionsByStatus: z.record(z.string(), z.number().int()),
              decided: z
                .number()
                .int()
                .describe('Final decisions (approved, declined, resubmission requested).'),
              automationRate: z
                .number()
                .nullable()
                .describe('Share of final decisions made by the engine, 0–1.'),
              medianSecondsToDecision: z.number().nullable(),
              topDeclineReasons: z.array(z.object({ code: z.string(), count: z.number().int() })),
              waitingForReview: z.number().int(),
            })
            .meta({ id: 'DashboardStats' }),
          ...errorResponses(400, 401, 403, 429),
        },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const { from, to } = range(request.query, platform.now().getTime(), 30);
      const maxBuckets = { day: 400, week: 200, month: 60 }[request.query.interval];
      const width = { day: DAY, week: 7 * DAY, month: 28 * DAY }[request.query.interval];
      if ((to - from) / width > maxBuckets)
        throw new DomainError(
          'VALIDATION_FAILED',
          `interval: too many ${request.query.interval}s in the range.`,
        );
      return dashboardStats(platform, auth.applicationId, { from, to, interval: request.query.interval });
    },
  );

  r.get(
    '/usage',
    {
      schema: {
        tags: ['Insights'],
        summary: 'Usage per month and per check',
        description:
          'Sessions created, verifications (submitted attempts, resubmissions included) and decided attempts per calendar month (UTC), and how many times each check ran — for billing your own customers. Default: the last 12 months.',
        querystring: z.object(rangeQuery),
        response: {
          200: z
            .object({
              from: z.string(),
              to: z.string(),
              months: z.array(
                z.object({
                  month: z.string().describe('YYYY-MM'),
                  sessions: z.number().int(),
                  verifications: z.number().int(),
                  decided: z.number().int(),
                  checks: z.record(z.string(), z.number().int()),
                }),
              ),
              totals: z.object({
                sessions: z.number().int(),
                verifications: z.number().int(),
                decided: z.number().int(),
                checks: z.record(z.string(), z.number().int()),
              }),
            })
            .meta({ id: 'Usage' }),
          ...errorResponses(400, 401, 403, 429),
        },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      return usageFigures(platform, auth.applicationId, range(request.query, platform.now().getTime(), 365));
    },
  );

  const personSchema = z
    .object({
      vendorData: z.string().describe('Your identifier of the person, as sent when creating sessions.'),
      sessions: z.number().int(),
      firstSeenAt: z.string(),
      lastSeenAt: z.string(),
      latestSessionId: z.string(),
      latestStatus: z.string(),
    })
    .meta({ id: 'VerifiedUser' });

  r.get(
    '/users',
    {
      schema: {
        tags: ['Insights'],
        summary: 'The people verified, by vendorData',
        description:
          'One row per vendorData with their number of sessions and latest status, most recent first.',
        querystring: z.object({
          q: z.string().max(200).optional().describe('Part of the vendorData.'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
        }),
        response: {
          200: z.object({ data: z.array(personSchema), total: z.number().int() }),
          ...errorResponses(400, 401, 403, 429),
        },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const { rows, total } = await reviews.listPeople(platform.database.db, auth.applicationId, {
        ...(request.query.q && { q: request.query.q }),
        limit: request.query.limit,
        offset: request.query.offset,
      });
      return {
        data: rows.map((p) => ({
          ...p,
          firstSeenAt: p.firstSeenAt.toISOString(),
          lastSeenAt: p.lastSeenAt.toISOString(),
        })),
        total,
      };
    },
  );

  r.get(
    '/users/:vendorData',
    {
      schema: {
        tags: ['Insights'],
        summary: "One person's sessions, newest first",
        params: z.object({ vendorData: z.string().min(1).max(1000) }),
        response: {
          200: z.object({ vendorData: z.string(), sessions: z.array(sessionSchema) }),
          ...errorResponses(401, 403, 404, 429),
        },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const rows = await sessions.listSessions(platform.database.db, auth.applicationId, {
        vendorData: request.params.vendorData,
        limit: 200,
      });
      if (rows.length === 0) throw new DomainError('NOT_FOUND', 'No sessions with this vendorData.');
      return {
        vendorData: request.params.vendorData,
        sessions: rows.map((s) => presentSession(s, platform.config.publicUrl)),
      };
    },
  );
}
