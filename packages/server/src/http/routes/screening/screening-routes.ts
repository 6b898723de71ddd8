import { DEFAULT_THRESHOLD, screen } from '@openidv/screening';
import { type AlertRow, screening } from '@openidv/storage';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../../platform/platform.ts';
import { resolveAlert, suppressHit } from '../../../usecases/screening/review-alerts.ts';
import { actorOf, requireAuth } from '../../auth.ts';
import { errorResponses } from '../../errors.ts';
import { idParams, pageSchema } from '../../schemas/resources.ts';

const tags = ['Screening'];

const explanationSchema = z.object({
  feature: z.string(),
  contribution: z.number().describe('How much this feature added to (or took from) the score.'),
  detail: z.string(),
});

const hitSchema = z
  .object({
    entityId: z.string().describe('`<listId>:<the list’s own reference>`'),
    listId: z.string(),
    ref: z.string(),
    reference: z.string().optional(),
    schema: z.string().describe('person, organisation, vessel, aircraft'),
    name: z.string().describe('The entry’s primary name.'),
    matchedName: z.string().describe('The listed name or alias that matched best.'),
    matchedNameStrength: z.enum(['primary', 'strong', 'weak']),
    score: z.number().min(0).max(1),
    match: z.boolean().describe('score ≥ threshold'),
    lists: z.array(z.object({ listId: z.string(), title: z.string(), date: z.string().optional() })),
    topics: z.array(z.string()),
    programs: z.array(z.string()),
    birthDates: z.array(z.string()),
    nationalities: z.array(z.string()),
    explanation: z.array(explanationSchema).describe('Every feature’s contribution to the score.'),
  })
  .meta({ id: 'ScreeningHit' });

const alertSchema = z
  .object({
    id: z.string(),
    vendorData: z.string().describe('The user (your reference, or session:<id> when none was given).'),
    sessionId: z.string().describe('The session that approved the user.'),
    status: z.enum(['open', 'dismissed', 'confirmed']),
    hit: hitSchema,
    createdAt: z.string(),
    resolvedAt: z.string().nullable(),
    resolvedBy: z.string().nullable(),
    note: z.string().nullable(),
  })
  .meta({ id: 'ScreeningAlert' });

export function screeningRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const presentAlert = (a: AlertRow) => ({
    id: a.id,
    vendorData: a.vendorData,
    sessionId: a.sessionId,
    status: a.status,
    hit: a.hit as z.infer<typeof hitSchema>,
    createdAt: a.createdAt.toISOString(),
    resolvedAt: a.resolvedAt?.toISOString() ?? null,
    resolvedBy: a.resolvedBy,
    note: a.note,
  });

  r.post(
    '/screenings',
    {
      schema: {
        tags,
        summary: 'Screen a name against the sanctions lists',
        description:
          'Screens on this server’s own copy of the lists (nothing is sent anywhere, nothing is stored). Names in any script are transliterated; aliases, token order and missing middle names are handled; date of birth, nationality and type qualify the score. Each hit explains every feature’s contribution.',
        body: z
          .object({
            name: z.string().min(1).max(300),
            dateOfBirth: z
              .string()
              .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'must be YYYY, YYYY-MM or YYYY-MM-DD')
              .optional(),
            nationality: z
              .string()
              .max(60)
              .optional()
              .describe('Alpha-2, alpha-3 or an English country name.'),
            country: z.string().max(60).optional(),
            gender: z.enum(['male', 'female']).optional(),
            type: z
              .enum(['person', 'organisation', 'organization', 'vessel', 'aircraft'])
              .optional()
              .describe('Entity type; organization is accepted for organisation.'),
            threshold: z.number().min(0).max(1).default(DEFAULT_THRESHOLD),
            limit: z.number().int().min(1).max(100).default(10),
          })
          .strict(),
        response: {
          200: z.object({
            hits: z.array(hitSchema),
            threshold: z.number(),
            lists: z.array(
              z.object({
                listId: z.string(),
                title: z.string(),
                date: z.string().optional(),
                version: z.string(),
              }),
            ),
          }),
          ...errorResponses(400, 401, 429),
        },
      },
    },
    async (request) => {
      requireAuth(request);
      const { threshold, limit, type, ...query } = request.body;
      const hits = screen(
        platform.screening.current(),
        { ...query, ...(type && { type: type === 'organization' ? 'organisation' : type }) },
        { threshold, limit },
      );
      return {
        hits: hits as z.infer<typeof hitSchema>[],
        threshold,
        lists: platform.screening.lists().map((l) => ({
          listId: l.listId,
          title: l.title,
          ...(l.date && { date: l.date }),
          version: l.version,
        })),
      };
    },
  );

  r.get(
    '/screening/lists',
    {
      schema: {
        tags,
        summary: 'The sanctions lists in service',
        description:
          'Each list with its source, publication date, licence, entity count and version (`shipped` or an imported version). Import newer ones with `npx openidv lists import FILE…`.',
        response: {
          200: z.object({
            data: z.array(
              z.object({
                listId: z.string(),
                title: z.string(),
                publisher: z.string(),
                format: z.string(),
                date: z.string().optional(),
                licence: z.string(),
                url: z.string().optional(),
                entityCount: z.number().int(),
                version: z.string(),
                importedAt: z.string().nullable(),
              }),
            ),
          }),
          ...errorResponses(401, 429),
        },
      },
    },
    async (request) => {
      requireAuth(request);
      await platform.screening.refresh();
      return { data: platform.screening.lists() };
    },
  );

  r.get(
    '/screening/alerts',
    {
      schema: {
        tags,
        summary: 'Ongoing-monitoring alerts (the screening review queue), oldest first',
        description:
          'Approved users are screened again whenever a list version is imported; a new hit opens an alert here and sends `user.screening.hit`.',
        querystring: z.object({
          status: z.enum(['open', 'dismissed', 'confirmed']).optional(),
          cursor: z.string().max(64).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: pageSchema(alertSchema), ...errorResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const q = request.query;
      const rows = await screening.listAlerts(platform.database.db, auth.applicationId, {
        ...(q.status && { status: q.status }),
        ...(q.cursor && { cursor: q.cursor }),
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      return { data: page.map(presentAlert), nextCursor: rows.length > q.limit ? page.at(-1)!.id : null };
    },
  );

  for (const [path, outcome, summary] of [
    [
      'dismiss',
      'dismissed',
      'Dismiss an alert: not this person (suppressed for this user until the list entry changes)',
    ],
    ['confirm', 'confirmed', 'Confirm an alert: the user is the listed person'],
  ] as const) {
    r.post(
      `/screening/alerts/:id/${path}`,
      {
        schema: {
          tags,
          summary,
          params: idParams,
          body: z
            .object({ note: z.string().max(2000).optional() })
            .strict()
            .nullish(),
          response: { 200: alertSchema, ...errorResponses(400, 401, 404, 409, 429) },
        },
      },
      async (request) => {
        const auth = requireAuth(request);
        const a = await resolveAlert(
          platform,
          auth.applicationId,
          request.params.id,
          outcome,
          actorOf(request),
          request.body?.note,
        );
        return presentAlert(a);
      },
    );
  }

  r.post(
    '/screening/suppressions',
    {
      schema: {
        tags,
        summary: 'Mark a hit as not this person, for one user',
        description:
          'Leaves the list entry out of this user’s screenings (sessions and monitoring) until the list changes what it says about the entry.',
        body: z
          .object({
            vendorData: z.string().min(1).max(1000),
            entityId: z.string().min(1).max(200),
            note: z.string().max(2000).optional(),
          })
          .strict(),
        response: {
          201: z.object({ vendorData: z.string(), entityId: z.string(), fingerprint: z.string() }),
          ...errorResponses(400, 401, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      return reply
        .code(201)
        .send(await suppressHit(platform, auth.applicationId, request.body, actorOf(request)));
    },
  );
}
