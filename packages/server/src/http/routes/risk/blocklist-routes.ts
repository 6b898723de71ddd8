import { BLOCKLIST_KINDS, type BlocklistKind } from '@openidv/domain';
import { type BlocklistEntry, risk } from '@openidv/storage';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../../platform/platform.ts';
import {
  addToBlocklist,
  findInBlocklist,
  removeFromBlocklist,
} from '../../../usecases/risk/manage-blocklists.ts';
import { actorOf, requireAuth } from '../../auth.ts';
import { errorResponses } from '../../errors.ts';
import { pageSchema } from '../../schemas/resources.ts';

const tags = ['Blocklists'];

const kindParams = z.object({
  kind: z
    .enum(BLOCKLIST_KINDS as [BlocklistKind, ...BlocklistKind[]])
    .describe('email, phone, ip or document (document numbers).'),
});

const entrySchema = z
  .object({
    id: z.string(),
    kind: z.enum(BLOCKLIST_KINDS as [BlocklistKind, ...BlocklistKind[]]),
    display: z
      .string()
      .describe(
        'The value masked (e.g. "a***@example.com"): openidv keeps only a keyed digest of the value.',
      ),
    note: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'BlocklistEntry' });

const present = (e: BlocklistEntry) => ({
  id: e.id,
  kind: e.kind as BlocklistKind,
  display: e.display,
  note: e.note,
  createdBy: e.createdBy,
  createdAt: e.createdAt.toISOString(),
});

const valueBody = z.object({
  value: z
    .string()
    .min(1)
    .max(320)
    .describe(
      'The value to block. Normalised before it is digested: emails lower-cased without +tags (and without dots for Gmail), phones (in international form, +country code) to +digits, IPs to their canonical form, document numbers to upper-case letters and digits.',
    )
    .meta({ example: 'fraud.ring@example.com' }),
});

/**
 * Data blocklists: values an application refuses outright. The ip-risk, email-risk and phone-risk checks and the
 * blocklist check (document numbers) look sessions up here and raise *_BLOCKLISTED.
 */
export function blocklistRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/blocklists/:kind',
    {
      schema: {
        tags,
        summary: 'List a blocklist',
        description: 'Newest first. Values are shown masked; the stored form is a keyed digest.',
        params: kindParams,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          cursor: z.string().max(64).optional(),
        }),
        response: { 200: pageSchema(entrySchema), ...errorResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const { limit, cursor } = request.query;
      const rows = await risk.listBlocklistEntries(platform.database.db, {
        applicationId: auth.applicationId,
        kind: request.params.kind,
        limit: limit + 1,
        before: cursor,
      });
      const page = rows.slice(0, limit);
      return { data: page.map(present), nextCursor: rows.length > limit ? page.at(-1)!.id : null };
    },
  );

  r.post(
    '/blocklists/:kind',
    {
      schema: {
        tags,
        summary: 'Block a value',
        description:
          'Adds the value to the blocklist (201), or returns the existing entry when it is already there (200). Sessions decided from now on raise the matching *_BLOCKLISTED reason.',
        params: kindParams,
        body: valueBody.extend({
          note: z.string().max(500).optional().describe('Why it is blocked (shown to reviewers).'),
        }),
        response: { 200: entrySchema, 201: entrySchema, ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const { entry, created } = await addToBlocklist(
        platform,
        auth.applicationId,
        request.params.kind,
        request.body,
        actorOf(request),
      );
      return reply.code(created ? 201 : 200).send(present(entry));
    },
  );

  r.post(
    '/blocklists/:kind/lookup',
    {
      schema: {
        tags,
        summary: 'Is a value blocked?',
        params: kindParams,
        body: valueBody,
        response: {
          200: z.object({ blocked: z.boolean(), entry: entrySchema.nullable() }),
          ...errorResponses(400, 401, 429),
        },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const e = await findInBlocklist(platform, auth.applicationId, request.params.kind, request.body.value);
      return { blocked: !!e, entry: e ? present(e) : null };
    },
  );

  r.delete(
    '/blocklists/:kind/:id',
    {
      schema: {
        tags,
        summary: 'Unblock a value',
        params: kindParams.extend({ id: z.string().max(64) }),
        response: { 204: z.null(), ...errorResponses(401, 404, 429) },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      await removeFromBlocklist(platform, auth.applicationId, request.params.kind, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
