import {
  type DomainError,
  isDomainError,
  type Questionnaire,
  type Session,
  type SessionStatus,
} from '@openidv/domain';
import {
  type DialectIdRow,
  dialects,
  faces as facesRepo,
  questionnaires as questionnairesRepo,
  reviews as reviewsRepo,
  risk,
  sessions as sessionsRepo,
  workflows as workflowsRepo,
} from '@openidv/storage';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import type { Actor } from '../../usecases/audit/record-audit.ts';
import {
  type AuthenticatedCredential,
  authenticateDialectKey,
} from '../../usecases/dialects/dialect-credentials.ts';
import { blocklistFace } from '../../usecases/faces/enrol-face.ts';
import {
  archiveQuestionnaire,
  createQuestionnaire,
  updateQuestionnaire,
} from '../../usecases/questionnaires/manage-questionnaires.ts';
import { addNote, type ReviewInput, reviewSession } from '../../usecases/reviews/review-session.ts';
import { addToBlocklist, findInBlocklist } from '../../usecases/risk/manage-blocklists.ts';
import { type CreateSessionInput, createSession } from '../../usecases/sessions/create-session.ts';
import { deleteSession } from '../../usecases/sessions/delete-session.ts';
import { findSessionOrThrow } from '../../usecases/sessions/find-session.ts';
import { journeyUrl } from '../../usecases/sessions/present-session.ts';
import {
  createWorkflow,
  deleteWorkflow,
  getWorkflow,
  updateWorkflow,
} from '../../usecases/workflows/manage-workflows.ts';
import { externalIdFor, resolveExternalId } from '../ids.ts';
import { limitDialectRate } from '../rate-limit.ts';
import {
  coreDocumentType,
  coreStatuses,
  DiditError,
  diditStatus,
  FORBIDDEN,
  NOT_FOUND,
  NOT_PROVIDED,
  resubmitSteps,
} from './codes.ts';
import {
  createdBody,
  type DiditIds,
  type DiditSessionExtra,
  decisionBody,
  listItem,
  reviewItems,
  workflowBody,
} from './present.ts';
import {
  extraOf,
  parseDiditQuestionnaire,
  questionnaireBody,
  questionnaireResponses,
  recordVersion,
  versionLink,
} from './questionnaires.ts';
import { parseDiditWorkflow } from './workflows.ts';

declare module 'fastify' {
  interface FastifyRequest {
    diditAuth?: AuthenticatedCredential;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const tags = ['Compat: Didit'];
const DOCS = 'See docs/compat/didit.md.';

const authHeaders = z.object({
  'x-api-key': z
    .string()
    .describe('The API key of a Didit dialect credential (`openidv keys create --dialect didit`).'),
});
const idParam = z.object({ id: z.string().describe('A Didit session id (UUID).') });
const anyBody = z.record(z.string(), z.unknown());
const errorBody = z
  .record(z.string(), z.unknown())
  .describe('Didit error: `{"detail": "..."}`, or for invalid input `{"<field>": ["<message>"]}`.');
const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, errorBody]));
/** Validation is the dialect's own (to answer Didit's field errors); the zod schemas document the routes. */
const noValidation = () => (data: unknown) => ({ value: data });

/** Didit's "unfinished" statuses: creating a session for the same vendor_data returns the open one. */
const UNFINISHED = ['created', 'started', 'resubmission_requested'] as const;

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function objectOf(value: unknown, field: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw DiditError.field(field, 'Must be an object.');
  return value as Record<string, unknown>;
}

function text(
  o: Record<string, unknown> | undefined,
  key: string,
  field: string,
  max = 200,
): string | undefined {
  const v = o?.[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || v.length > max)
    throw DiditError.field(field, `Must be a string of at most ${max} characters.`);
  return v.trim() || undefined;
}

function pageOf(query: unknown): { limit: number; offset: number } {
  const q = (query ?? {}) as Record<string, unknown>;
  const num = (v: unknown, field: string, fallback: number, max: number) => {
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > max)
      throw DiditError.field(field, `Must be an integer from 0 to ${max}.`);
    return n;
  };
  return {
    limit: Math.max(1, num(q['limit'], 'limit', 50, 200)),
    offset: num(q['offset'], 'offset', 0, 10_000),
  };
}

/**
 * Django REST framework's page: `{count, next, previous, results}`, the links keeping the request's filters;
 * `count` is what this page proves.
 */
function page<T>(
  request: FastifyRequest,
  publicUrl: string,
  p: { limit: number; offset: number },
  rows: T[],
) {
  const more = rows.length > p.limit;
  const results = rows.slice(0, p.limit);
  const url = (offset: number) => {
    const u = new URL(request.url, publicUrl);
    u.searchParams.set('limit', String(p.limit));
    u.searchParams.set('offset', String(offset));
    return u.toString();
  };
  return {
    count: p.offset + results.length + (more ? 1 : 0),
    next: more ? url(p.offset + p.limit) : null,
    previous: p.offset > 0 ? url(Math.max(0, p.offset - p.limit)) : null,
    results,
  };
}

/**
 * Didit v3 under `/compat/didit/v3`: a thin adapter that authenticates with `x-api-key`, speaks Didit's
 * statuses, shapes and errors, and calls the same use cases as the native API.
 */
export async function diditRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  const db = platform.database.db;
  const base = `${platform.config.publicUrl}/compat/didit`;

  app.setErrorHandler((err, request, reply) => sendDiditError(reply, toDiditError(err as Error, request)));
  app.setNotFoundHandler((_request, reply) => sendDiditError(reply, new DiditError(404, NOT_FOUND)));

  app.addHook('onRequest', async (request) => {
    const key = header(request, 'x-api-key');
    if (!key) throw new DiditError(401, NOT_PROVIDED);
    const auth = await authenticateDialectKey(platform, 'didit', key);
    if (!auth || auth.credential.revokedAt) throw new DiditError(403, FORBIDDEN);
    request.diditAuth = auth;
  });
  await limitDialectRate(
    app,
    platform,
    (request) => request.diditAuth?.credential.id,
    (context) =>
      new DiditError(
        429,
        `Request was throttled. Expected available in ${Math.ceil(context.ttl / 1000)} seconds.`,
      ),
  );

  const applicationOf = (request: FastifyRequest) => request.diditAuth!.credential.applicationId;
  const actorOf = (request: FastifyRequest) => `api:${request.diditAuth!.credential.id}`;
  const reviewerOf = (request: FastifyRequest): Actor => ({
    id: actorOf(request),
    label: request.diditAuth!.credential.name,
  });

  /**
   * Didit numbers sessions per application. A number is claimed as its own mapping row, whose primary key makes
   * two concurrent creations take different numbers.
   */
  async function claimSessionNumber(session: Session, credentialId: string | null): Promise<number> {
    const numberOf = (row: DialectIdRow | undefined) =>
      typeof row?.extra['sessionNumber'] === 'number' ? row.extra['sessionNumber'] : undefined;
    const own = `session-number:${session.id}`;
    let n = (numberOf(await dialects.findLatestOfKind(db, 'didit', 'token', session.applicationId)) ?? 0) + 1;
    for (;;) {
      // A concurrent request may have numbered this very session: then that number holds.
      const mine = numberOf(await dialects.findByInternalId(db, 'didit', own));
      if (mine !== undefined) return mine;
      const claimed = await dialects.claimExternalId(db, {
        dialect: 'didit',
        externalId: `session-number:${session.applicationId}:${n}`,
        kind: 'token',
        internalId: own,
        applicationId: session.applicationId,
        sessionId: session.id,
        credentialId,
        extra: { sessionNumber: n },
        createdAt: platform.now(),
      });
      if (claimed) return n;
      n++;
    }
  }

  /** The Didit id and number of a session, given the first time the dialect shows it. */
  async function linkOf(session: Session, request: FastifyRequest) {
    const existing = await dialects.findByInternalId(db, 'didit', session.id);
    if (existing) return existing;
    const sessionNumber = await claimSessionNumber(session, request.diditAuth!.credential.id);
    return externalIdFor(
      db,
      'didit',
      'session',
      session.id,
      {
        applicationId: session.applicationId,
        sessionId: session.id,
        credentialId: request.diditAuth!.credential.id,
      },
      { sessionNumber } satisfies DiditSessionExtra,
    );
  }

  const idsOf = (link: DialectIdRow): DiditIds => {
    const extra = link.extra as DiditSessionExtra;
    return { sessionId: link.externalId, sessionNumber: extra.sessionNumber ?? null };
  };
  const urlOf = (s: Session) => (s.deletedAt ? null : journeyUrl(platform.config.publicUrl, s.journeyToken));

  async function loadSessionById(
    request: FastifyRequest,
    id: string,
  ): Promise<{ session: Session; link: DialectIdRow }> {
    if (!UUID.test(id)) throw new DiditError(404, NOT_FOUND);
    const link = await resolveExternalId(db, 'didit', 'session', id, applicationOf(request));
    if (!link) throw new DiditError(404, NOT_FOUND);
    try {
      return { session: await findSessionOrThrow(platform, link.applicationId, link.internalId), link };
    } catch {
      throw new DiditError(404, NOT_FOUND);
    }
  }
  const loadSession = (request: FastifyRequest) =>
    loadSessionById(request, (request.params as { id: string }).id);

  const blockedFaces = async (applicationId: string) =>
    (await facesRepo.listFaceTemplates(db, applicationId)).filter((f) => f.kind === 'blocklist');

  const route = {
    tags,
    security: [],
    headers: authHeaders,
  };

  // ---------------------------------------------------------------------------------------------- sessions

  app.post(
    '/v3/session/',
    {
      validatorCompiler: noValidation,
      schema: {
        ...route,
        summary: 'Create a verification session (Didit POST /v3/session/)',
        description:
          'Reads `workflow_id` (an openidv workflow id; default workflow when omitted), `vendor_data`, `callback` (where the journey sends the applicant at the end), `metadata`, `language`, `contact_details.{email,phone}`, `expected_details.{first_name,last_name,date_of_birth,nationality,id_country,expected_document_types}`. A session still open for the same `vendor_data` and workflow is returned instead of a new one, as at Didit. Answers `201 {session_id, session_number, session_token, url, vendor_data, metadata, status:"Not Started", callback, workflow_id, workflow_version}`.',
        body: anyBody,
        response: { 201: anyBody, ...errors(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const body = objectOf(request.body ?? {}, 'non_field_errors') ?? {};
      const input: CreateSessionInput = {};
      const workflowId = body['workflow_id'];
      if (workflowId !== undefined && workflowId !== null && workflowId !== '') {
        if (typeof workflowId !== 'string' || workflowId.length > 64)
          throw DiditError.field('workflow_id', 'Must be a valid workflow id.');
        if (!(await workflowsRepo.findWorkflow(db, applicationOf(request), workflowId)))
          throw DiditError.field('workflow_id', `Workflow "${workflowId}" does not exist.`);
        input.workflowId = workflowId;
      }
      const vendorData = text(body, 'vendor_data', 'vendor_data', 1000);
      if (vendorData) input.vendorData = vendorData;
      const callback = text(body, 'callback', 'callback', 2000);
      if (callback) {
        if (!/^https?:\/\//i.test(callback) || !URL.canParse(callback))
          throw DiditError.field('callback', 'Enter a valid URL.');
        input.callbackUrl = callback;
      }
      const metadata = objectOf(body['metadata'], 'metadata');
      if (metadata) {
        if (JSON.stringify(metadata).length > 16_384)
          throw DiditError.field('metadata', 'Must be at most 16 KB.');
        input.metadata = metadata;
      }
      const language = text(body, 'language', 'language', 20);
      if (language) {
        if (!/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(language))
          throw DiditError.field('language', 'Must be a language code like "en" or "pt-BR".');
        input.locale = language;
      }
      const contact = objectOf(body['contact_details'], 'contact_details');
      const expected = objectOf(body['expected_details'], 'expected_details');
      const email = text(contact, 'email', 'contact_details.email', 320);
      if (email && !z.email().safeParse(email).success)
        throw DiditError.field('contact_details.email', 'Enter a valid email address.');
      const phone = text(contact, 'phone', 'contact_details.phone', 40);
      const dob = text(expected, 'date_of_birth', 'expected_details.date_of_birth', 10);
      if (dob && (!/^\d{4}-\d{2}-\d{2}$/.test(dob) || Number.isNaN(Date.parse(dob))))
        throw DiditError.field('expected_details.date_of_birth', 'Date has wrong format. Use YYYY-MM-DD.');
      const nationality = text(expected, 'nationality', 'expected_details.nationality', 3);
      const person = {
        ...(text(expected, 'first_name', 'expected_details.first_name') && {
          firstName: text(expected, 'first_name', 'expected_details.first_name')!,
        }),
        ...(text(expected, 'last_name', 'expected_details.last_name') && {
          lastName: text(expected, 'last_name', 'expected_details.last_name')!,
        }),
        ...(dob && { dateOfBirth: dob }),
        ...(nationality && { nationality: nationality.toUpperCase() }),
        ...(email && { email }),
        ...(phone && { phone }),
      };
      if (Object.keys(person).length) input.person = person;
      const country = text(expected, 'id_country', 'expected_details.id_country', 3);
      if (country && !/^[A-Za-z]{3}$/.test(country))
        throw DiditError.field('expected_details.id_country', 'Must be an ISO 3166-1 alpha-3 country code.');
      const types = expected?.['expected_document_types'];
      if (
        types !== undefined &&
        (!Array.isArray(types) || types.some((t) => typeof t !== 'string' || !coreDocumentType(t)))
      )
        throw DiditError.field(
          'expected_details.expected_document_types',
          'Each must be one of "P", "ID", "DL", "RP".',
        );
      // openidv expects one document type; several allowed types are not narrowed further.
      const type =
        Array.isArray(types) && types.length === 1 ? coreDocumentType(types[0] as string) : undefined;
      if (country || type)
        input.document = { ...(country && { country: country.toUpperCase() }), ...(type && { type }) };

      if (input.vendorData) {
        // Didit returns the open session of this vendor_data on the same workflow (and version) instead.
        const workflow = input.workflowId
          ? await workflowsRepo.findWorkflow(db, applicationOf(request), input.workflowId)
          : await workflowsRepo.findDefaultWorkflow(db, applicationOf(request));
        const open = await sessionsRepo.listSessions(db, applicationOf(request), {
          vendorData: input.vendorData,
          status: [...UNFINISHED],
          limit: 20,
        });
        for (const s of open) {
          if (s.workflowId !== workflow?.id || s.workflowVersion !== workflow.version) continue;
          const link = await dialects.findByInternalId(db, 'didit', s.id);
          if (link && link.credentialId === request.diditAuth!.credential.id && s.expiresAt > platform.now())
            return reply.code(201).send(createdBody(s, idsOf(link), urlOf(s)!));
        }
      }
      const session = await createSession(platform, applicationOf(request), input, actorOf(request));
      const link = await linkOf(session, request);
      return reply.code(201).send(createdBody(session, idsOf(link), urlOf(session)!));
    },
  );

  app.get(
    '/v3/sessions/',
    {
      schema: {
        ...route,
        summary: 'List sessions (Didit GET /v3/sessions/)',
        description:
          'Newest first, `limit` (≤ 200) and `offset` pages; filters `vendor_data`, `status` (Didit statuses, comma-separated), `date_from`, `date_to`. Answers `{count, next, previous, results:[{session_id, session_number, session_url, status, vendor_data, metadata, workflow_id, created_at}]}`; `count` counts up to the end of this page (plus one when there is a next page).',
        querystring: z.object({
          limit: z.string().optional(),
          offset: z.string().optional(),
          vendor_data: z.string().optional(),
          status: z.string().optional().describe('Didit statuses, comma-separated: "Approved,In Review".'),
          date_from: z.string().optional().describe('YYYY-MM-DD: created on or after this day (UTC).'),
          date_to: z.string().optional().describe('YYYY-MM-DD: created on or before this day (UTC).'),
        }),
        response: { 200: anyBody, ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const p = pageOf(request.query);
      const q = request.query as {
        vendor_data?: string;
        status?: string;
        date_from?: string;
        date_to?: string;
      };
      let statuses: SessionStatus[] | undefined;
      for (const name of q.status ? q.status.split(',').map((x) => x.trim()) : []) {
        const found = coreStatuses(name);
        if (!found) throw DiditError.field('status', `"${name}" is not a valid choice.`);
        statuses = [...(statuses ?? []), ...found];
      }
      const day = (v: string | undefined, field: string) => {
        if (v === undefined || v === '') return undefined;
        if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v)))
          throw DiditError.field(field, 'Date has wrong format. Use YYYY-MM-DD.');
        return new Date(`${v}T00:00:00Z`);
      };
      const from = day(q.date_from, 'date_from');
      const to = day(q.date_to, 'date_to');
      const rows = await sessionsRepo.listSessions(db, applicationOf(request), {
        ...(q.vendor_data && { vendorData: q.vendor_data }),
        ...(statuses && { status: statuses }),
        ...(from && { createdFrom: from }),
        // date_to names the last day included.
        ...(to && { createdTo: new Date(to.getTime() + 86_400_000) }),
        limit: p.offset + p.limit + 1,
      });
      const items = [];
      for (const s of rows.slice(p.offset))
        items.push(listItem(s, idsOf(await linkOf(s, request)), urlOf(s)));
      return page(request, platform.config.publicUrl, p, items);
    },
  );

  const reviewsOf = (s: Session) =>
    reviewsRepo.listAudit(db, s.applicationId, { targetId: s.id, limit: 200 });

  app.get(
    '/v3/session/:id/decision/',
    {
      schema: {
        ...route,
        summary: 'Get the decision (Didit GET /v3/session/{id}/decision/)',
        description:
          'The session with one array per feature (`id_verifications`, `liveness_checks`, `face_matches`, `aml_screenings`, `ip_analyses`, `email_verifications`, `phone_verifications`), each null when the workflow has no such check or it has not run, `questionnaire_responses` (null until the questionnaire is answered), then `reviews` and `resubmit_info`. NFC, proof of address and database validation are always null.',
        params: idParam,
        response: { 200: anyBody, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const { session, link } = await loadSession(request);
      const attempt = await sessionsRepo.findAttempt(db, session.currentAttemptId);
      return decisionBody(
        session,
        attempt,
        idsOf(link),
        { session: urlOf(session) },
        await reviewsOf(session),
        await questionnaireResponses(db, session),
      );
    },
  );

  app.patch(
    '/v3/session/:id/update-status/',
    {
      validatorCompiler: noValidation,
      schema: {
        ...route,
        summary: 'Approve, decline or send back a session (Didit PATCH /v3/session/{id}/update-status/)',
        description:
          '`new_status`: "Approved", "Declined" or "Resubmitted" (with `nodes_to_resubmit:[{node_id, feature}]`), optional `comment`. Decides a session In Review as a reviewer would (audit log, webhook); setting the status a session already has changes nothing. Answers `{session_id}`. openidv does not reopen a session already decided: that is 400.',
        params: idParam,
        body: z.object({
          new_status: z.enum(['Approved', 'Declined', 'Resubmitted']),
          comment: z.string().optional(),
          nodes_to_resubmit: z.array(z.object({ node_id: z.string(), feature: z.string() })).optional(),
        }),
        response: { 200: anyBody, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { session, link } = await loadSession(request);
      const body = objectOf(request.body ?? {}, 'non_field_errors') ?? {};
      const status = body['new_status'];
      if (status !== 'Approved' && status !== 'Declined' && status !== 'Resubmitted')
        throw DiditError.field('new_status', `"${String(status)}" is not a valid choice.`);
      const comment = text(body, 'comment', 'comment', 4000);
      if ((status === 'Approved' || status === 'Declined') && diditStatus(session.status) === status)
        return { session_id: link.externalId };
      let input: ReviewInput;
      if (status === 'Approved') input = { decision: 'approved', ...(comment && { note: comment }) };
      else if (status === 'Declined')
        input = { decision: 'declined', reasonCode: 'OTHER', ...(comment && { note: comment }) };
      else {
        const nodes = body['nodes_to_resubmit'];
        if (!Array.isArray(nodes) || nodes.length === 0)
          throw DiditError.field(
            'nodes_to_resubmit',
            'This field is required when new_status is "Resubmitted".',
          );
        const steps = nodes.flatMap((n) =>
          n && typeof n === 'object' && typeof (n as { feature?: unknown }).feature === 'string'
            ? resubmitSteps((n as { feature: string }).feature)
            : [],
        );
        if (!steps.length)
          throw DiditError.field(
            'nodes_to_resubmit',
            'openidv can send back ID_VERIFICATION (OCR), LIVENESS and FACE_MATCH steps only.',
          );
        input = {
          decision: 'resubmission_requested',
          reasonCode: 'OTHER',
          resubmitSteps: [...new Set(steps)],
          ...(comment && { note: comment }),
        };
      }
      await reviewSession(platform, session.applicationId, session.id, input, reviewerOf(request));
      return { session_id: link.externalId };
    },
  );

  app.delete(
    '/v3/session/:id/delete/',
    {
      schema: {
        ...route,
        summary: 'Delete a session (Didit DELETE /v3/session/{id}/delete/)',
        description:
          "Erases the session's personal data and media (a tombstone stays for audit). Answers 204.",
        params: idParam,
        response: { 204: z.null(), ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { session } = await loadSession(request);
      await deleteSession(platform, session, actorOf(request));
      return reply.code(204).send();
    },
  );

  /** Deletes every listed session of the application, page by page; returns how many it erased. */
  async function deleteWhere(request: FastifyRequest, filter: { vendorData?: string }): Promise<number> {
    let deleted = 0;
    for (;;) {
      const batch = await sessionsRepo.listSessions(db, applicationOf(request), { ...filter, limit: 100 });
      for (const s of batch) await deleteSession(platform, s, actorOf(request));
      deleted += batch.length;
      if (batch.length < 100) return deleted;
    }
  }

  app.post(
    '/v3/sessions/delete/',
    {
      validatorCompiler: noValidation,
      schema: {
        ...route,
        summary: 'Delete sessions in bulk (Didit POST /v3/sessions/delete/)',
        description:
          'Body `{"session_numbers":[1,2,3]}` or `{"delete_all":true}`. Unknown numbers (and sessions of other applications) are skipped silently, as at Didit. Answers 200 `{deleted_count, results:[{session_number, session_id}]}` at once, however many match (Didit answers 202 with a job above 20).',
        body: z.object({
          session_numbers: z.array(z.number().int()).optional(),
          delete_all: z.boolean().optional(),
        }),
        response: { 200: anyBody, ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const body = objectOf(request.body ?? {}, 'non_field_errors') ?? {};
      if (body['delete_all'] === true) return { deleted_count: await deleteWhere(request, {}) };
      const numbers = body['session_numbers'];
      if (!Array.isArray(numbers) || !numbers.length || numbers.some((n) => !Number.isInteger(n)))
        throw DiditError.field('session_numbers', 'Give a list of session numbers, or "delete_all": true.');
      if (numbers.length > 1000) throw DiditError.field('session_numbers', 'At most 1000 per request.');
      const results: { session_number: number; session_id: string }[] = [];
      for (const n of new Set(numbers as number[])) {
        const row = await dialects.findByExternalId(
          db,
          'didit',
          `session-number:${applicationOf(request)}:${n}`,
        );
        const session = row && (await sessionsRepo.findSession(db, applicationOf(request), row.sessionId));
        if (!session || session.deletedAt) continue;
        await deleteSession(platform, session, actorOf(request));
        const link = await dialects.findByInternalId(db, 'didit', session.id);
        results.push({ session_number: n, session_id: link?.externalId ?? session.id });
      }
      return { deleted_count: results.length, results };
    },
  );

  app.get(
    '/v3/sessions/:id/reviews/',
    {
      schema: {
        ...route,
        summary: "List a session's reviews (Didit GET /v3/sessions/{id}/reviews/)",
        description: 'Status changes and notes by reviewers and API calls, oldest first.',
        params: idParam,
        response: { 200: anyBody, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const { session } = await loadSession(request);
      return { results: reviewItems(await reviewsOf(session)) };
    },
  );

  app.post(
    '/v3/sessions/:id/reviews/',
    {
      validatorCompiler: noValidation,
      schema: {
        ...route,
        summary: 'Add a review note (Didit POST /v3/sessions/{id}/reviews/)',
        description:
          'Body `{"comment"}` adds a note to the case. To change the status, use update-status. Answers 201 with the review.',
        params: idParam,
        body: z.object({ comment: z.string() }),
        response: { 201: anyBody, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { session } = await loadSession(request);
      const body = objectOf(request.body ?? {}, 'non_field_errors') ?? {};
      if (body['new_status'] !== undefined)
        throw DiditError.field('new_status', 'Change the status with PATCH /v3/session/{id}/update-status/.');
      const comment = text(body, 'comment', 'comment', 4000);
      if (!comment) throw DiditError.field('comment', 'This field is required.');
      const note = await addNote(platform, session.applicationId, session.id, comment, reviewerOf(request));
      return reply.code(201).send({
        id: note.id,
        user: note.actorLabel ?? note.actor,
        new_status: null,
        comment: note.text,
        created_at: note.createdAt,
      });
    },
  );

  // --------------------------------------------------------------------------------------------- workflows

  app.get(
    '/v3/workflows/',
    {
      schema: {
        ...route,
        summary: 'List workflows (Didit GET /v3/workflows/)',
        description: "The application's openidv workflows, with the Didit features their checks provide.",
        response: { 200: z.array(anyBody), ...errors(401, 403) },
      },
    },
    async (request) =>
      (await workflowsRepo.listWorkflows(db, applicationOf(request))).map((w) => workflowBody(w, base)),
  );

  app.get(
    '/v3/workflows/:id/',
    {
      schema: {
        ...route,
        summary: 'Get a workflow (Didit GET /v3/workflows/{id}/)',
        params: z.object({ id: z.string() }),
        response: { 200: anyBody, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      return workflowBody(await getWorkflow(platform, applicationOf(request), id), base);
    },
  );

  /** The core questionnaire version a Didit questionnaire UUID names (any version's UUID, or the group's). */
  const questionnaireLookup = (request: FastifyRequest) => async (uuid: string) => {
    if (!UUID.test(uuid)) return undefined;
    const link = await resolveExternalId(db, 'didit', 'questionnaire', uuid, applicationOf(request));
    const extra = link && extraOf(link);
    return extra ? { id: extra.questionnaireId, version: extra.version } : undefined;
  };
  const workflowFeatures = z
    .array(z.object({ feature: z.string(), config: z.record(z.string(), z.unknown()).optional() }))
    .optional();
  const workflowInput = z.object({
    workflow_label: z.string().optional(),
    is_default: z.boolean().optional(),
    session_expiration_time: z.number().optional().describe('Minutes.'),
    features: workflowFeatures,
  });
  const workflowInputDoc =
    'Didit\'s ordered `features:[{feature, config}]`, or its older flat form (`workflow_type:"kyc"`, `is_liveness_enabled`, `is_face_match_enabled`, `is_aml_enabled`, thresholds at the top level). OCR → the document check (`documents_allowed`, `duplicated_user_action`), LIVENESS → liveness (`face_liveness_method` passive or active_3d, decline/review thresholds 0–100), FACE_MATCH → face match (decline/review thresholds 0–100), AML → screening (`aml_match_score_threshold`), IP_ANALYSIS → IP risk, QUESTIONNAIRE → the questionnaire of `config.questionnaire_uuid`. `status_rules` become workflow rules. NFC, DATABASE_VALIDATION, KYB_* and settings openidv lacks are refused with a field error; FACE_MATCH and AML need OCR earlier.';

  app.post(
    '/v3/workflows/',
    {
      validatorCompiler: noValidation,
      schema: {
        ...route,
        summary: 'Create a workflow (Didit POST /v3/workflows/)',
        description: `${workflowInputDoc} Answers 201 with the workflow as GET shows it.`,
        body: workflowInput,
        response: { 201: anyBody, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const appId = applicationOf(request);
      const parsed = await parseDiditWorkflow(request.body, questionnaireLookup(request));
      const w = await createWorkflow(platform, appId, parsed.definition, parsed.isDefault ?? false);
      return reply.code(201).send(workflowBody(w, base));
    },
  );

  app.patch(
    '/v3/workflows/:id/',
    {
      validatorCompiler: noValidation,
      schema: {
        ...route,
        summary: 'Update a workflow: a new version (Didit PATCH /v3/workflows/{id}/)',
        description: `Partial. ${workflowInputDoc} \`features\` replaces the Didit features (checks with no Didit feature and rules made natively stay); flat settings change on top of the current ones. Each update is a new openidv version; sessions already created keep theirs.`,
        params: z.object({ id: z.string() }),
        body: workflowInput,
        response: { 200: anyBody, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const appId = applicationOf(request);
      const current = await getWorkflow(platform, appId, id);
      const parsed = await parseDiditWorkflow(request.body, questionnaireLookup(request), current);
      return workflowBody(
        await updateWorkflow(platform, appId, id, parsed.definition, parsed.isDefault),
        base,
      );
    },
  );

  app.delete(
    '/v3/workflows/:id/',
    {
      schema: {
        ...route,
        summary: 'Delete a workflow (Didit DELETE /v3/workflows/{id}/)',
        description:
          'As the native API: refused (400) for the default workflow; sessions already created keep running their version. Answers 204.',
        params: z.object({ id: z.string() }),
        response: { 204: z.null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      await deleteWorkflow(platform, applicationOf(request), id);
      return reply.code(204).send();
    },
  );

  // ------------------------------------------------------------------------------------------------- users

  app.get(
    '/v3/users/',
    {
      schema: {
        ...route,
        summary: 'List users (Didit GET /v3/users/)',
        description:
          'One row per `vendor_data` the application used, most recently seen first: `{vendor_data, session_count, last_session_at}`. Pages as the session list.',
        querystring: z.object({ limit: z.string().optional(), offset: z.string().optional() }),
        response: { 200: anyBody, ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const p = pageOf(request.query);
      const rows = await sessionsRepo.listVendorData(db, applicationOf(request), {
        limit: p.limit + 1,
        offset: p.offset,
      });
      return page(
        request,
        platform.config.publicUrl,
        p,
        rows.map((r) => ({
          vendor_data: r.vendorData,
          session_count: r.sessions,
          last_session_at: r.lastCreatedAt.toISOString(),
        })),
      );
    },
  );

  app.get(
    '/v3/users/:vendorData/',
    {
      schema: {
        ...route,
        summary: 'Get a user by vendor_data (Didit GET /v3/users/{vendor_data}/)',
        description:
          '`{vendor_data, status, session_count, approved_count, declined_count, sessions:[…]}`; `status` is the Didit status of the latest session. 404 when no session has this vendor_data.',
        params: z.object({ vendorData: z.string() }),
        response: { 200: anyBody, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const { vendorData } = request.params as { vendorData: string };
      const rows = await sessionsRepo.listSessions(db, applicationOf(request), { vendorData, limit: 200 });
      if (!rows.length) throw new DiditError(404, NOT_FOUND);
      const sessions = [];
      for (const s of rows) sessions.push(listItem(s, idsOf(await linkOf(s, request)), urlOf(s)));
      return {
        vendor_data: vendorData,
        status: diditStatus(rows[0]!.status),
        session_count: rows.length,
        approved_count: rows.filter((s) => s.status === 'approved').length,
        declined_count: rows.filter((s) => s.status === 'declined').length,
        last_session_at: rows[0]!.createdAt.toISOString(),
        sessions,
      };
    },
  );

  app.post(
    '/v3/users/delete/',
    {
      validatorCompiler: noValidation,
      schema: {
        ...route,
        summary: 'Delete users in bulk (Didit POST /v3/users/delete/)',
        description:
          'Body `{"vendor_data_list":["user-1"]}` or `{"delete_all":true}`: erases every session of those users (personal data and media). Answers `{deleted_count}` (sessions erased).',
        body: z.object({
          vendor_data_list: z.array(z.string()).optional(),
          delete_all: z.boolean().optional(),
        }),
        response: { 200: anyBody, ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const body = objectOf(request.body ?? {}, 'non_field_errors') ?? {};
      if (body['delete_all'] === true) return { deleted_count: await deleteWhere(request, {}) };
      const list = body['vendor_data_list'];
      if (!Array.isArray(list) || !list.length || list.some((v) => typeof v !== 'string' || !v))
        throw DiditError.field(
          'vendor_data_list',
          'Give a list of vendor_data values, or "delete_all": true.',
        );
      if (list.length > 1000) throw DiditError.field('vendor_data_list', 'At most 1000 per request.');
      let deleted = 0;
      for (const vendorData of new Set(list as string[]))
        deleted += await deleteWhere(request, { vendorData });
      return { deleted_count: deleted };
    },
  );

  // --------------------------------------------------------------------------------------------- blocklist

  app.get(
    '/v3/blocklist/',
    {
      schema: {
        ...route,
        summary: 'List the blocklist (Didit GET /v3/blocklist/)',
        description:
          '`{results:[{uuid, item_type, value, comment, session_id, created_at}]}`: documents, phones and emails (masked: openidv keeps only keyed digests) and faces. `item_type` filters: face, document, phone, email.',
        querystring: z.object({ item_type: z.enum(['face', 'document', 'phone', 'email']).optional() }),
        response: { 200: anyBody, ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const { item_type: itemType } = request.query as { item_type?: string };
      if (itemType && !['face', 'document', 'phone', 'email'].includes(itemType))
        throw DiditError.field('item_type', `"${itemType}" is not a valid choice.`);
      const appId = applicationOf(request);
      const results: Record<string, unknown>[] = [];
      for (const kind of ['document', 'phone', 'email'] as const) {
        if (itemType && itemType !== kind) continue;
        for (const e of await risk.listBlocklistEntries(db, { applicationId: appId, kind, limit: 500 }))
          results.push({
            uuid: e.id,
            item_type: kind,
            value: e.display,
            comment: e.note,
            session_id: null,
            created_at: e.createdAt.toISOString(),
          });
      }
      if (!itemType || itemType === 'face') {
        for (const f of await blockedFaces(appId)) {
          const link = f.sessionId ? await dialects.findByInternalId(db, 'didit', f.sessionId) : undefined;
          results.push({
            uuid: f.id,
            item_type: 'face',
            value: null,
            comment: f.note,
            session_id: link?.externalId ?? null,
            created_at: f.createdAt.toISOString(),
          });
        }
      }
      return { results };
    },
  );

  /** The values of a session Didit's blocklist flags name: its face, document number, phone and email. */
  async function sessionValues(session: Session) {
    const attempt = await sessionsRepo.findAttempt(db, session.currentAttemptId);
    const document = attempt?.decision?.document.number?.value ?? session.expected.document?.number;
    const email = session.collected.email ?? session.expected.person?.email;
    const phone = session.collected.phone ?? session.expected.person?.phone;
    return {
      document: typeof document === 'string' ? document : undefined,
      email: typeof email === 'string' ? email : undefined,
      phone: typeof phone === 'string' ? phone : undefined,
    };
  }

  const blocklistBody = z.object({
    session_id: z.string(),
    blocklist_face: z.boolean().optional(),
    blocklist_document: z.boolean().optional(),
    blocklist_phone: z.boolean().optional(),
    blocklist_email: z.boolean().optional(),
  });

  async function blocklistRequest(request: FastifyRequest) {
    const body = objectOf(request.body ?? {}, 'non_field_errors') ?? {};
    const sessionId = body['session_id'];
    if (typeof sessionId !== 'string' || !sessionId)
      throw DiditError.field('session_id', 'This field is required.');
    const flags = (['face', 'document', 'phone', 'email'] as const).filter(
      (k) => body[`blocklist_${k}`] === true,
    );
    if (!flags.length)
      throw DiditError.field('non_field_errors', 'At least one blocklist_* flag must be true.');
    const { session } = await loadSessionById(request, sessionId);
    return { session, flags, values: await sessionValues(session) };
  }

  app.post(
    '/v3/blocklist/add/',
    {
      validatorCompiler: noValidation,
      schema: {
        ...route,
        summary: "Blocklist a session's face, document, phone or email (Didit POST /v3/blocklist/add/)",
        description:
          "Body `{session_id, blocklist_face, blocklist_document, blocklist_phone, blocklist_email}` (at least one true). Adds what the session holds to the application's blocklists, which the blocklist and face checks read. 400 when the session has no such value.",
        body: blocklistBody,
        response: { 200: anyBody, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { session, flags, values } = await blocklistRequest(request);
      const appId = applicationOf(request);
      for (const kind of flags) {
        if (kind === 'face') continue;
        if (!values[kind])
          throw DiditError.field(`blocklist_${kind}`, `The session has no ${kind} to blocklist.`);
      }
      for (const kind of flags) {
        if (kind === 'face') {
          const existing = (await blockedFaces(appId)).some((f) => f.sessionId === session.id);
          if (!existing)
            await blocklistFace(
              platform,
              appId,
              { sessionId: session.id, note: 'Didit API' },
              actorOf(request),
            );
        } else {
          await addToBlocklist(
            platform,
            appId,
            kind,
            { value: values[kind]!, note: 'Didit API' },
            actorOf(request),
          );
        }
      }
      return { message: `Blocklisted ${flags.join(', ')} of the session.`, blocklisted: flags };
    },
  );

  app.post(
    '/v3/blocklist/remove/',
    {
      validatorCompiler: noValidation,
      schema: {
        ...route,
        summary: "Remove a session's values from the blocklist (Didit POST /v3/blocklist/remove/)",
        description:
          'Same body as add; removes the entries that came from those values. Unlisted values are skipped.',
        body: blocklistBody,
        response: { 200: anyBody, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { session, flags, values } = await blocklistRequest(request);
      const appId = applicationOf(request);
      const removed: string[] = [];
      for (const kind of flags) {
        if (kind === 'face') {
          for (const f of await blockedFaces(appId)) {
            if (f.sessionId !== session.id) continue;
            if (await facesRepo.deleteFaceTemplate(db, appId, f.id)) removed.push('face');
          }
          continue;
        }
        const value = values[kind];
        const entry = value ? await findInBlocklist(platform, appId, kind, value) : undefined;
        if (entry && (await risk.deleteBlocklistEntry(db, appId, entry.id, kind))) removed.push(kind);
      }
      return {
        message: removed.length ? `Removed ${removed.join(', ')}.` : 'Nothing was blocklisted.',
        removed,
      };
    },
  );

  // ---------------------------------------------------------------------------------------- questionnaires

  /** A Didit questionnaire id (one version's UUID): the core questionnaire, if not deleted, and that version. */
  async function loadQuestionnaire(request: FastifyRequest) {
    const { id } = request.params as { id: string };
    if (!UUID.test(id)) throw new DiditError(404, NOT_FOUND);
    const link = await resolveExternalId(db, 'didit', 'questionnaire', id, applicationOf(request));
    const extra = link && extraOf(link);
    const current =
      extra && (await questionnairesRepo.findQuestionnaire(db, link!.applicationId, extra.questionnaireId));
    if (!link || !extra || !current) throw new DiditError(404, NOT_FOUND);
    const definition =
      extra.version === current.version
        ? current
        : await questionnairesRepo.findQuestionnaireVersion(db, current.id, extra.version);
    if (!definition) throw new DiditError(404, NOT_FOUND);
    return { link, extra, current, definition };
  }

  const questionnaireView = async (q: Questionnaire) =>
    questionnaireBody(db, await versionLink(db, q.applicationId, q.id, q.version), q, {
      createdAt: q.createdAt,
      updatedAt: q.updatedAt,
      publishedAt: q.updatedAt,
    });

  const formElements = z
    .array(
      z.object({
        id: z.string().optional().describe('The question id; made from the label when left out.'),
        element_type: z
          .string()
          .describe(
            'short_text, long_text, number, email, date_picker, dropdown, single_choice, multiple_choice (also upper case); phone and country are openidv additions. file_upload, image and layout elements are refused.',
          ),
        label: z.record(z.string(), z.string()).describe('Texts by language code.'),
        description: z.record(z.string(), z.string()).optional(),
        is_required: z.boolean().optional(),
        options: z
          .array(z.object({ value: z.string().optional(), label: z.record(z.string(), z.string()) }))
          .optional(),
        validation: z.object({ pattern: z.string() }).optional(),
      }),
    )
    .describe('The questions in display order; linear only (no graph, branches or next).');

  app.get(
    '/v3/questionnaires/',
    {
      schema: {
        ...route,
        summary: 'List questionnaires (Didit GET /v3/questionnaires/)',
        description:
          "The application's questionnaires (the latest version of each), paged as the session list: `{count, next, previous, results:[{uuid, questionnaire_id, questionnaire_group_id, version, title, description, languages, default_language, is_active, is_simple_questionnaire, question_types, workflow_names, created_at, updated_at}]}`.",
        querystring: z.object({ limit: z.string().optional(), offset: z.string().optional() }),
        response: { 200: anyBody, ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const p = pageOf(request.query);
      const appId = applicationOf(request);
      const all = await questionnairesRepo.listQuestionnaires(db, appId);
      const flows = await workflowsRepo.listWorkflows(db, appId);
      const results = [];
      for (const q of all.slice(p.offset, p.offset + p.limit + 1)) {
        const {
          graph: _g,
          sections: _s,
          status: _st,
          is_editable: _e,
          published_at: _p,
          ...row
        } = await questionnaireView(q);
        results.push({
          ...row,
          workflow_names: flows.filter((w) => w.questionnaire?.id === q.id).map((w) => w.name),
        });
      }
      return page(request, platform.config.publicUrl, p, results);
    },
  );

  app.post(
    '/v3/questionnaires/',
    {
      validatorCompiler: noValidation,
      schema: {
        ...route,
        summary: 'Create a questionnaire (Didit POST /v3/questionnaires/)',
        description:
          'Body `{title, description, default_language, languages, form_elements:[{id, element_type, label, description, is_required, options:[{value, label}], validation:{pattern}}]}`: an openidv questionnaire, published as version 1. Answers 201 with the questionnaire as GET shows it. An element type openidv has no question for (file_upload, image, layout elements) is refused with a field error.',
        body: z.object({
          title: z.string(),
          description: z.string().optional(),
          default_language: z.string().optional(),
          languages: z.array(z.string()).optional(),
          form_elements: formElements,
        }),
        response: { 201: anyBody, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const appId = applicationOf(request);
      const parsed = parseDiditQuestionnaire(request.body ?? {});
      const q = await createQuestionnaire(platform, appId, parsed.definition);
      await recordVersion(db, appId, q.id, q.version, parsed.extra);
      return reply.code(201).send(await questionnaireView(q));
    },
  );

  app.get(
    '/v3/questionnaires/:id/',
    {
      schema: {
        ...route,
        summary: 'Get a questionnaire version (Didit GET /v3/questionnaires/{id}/)',
        description:
          '`{questionnaire_id, title, description, languages, default_language, is_active, is_simple_questionnaire, graph:{start_node, nodes}, sections, questionnaire_group_id, version, status, published_at, is_editable}` for the version this id names.',
        params: z.object({ id: z.string().describe('A Didit questionnaire id (UUID of one version).') }),
        response: { 200: anyBody, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const { link, extra, current, definition } = await loadQuestionnaire(request);
      const latest = extra.version === current.version;
      return questionnaireBody(db, link, definition, {
        createdAt: current.createdAt,
        updatedAt: latest ? current.updatedAt : link.createdAt,
        publishedAt: latest ? current.updatedAt : null,
      });
    },
  );

  app.patch(
    '/v3/questionnaires/:id/',
    {
      validatorCompiler: noValidation,
      schema: {
        ...route,
        summary: 'Update a questionnaire: a new version (Didit PATCH /v3/questionnaires/{id}/)',
        description:
          'Partial: `title`, `description`, or the whole `form_elements` list (replacing the questions). Every update publishes a new version with a new `questionnaire_id` (Didit\'s update with `status: "published"`); the id patched keeps naming its version. Any version id of the questionnaire updates its latest version. `status: "draft"` is refused.',
        params: z.object({ id: z.string() }),
        body: z.object({
          title: z.string().optional(),
          description: z.string().optional(),
          status: z.enum(['published']).optional(),
          form_elements: formElements.optional(),
        }),
        response: { 200: anyBody, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { current } = await loadQuestionnaire(request);
      const appId = applicationOf(request);
      const latest = await versionLink(db, appId, current.id, current.version);
      const parsed = parseDiditQuestionnaire(request.body ?? {}, {
        definition: current,
        extra: extraOf(latest),
      });
      const q = await updateQuestionnaire(platform, appId, current.id, parsed.definition);
      await recordVersion(db, appId, q.id, q.version, parsed.extra);
      return questionnaireView(q);
    },
  );

  app.delete(
    '/v3/questionnaires/:id/',
    {
      schema: {
        ...route,
        summary: 'Delete a questionnaire (Didit DELETE /v3/questionnaires/{id}/)',
        description:
          'Deletes the questionnaire with all its versions (sessions that answered one keep it). Refused (400) while an openidv workflow uses it. Answers 204.',
        params: z.object({ id: z.string() }),
        response: { 204: z.null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { current } = await loadQuestionnaire(request);
      await archiveQuestionnaire(platform, applicationOf(request), current.id);
      return reply.code(204).send();
    },
  );

  // ------------------------------------------------- what openidv does not run: documented errors, not 404s

  const unsupported = (what: string) => async () => {
    throw new DiditError(501, `${what} ${DOCS}`);
  };
  const unsupportedRoute = (
    method: 'get' | 'post' | 'patch' | 'delete',
    path: string,
    summary: string,
    what: string,
  ) =>
    app[method](path, { schema: { ...route, summary, response: errors(401, 403, 501) } }, unsupported(what));

  unsupportedRoute(
    'patch',
    '/v3/users/:vendorData/',
    'Not supported: update a user',
    'openidv keeps no user records beyond sessions: keep user metadata in your system, or on sessions as metadata.',
  );
  const billing =
    'openidv is self-hosted: there are no prepaid credits to read or top up. Usage per month is at /v1/usage.';
  unsupportedRoute('get', '/v3/billing/balance/', 'Not supported: credit balance', billing);
  unsupportedRoute('post', '/v3/billing/top-up/', 'Not supported: credit top-up', billing);
}

/** The domain's questionnaire problems ("questions[1].options: …") as Didit field errors on form_elements. */
function questionnaireProblems(e: DomainError): DiditError {
  const problems = Array.isArray(e.details?.['problems']) ? (e.details['problems'] as string[]) : [e.message];
  const fields: Record<string, string[]> = {};
  for (const p of problems) {
    const m = /^([^:\s]+): (.*)$/.exec(p);
    const field = (m?.[1] ?? 'non_field_errors')
      .replace(/^questions\[(\d+)\]/, 'form_elements.$1')
      .replace(/\[(\d+)\]/g, '.$1');
    fields[field] = [...(fields[field] ?? []), m?.[2] ?? p];
  }
  return new DiditError(400, e.message, fields);
}

function sendDiditError(reply: FastifyReply, e: DiditError): FastifyReply {
  return reply.code(e.httpStatus).type('application/json; charset=utf-8').send(e.body());
}

/** Core errors in Didit's words. */
function toDiditError(err: Error, request: FastifyRequest): DiditError {
  if (err instanceof DiditError) return err;
  if (isDomainError(err)) {
    const e = err as DomainError;
    switch (e.code) {
      case 'NOT_FOUND':
        return new DiditError(404, NOT_FOUND);
      case 'NOT_IN_REVIEW':
      case 'INVALID_TRANSITION':
      case 'SESSION_EXPIRED':
        return new DiditError(400, `The session status cannot be changed: ${e.message}`);
      case 'CASE_CLAIMED':
        return new DiditError(409, e.message);
      case 'VALIDATION_FAILED':
      case 'BAD_REQUEST':
      case 'NO_FACE_FOUND':
      case 'UNSUPPORTED_MEDIA_TYPE':
        return new DiditError(400, e.message);
      case 'RATE_LIMITED':
        return new DiditError(429, e.message);
      case 'QUESTIONNAIRE_IN_USE':
        return new DiditError(400, `The questionnaire cannot be deleted: ${e.message}`);
      case 'QUESTIONNAIRE_INVALID':
        return questionnaireProblems(e);
      case 'WORKFLOW_INVALID':
        return new DiditError(400, e.message);
      case 'WORKFLOW_IN_USE':
        return new DiditError(400, `The workflow cannot be deleted: ${e.message}`);
      default:
        break;
    }
  }
  const status = (err as { statusCode?: number }).statusCode;
  if (status === 413) return new DiditError(413, 'The body is larger than this server accepts.');
  if (status === 415) return new DiditError(415, 'Unsupported media type in request; send application/json.');
  if (status && status >= 400 && status < 500) return new DiditError(400, err.message);
  request.log.error({ err, reqId: request.id }, 'didit dialect: unhandled error');
  return new DiditError(500, 'A server error occurred; it was logged with the request id.');
}
