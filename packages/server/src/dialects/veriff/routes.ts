import { createHash, timingSafeEqual } from 'node:crypto';
import { type DomainError, isDomainError, type Session } from '@openidv/domain';
import { type DialectIdRow, dialects, media as mediaRepo, sessions as sessionsRepo } from '@openidv/storage';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import {
  type AuthenticatedCredential,
  authenticateDialectKey,
} from '../../usecases/dialects/dialect-credentials.ts';
import { addCollectedData } from '../../usecases/sessions/add-collected-data.ts';
import { addMedia } from '../../usecases/sessions/add-media.ts';
import { changeSessionStatus } from '../../usecases/sessions/change-session-status.ts';
import { type CreateSessionInput, createSession } from '../../usecases/sessions/create-session.ts';
import { deleteSession } from '../../usecases/sessions/delete-session.ts';
import { findSessionOrThrow } from '../../usecases/sessions/find-session.ts';
import { journeyUrl } from '../../usecases/sessions/present-session.ts';
import { toAlpha3 } from '../countries.ts';
import { externalIdFor, resolveExternalId } from '../ids.ts';
import { limitDialectRate } from '../rate-limit.ts';
import { contextName, coreDocumentType, VERIFF_CONTEXTS, VeriffError, veriffStatus } from './codes.ts';
import {
  decisionBody,
  personBody,
  type VeriffSessionExtra,
  verificationBody,
  watchlistBody,
} from './present.ts';
import { veriffHmac } from './webhook-format.ts';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
    veriffAuth?: AuthenticatedCredential;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX64 = /^[0-9a-f]{64}$/i;
const ONE_HOUR_MS = 3_600_000;
const tags = ['Compat: Veriff'];

/** Headers every Veriff request carries, documented once. */
const authHeaders = z.object({
  'x-auth-client': z
    .string()
    .describe('The API key of a Veriff dialect credential (`openidv keys create --dialect veriff`).'),
  'x-hmac-signature': z
    .string()
    .optional()
    .describe(
      'Hex HMAC-SHA256 with the shared secret: of the exact body for POST/PATCH, of the id in the path for GET/DELETE. Not needed on POST /sessions. The legacy `X-SIGNATURE` (hex SHA-256 of payload followed by the secret) is accepted too.',
    ),
  'vrf-integration-id': z
    .string()
    .optional()
    .describe("The credential's integration id (flexible API keys)."),
});
const idParam = z.object({ id: z.string().describe('A Veriff-style UUID v4.') });
const failBody = z
  .object({ status: z.literal('fail'), code: z.string(), message: z.string() })
  .describe(
    'Veriff error: `code` is a Veriff troubleshooting/authorization code, or the HTTP status when Veriff has none.',
  );
const anyBody = z.record(z.string(), z.unknown());
const fail = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, failBody]));

/** Validation is the dialect's own (to answer Veriff's codes); the zod schemas document the routes. */
const noValidation = () => (data: unknown) => ({ value: data });

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase(), 'utf8');
  const y = Buffer.from(b.toLowerCase(), 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks a body or path-id timestamp the Veriff way: ISO 8601, at most an hour old (replays are refused). */
function assertFreshTimestamp(value: unknown, now: Date): void {
  if (value === undefined || value === null) return;
  if (
    typeof value !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}|UTC)?$/.test(value)
  ) {
    throw new VeriffError(400, '1202');
  }
  const t = Date.parse(value.replace(/UTC$/, 'Z'));
  if (Number.isNaN(t)) throw new VeriffError(400, '1202');
  if (now.getTime() - t > ONE_HOUR_MS || t - now.getTime() > ONE_HOUR_MS) throw new VeriffError(400, '1201');
}

/** A JWT like Veriff's legacy `sessionToken`: HS256 over the session id with the credential's secret. */
function sessionToken(secret: string, sessionId: string, iid: string, now: Date): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ session_id: sessionId, iid, iat: Math.floor(now.getTime() / 1000) })}`;
  return `${head}.${Buffer.from(veriffHmac(secret, head), 'hex').toString('base64url')}`;
}

/**
 * Veriff Public API v1 under `/compat/veriff/v1`: a thin adapter that authenticates and validates the Veriff
 * way and calls the same use cases as the native API. Errors are Veriff's `{"status":"fail","code","message"}`.
 */
export async function veriffRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  // Signatures cover the exact bytes, so the dialect keeps the raw body next to the parsed one.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const raw = body as Buffer;
    request.rawBody = raw;
    if (raw.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(raw.toString('utf8')));
    } catch {
      done(new VeriffError(400, '1104', 'The body is not valid JSON.'), undefined);
    }
  });

  app.setErrorHandler((err, request, reply) => sendVeriffError(reply, toVeriffError(err as Error, request)));
  app.setNotFoundHandler((request, reply) =>
    sendVeriffError(
      reply,
      new VeriffError(404, '404', `No route ${request.method} ${request.url.split('?')[0]}.`),
    ),
  );

  // The JS SDK creates sessions from the integrator's page, in the browser (the API key is publishable).
  app.addHook('onRequest', async (request, reply) => {
    reply.header('access-control-allow-origin', '*');
    if (request.method === 'OPTIONS') return;
    const key = header(request, 'x-auth-client');
    if (!key) throw new VeriffError(401, '1801');
    if (!UUID.test(key)) throw new VeriffError(401, '1802');
    const auth = await authenticateDialectKey(platform, 'veriff', key);
    if (!auth) throw new VeriffError(401, '1803');
    if (auth.credential.revokedAt) throw new VeriffError(401, '1804');
    const integration = header(request, 'vrf-integration-id');
    if (integration && integration !== auth.credential.integrationId) throw new VeriffError(401, '1803');
    request.veriffAuth = auth;
  });
  await limitDialectRate(
    app,
    platform,
    (request) => request.veriffAuth?.credential.id,
    (context) =>
      new VeriffError(429, '429', `Rate limit of ${context.max} requests per minute exceeded; retry later.`),
  );
  // Veriff signs its responses with the same key pair: X-AUTH-CLIENT and X-HMAC-SIGNATURE of the body.
  app.addHook('onSend', async (request, reply, payload) => {
    const auth = request.veriffAuth;
    if (auth && (typeof payload === 'string' || Buffer.isBuffer(payload))) {
      const signature = veriffHmac(auth.secret, payload);
      reply.header('x-auth-client', auth.key).header('x-hmac-signature', signature);
      reply.header('vrf-auth-client', auth.key).header('vrf-hmac-signature', signature);
      reply.header('vrf-integration-id', auth.credential.integrationId);
    }
    return payload;
  });

  /** Verifies X-HMAC-SIGNATURE (or the legacy X-SIGNATURE) over the body or the path id. */
  const signed =
    (what: 'body' | 'id' | 'optional-body') =>
    async (request: FastifyRequest): Promise<void> => {
      const auth = request.veriffAuth!;
      const hmac = header(request, 'x-hmac-signature');
      const legacy = header(request, 'x-signature');
      if (what === 'optional-body' && !hmac && !legacy) return;
      const payload =
        what === 'id'
          ? Buffer.from((request.params as { id: string }).id, 'utf8')
          : (request.rawBody ?? Buffer.alloc(0));
      const onBody = what !== 'id';
      if (hmac !== undefined) {
        if (!HEX64.test(hmac)) throw new VeriffError(401, '1812');
        if (!safeEqualHex(hmac, veriffHmac(auth.secret, payload)))
          throw new VeriffError(401, onBody ? '1819' : '1818');
        return;
      }
      if (legacy !== undefined) {
        if (!HEX64.test(legacy)) throw new VeriffError(401, '1812');
        const expected = createHash('sha256').update(payload).update(auth.secret).digest('hex');
        if (!safeEqualHex(legacy, expected)) throw new VeriffError(401, onBody ? '1814' : '1813');
        return;
      }
      throw new VeriffError(
        401,
        '1812',
        'The X-HMAC-SIGNATURE header is missing; it must be a hex HMAC-SHA256.',
      );
    };

  const applicationOf = (request: FastifyRequest) => request.veriffAuth!.credential.applicationId;
  const actorOf = (request: FastifyRequest) => `api:${request.veriffAuth!.credential.id}`;
  const owner = (s: Session, request: FastifyRequest) => ({
    applicationId: s.applicationId,
    sessionId: s.id,
    credentialId: request.veriffAuth!.credential.id,
  });

  async function loadSession(request: FastifyRequest): Promise<{ session: Session; link: DialectIdRow }> {
    const { id } = request.params as { id: string };
    if (!UUID.test(id)) throw new VeriffError(400, '1002');
    const link = await resolveExternalId(
      platform.database.db,
      'veriff',
      'session',
      id,
      applicationOf(request),
    );
    if (!link) throw new VeriffError(404, '404', 'Session not found.');
    try {
      return { session: await findSessionOrThrow(platform, link.applicationId, link.internalId), link };
    } catch {
      throw new VeriffError(404, '404', 'Session not found.');
    }
  }
  const attemptExternalId = async (s: Session, request: FastifyRequest, attemptId: string) =>
    (await externalIdFor(platform.database.db, 'veriff', 'attempt', attemptId, owner(s, request))).externalId;

  const present = async (s: Session, link: DialectIdRow, request: FastifyRequest) =>
    verificationBody(
      s,
      link.externalId,
      journeyUrl(platform.config.publicUrl, s.journeyToken),
      platform.config.publicUrl,
      sessionToken(
        request.veriffAuth!.secret,
        link.externalId,
        request.veriffAuth!.credential.integrationId,
        s.createdAt,
      ),
    );

  app.options('/v1/sessions', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .header('access-control-allow-methods', 'POST, OPTIONS')
      .header(
        'access-control-allow-headers',
        'content-type, x-auth-client, x-origin, vrf-integration-id, x-hmac-signature',
      )
      .header('access-control-max-age', '600')
      .code(204)
      .send(),
  );

  app.post(
    '/v1/sessions',
    {
      preHandler: signed('optional-body'),
      validatorCompiler: noValidation,
      schema: {
        tags,
        summary: 'Create a verification session (Veriff POST /v1/sessions)',
        description:
          'Minimum body `{"verification":{}}`. Reads `verification.callback` (https), `person.{firstName,lastName,idNumber,dateOfBirth,gender}`, `document.{number,type,country}`, `vendorData`, `endUserId`, `lang`, `timestamp`; `person`/`document`/`vendorData` are also accepted at the top level. Answers `201 {status:"success", verification:{id,url,vendorData,host,status:"created",sessionToken,baseUrl}}`; `url` is the applicant journey.',
        security: [],
        headers: authHeaders,
        body: z.object({ verification: anyBody }).describe('Veriff session request.'),
        response: { 201: anyBody.describe('`{status, verification}`'), ...fail(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const v = body['verification'];
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new VeriffError(400, '1102');
      const ver = v as Record<string, unknown>;
      const pick = (k: string) => ver[k] ?? body[k];
      const now = platform.now();
      assertFreshTimestamp(ver['timestamp'], now);
      const vendorData = pick('vendorData');
      if (vendorData !== undefined && vendorData !== null && typeof vendorData !== 'string')
        throw new VeriffError(400, '1501');
      if (typeof vendorData === 'string' && vendorData.length > 1000) throw new VeriffError(400, '1500');
      const callback = ver['callback'];
      if (callback !== undefined && callback !== null && callback !== '') {
        if (
          typeof callback !== 'string' ||
          !/^https:\/\/[^\s]+$/i.test(callback) ||
          !URL.canParse(callback)
        ) {
          throw new VeriffError(400, '1302');
        }
      }
      const features = ver['features'];
      if (features !== undefined && (!Array.isArray(features) || features.some((f) => f !== 'selfid'))) {
        throw new VeriffError(400, '1301');
      }
      const input: CreateSessionInput = {};
      if (typeof vendorData === 'string' && vendorData.trim()) input.vendorData = vendorData;
      if (typeof callback === 'string' && callback) input.callbackUrl = callback;
      const person = pick('person');
      if (person !== undefined && person !== null) {
        if (typeof person !== 'object') throw new VeriffError(400, '1104');
        const p = person as Record<string, unknown>;
        const text = (k: string, max = 200) => {
          const x = p[k];
          if (x === undefined || x === null || x === '') return undefined;
          if (typeof x !== 'string' || x.length > max)
            throw new VeriffError(400, '1104', `person.${k} must be a string of at most ${max} characters.`);
          return x.trim() || undefined;
        };
        const dob = text('dateOfBirth', 10);
        if (dob && (!/^\d{4}-\d{2}-\d{2}$/.test(dob) || Number.isNaN(Date.parse(dob))))
          throw new VeriffError(400, '1203');
        const expected = {
          ...(text('firstName') && { firstName: text('firstName')! }),
          ...(text('lastName') && { lastName: text('lastName')! }),
          ...(text('idNumber', 100) && { idNumber: text('idNumber', 100)! }),
          ...(dob && { dateOfBirth: dob }),
        };
        if (Object.keys(expected).length) input.person = expected;
      }
      const document = pick('document');
      if (document !== undefined && document !== null) {
        if (typeof document !== 'object') throw new VeriffError(400, '1104');
        const d = document as Record<string, unknown>;
        const type = typeof d['type'] === 'string' ? coreDocumentType(d['type']) : undefined;
        if (d['type'] !== undefined && !type)
          throw new VeriffError(400, '1104', 'document.type is not a Veriff document type.');
        const country = typeof d['country'] === 'string' ? toAlpha3(d['country']) : undefined;
        if (country !== undefined && !/^[A-Z]{2,3}$/.test(country))
          throw new VeriffError(400, '1104', 'document.country must be ISO 3166 alpha-2.');
        const number = typeof d['number'] === 'string' && d['number'] ? d['number'].slice(0, 64) : undefined;
        input.document = {
          ...(type && { type: type as NonNullable<CreateSessionInput['document']>['type'] }),
          ...(country && { country }),
          ...(number && { number }),
        };
      }
      const lang = ver['lang'] ?? body['lang'];
      if (typeof lang === 'string' && /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(lang)) input.locale = lang;
      const endUserId = pick('endUserId');
      const extra: VeriffSessionExtra = {
        endUserId: typeof endUserId === 'string' ? endUserId.slice(0, 200) : null,
      };

      const session = await createSession(platform, applicationOf(request), input, actorOf(request));
      const link = await externalIdFor(
        platform.database.db,
        'veriff',
        'session',
        session.id,
        owner(session, request),
        { ...extra },
      );
      await attemptExternalId(session, request, session.currentAttemptId);
      return reply.code(201).send(await present(session, link, request));
    },
  );

  app.post(
    '/v1/sessions/:id/media',
    {
      bodyLimit: Math.ceil((platform.config.uploadLimitBytes * 4) / 3) + 8192,
      preHandler: signed('body'),
      validatorCompiler: noValidation,
      schema: {
        tags,
        summary: 'Upload an image (Veriff POST /v1/sessions/{id}/media)',
        description: `Body \`{"image":{"context","content":"<base64>","timestamp"}}\`, one image per request. Contexts: ${Object.keys(VERIFF_CONTEXTS).join(', ')}. After the session is submitted: 409.`,
        security: [],
        headers: authHeaders,
        params: idParam,
        body: z.object({
          image: z.object({ context: z.string(), content: z.string(), timestamp: z.string().optional() }),
        }),
        response: {
          200: anyBody.describe('`{status:"success", image:{context,id,name,url,timestamp,size,mimetype}}`'),
          ...fail(400, 401, 404, 409, 413),
        },
      },
    },
    async (request) => {
      const { session, link } = await loadSession(request);
      const image = (request.body as Record<string, unknown> | undefined)?.['image'];
      if (!image || typeof image !== 'object') throw new VeriffError(400, '1403');
      const img = image as Record<string, unknown>;
      if (typeof img['content'] !== 'string' || !img['content']) throw new VeriffError(400, '1400');
      const context = img['context'];
      if (typeof context !== 'string' || !(context in VERIFF_CONTEXTS)) throw new VeriffError(400, '1402');
      assertFreshTimestamp(img['timestamp'], platform.now());
      const b64 = img['content'].replace(/^data:[^,]*,/, '');
      if (!/^[A-Za-z0-9+/=_\-\s]+$/.test(b64)) throw new VeriffError(400, '1401');
      const bytes = Buffer.from(b64, 'base64');
      if (bytes.length === 0) throw new VeriffError(400, '1400');
      const row = await addMedia(
        platform,
        session,
        { context: VERIFF_CONTEXTS[context]!, bytes },
        actorOf(request),
      );
      const ext = await externalIdFor(
        platform.database.db,
        'veriff',
        'media',
        row.id,
        owner(session, request),
        { context },
      );
      return {
        status: 'success',
        image: {
          context,
          id: ext.externalId,
          name: context,
          url: `${platform.config.publicUrl}/compat/veriff/v1/media/${ext.externalId}`,
          sessionId: link.externalId,
          timestamp: typeof img['timestamp'] === 'string' ? img['timestamp'] : row.createdAt.toISOString(),
          size: row.size,
          mimetype: row.mimeType,
        },
      };
    },
  );

  app.post(
    '/v1/sessions/:id/collected-data',
    {
      preHandler: signed('body'),
      validatorCompiler: noValidation,
      schema: {
        tags,
        summary: 'Add data you collected (Veriff POST /v1/sessions/{id}/collected-data)',
        description:
          'Required: `providerName`, `network.ip`, `device.fingerprint`; optional `person.email`, `person.phoneNumber`. Only while the session is created or started (else 409).',
        security: [],
        headers: authHeaders,
        params: idParam,
        body: anyBody,
        response: { 200: anyBody.describe('`{status:"success"}`'), ...fail(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const { session, link } = await loadSession(request);
      type Collected = {
        providerName?: unknown;
        network?: { ip?: unknown };
        device?: { fingerprint?: unknown };
        person?: { email?: unknown; phoneNumber?: unknown };
      };
      const b = (request.body ?? {}) as Collected;
      const providerName = b['providerName'];
      const ip = b['network']?.['ip'];
      const fingerprint = b['device']?.['fingerprint'];
      if (!providerName || !ip || !fingerprint) throw new VeriffError(400, '1102');
      if (typeof providerName !== 'string' || providerName.length > 255) throw new VeriffError(400, '1104');
      if (typeof fingerprint !== 'string' || fingerprint.length > 255) throw new VeriffError(400, '1104');
      if (typeof ip !== 'string' || !(z.ipv4().safeParse(ip).success || z.ipv6().safeParse(ip).success))
        throw new VeriffError(400, '1104', 'network.ip must be an IPv4 or IPv6 address.');
      if (session.status !== 'created' && session.status !== 'started') {
        throw new VeriffError(
          409,
          '409',
          `Collected data is accepted while the session is created or started; it is ${veriffStatus(session.status).status}.`,
        );
      }
      const email = b['person']?.['email'];
      const phone = b['person']?.['phoneNumber'];
      await addCollectedData(platform, session, {
        ip,
        deviceFingerprint: fingerprint,
        ...(typeof email === 'string' && email && { email }),
        ...(typeof phone === 'string' && phone && { phone }),
      });
      await dialects.updateExtra(platform.database.db, 'veriff', link.externalId, {
        ...link.extra,
        providerName,
      });
      return { status: 'success' };
    },
  );

  app.patch(
    '/v1/sessions/:id',
    {
      preHandler: signed('body'),
      validatorCompiler: noValidation,
      schema: {
        tags,
        summary: 'Submit a session (Veriff PATCH /v1/sessions/{id})',
        description:
          'Body `{"verification":{"status":"submitted","timestamp"}}`. Other statuses: 400 code 1303.',
        security: [],
        headers: authHeaders,
        params: idParam,
        body: z.object({
          verification: z.object({ status: z.literal('submitted'), timestamp: z.string().optional() }),
        }),
        response: { 200: anyBody.describe('`{status, verification}`'), ...fail(400, 401, 404) },
      },
    },
    async (request) => {
      const { session, link } = await loadSession(request);
      const ver = (request.body as { verification?: Record<string, unknown> } | undefined)?.verification;
      if (!ver || typeof ver !== 'object' || ver['status'] === undefined) throw new VeriffError(400, '1102');
      if (ver['status'] !== 'submitted') throw new VeriffError(400, '1303');
      assertFreshTimestamp(ver['timestamp'], platform.now());
      const updated = await changeSessionStatus(platform, session, 'submitted', actorOf(request));
      return present(updated, link, request);
    },
  );

  app.delete(
    '/v1/sessions/:id',
    {
      preHandler: signed('id'),
      schema: {
        tags,
        summary: 'Delete a session (Veriff DELETE /v1/sessions/{id})',
        description: "Erases the session's personal data and media (a tombstone stays for audit).",
        security: [],
        headers: authHeaders,
        params: idParam,
        response: { 200: anyBody.describe('`{status:"success"}`'), ...fail(400, 401, 404) },
      },
    },
    async (request) => {
      const { session } = await loadSession(request);
      await deleteSession(platform, session, actorOf(request));
      return { status: 'success' };
    },
  );

  const getRoute = (
    path: string,
    summary: string,
    description: string,
    handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  ) =>
    app.get(
      path,
      {
        preHandler: signed('id'),
        schema: {
          tags,
          summary,
          description,
          security: [],
          headers: authHeaders,
          params: idParam,
          response: { 200: anyBody, ...fail(400, 401, 404) },
        },
      },
      handler,
    );

  const currentAttempt = (s: Session) => sessionsRepo.findAttempt(platform.database.db, s.currentAttemptId);
  const extraOf = (link: DialectIdRow) => link.extra as VeriffSessionExtra;

  getRoute(
    '/v1/sessions/:id/decision',
    'Get the decision (Veriff GET /v1/sessions/{id}/decision)',
    '`verification` is null until decided; then `{id, attemptId, code, status, reason, reasonCode, vendorData, person, document, riskLabels, …}` as in the decision webhook.',
    async (request) => {
      const { session, link } = await loadSession(request);
      const attempt = await currentAttempt(session);
      return decisionBody(
        session,
        attempt,
        {
          session: link.externalId,
          attempt: await attemptExternalId(session, request, session.currentAttemptId),
        },
        extraOf(link),
      );
    },
  );

  getRoute(
    '/v1/sessions/:id/person',
    'Get the person (Veriff GET /v1/sessions/{id}/person)',
    'What the checks read about the person (falling back to the data given at creation), with AML matches.',
    async (request) => {
      const { session, link } = await loadSession(request);
      return personBody(session, await currentAttempt(session), link.externalId);
    },
  );

  getRoute(
    '/v1/sessions/:id/watchlist-screening',
    'Get the watchlist screening (Veriff GET /v1/sessions/{id}/watchlist-screening)',
    "The AML check's result in Veriff's shape, or `data: null` when the workflow has no AML check.",
    async (request) => {
      const { session, link } = await loadSession(request);
      const ids = {
        session: link.externalId,
        attempt: await attemptExternalId(session, request, session.currentAttemptId),
      };
      return watchlistBody(session, await currentAttempt(session), ids);
    },
  );

  getRoute(
    '/v1/sessions/:id/attempts',
    'List attempts (Veriff GET /v1/sessions/{id}/attempts)',
    '`{status, verifications:[{id, status}]}`.',
    async (request) => {
      const { session } = await loadSession(request);
      const attempts = await sessionsRepo.listAttempts(platform.database.db, session.id);
      const verifications: { id: string; status: string }[] = [];
      for (const a of attempts)
        verifications.push({
          id: await attemptExternalId(session, request, a.id),
          status: veriffStatus(a.status).status,
        });
      return { status: 'success', verifications };
    },
  );

  async function mediaList(
    session: Session,
    sessionExternalId: string,
    request: FastifyRequest,
    attemptId: string,
  ) {
    const rows = await mediaRepo.listMedia(platform.database.db, session.id, attemptId);
    const images: Record<string, unknown>[] = [];
    const videos: Record<string, unknown>[] = [];
    for (const m of rows) {
      const ext = await externalIdFor(
        platform.database.db,
        'veriff',
        'media',
        m.id,
        owner(session, request),
        { context: contextName(m.context) },
      );
      const context =
        typeof ext.extra['context'] === 'string' ? ext.extra['context'] : contextName(m.context);
      const item = {
        id: ext.externalId,
        name: context,
        context,
        timestamp: m.createdAt.toISOString(),
        size: m.size,
        mimetype: m.mimeType,
        url: `${platform.config.publicUrl}/compat/veriff/v1/media/${ext.externalId}`,
        sessionId: sessionExternalId,
      };
      (m.mimeType.startsWith('video/') ? videos : images).push(item);
    }
    return { status: 'success', videos, images };
  }

  getRoute(
    '/v1/sessions/:id/media',
    'List media of the latest attempt (Veriff GET /v1/sessions/{id}/media)',
    '`{status, videos:[…], images:[{id, name, context, timestamp, size, mimetype, url, sessionId}]}`.',
    async (request) => {
      const { session, link } = await loadSession(request);
      return mediaList(session, link.externalId, request, session.currentAttemptId);
    },
  );

  getRoute(
    '/v1/attempts/:id/media',
    "List an attempt's media (Veriff GET /v1/attempts/{id}/media)",
    'Sign the attempt id.',
    async (request) => {
      const { id } = request.params as { id: string };
      if (!UUID.test(id)) throw new VeriffError(400, '1002');
      const link = await resolveExternalId(
        platform.database.db,
        'veriff',
        'attempt',
        id,
        applicationOf(request),
      );
      const session = link && (await sessionsRepo.findSessionById(platform.database.db, link.sessionId));
      if (!link || !session || session.deletedAt) throw new VeriffError(404, '404', 'Attempt not found.');
      const sessionLink = await externalIdFor(
        platform.database.db,
        'veriff',
        'session',
        session.id,
        owner(session, request),
      );
      return mediaList(session, sessionLink.externalId, request, link.internalId);
    },
  );

  getRoute(
    '/v1/media/:id',
    'Download a media file (Veriff GET /v1/media/{id})',
    'The decrypted bytes with their content type. Sign the media id.',
    async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!UUID.test(id)) throw new VeriffError(400, '1002');
      const link = await resolveExternalId(
        platform.database.db,
        'veriff',
        'media',
        id,
        applicationOf(request),
      );
      const row = link && (await mediaRepo.findMedia(platform.database.db, link.sessionId, link.internalId));
      if (!row) throw new VeriffError(404, '404', 'Media not found.');
      const bytes = await platform.files.get(row.storageKey);
      return reply
        .type(row.mimeType)
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .send(bytes);
    },
  );

  // Services openidv does not run: a clear, documented answer instead of a 404.
  const unsupported = (what: string) => async () => {
    throw new VeriffError(
      400,
      '1301',
      `Requested features are not supported: openidv does not run ${what}. See docs/compat/veriff.md.`,
    );
  };
  const unsupportedSchema = (summary: string) => ({
    schema: { tags, summary, security: [], headers: authHeaders, response: fail(400, 401) },
  });
  app.post(
    '/v1/sessions/validate-registry',
    unsupportedSchema('Not supported: registry validation'),
    unsupported('national registry validation (validate-registry)'),
  );
  for (const registry of ['ine-registry', 'curp-registry', 'combined-ine-curp-registry']) {
    app.get(
      `/v1/sessions/:id/decision/${registry}`,
      unsupportedSchema(`Not supported: Mexican ${registry}`),
      unsupported(`the Mexican ${registry.toUpperCase()} check`),
    );
  }
  for (const step of ['generate', 'verify']) {
    app.post(
      `/v1/sessions/:id/mfa/${step}`,
      unsupportedSchema(`Not supported: Aadhaar OTP ${step}`),
      unsupported('the Aadhaar one-time-password (OTP) check'),
    );
  }
}

function sendVeriffError(reply: FastifyReply, e: VeriffError): FastifyReply {
  return reply
    .code(e.httpStatus)
    .type('application/json; charset=utf-8')
    .send({ status: 'fail', code: e.code, message: e.message });
}

/** Core errors in Veriff's words. */
function toVeriffError(err: Error, request: FastifyRequest): VeriffError {
  if (err instanceof VeriffError) return err;
  if (isDomainError(err)) {
    const e = err as DomainError;
    switch (e.code) {
      case 'SESSION_NOT_ACCEPTING_MEDIA':
        return new VeriffError(409, '409', 'Media cannot be added: the session has already been submitted.');
      case 'INVALID_TRANSITION':
      case 'SESSION_EXPIRED': {
        const to = (e.details?.['to'] as string | undefined) ?? 'submitted';
        return new VeriffError(400, '1304', `Cannot transition to "${to}" status. ${e.message}`);
      }
      case 'VALIDATION_FAILED':
      case 'BAD_REQUEST':
        return new VeriffError(400, '1104', e.message);
      case 'UNSUPPORTED_MEDIA_TYPE':
        return new VeriffError(400, '1104', `${e.message}`);
      case 'PAYLOAD_TOO_LARGE':
        return new VeriffError(413, '413', e.message);
      case 'NOT_FOUND':
        return new VeriffError(404, '404', e.message);
      case 'RATE_LIMITED':
        return new VeriffError(429, '429', e.message);
      default:
        break;
    }
  }
  const status = (err as { statusCode?: number }).statusCode;
  if (status === 413) return new VeriffError(413, '413', 'The body is larger than this server accepts.');
  if (status === 415) return new VeriffError(415, '415', 'Send application/json.');
  if (status && status >= 400 && status < 500) return new VeriffError(400, '1104', err.message);
  request.log.error({ err, reqId: request.id }, 'veriff dialect: unhandled error');
  return new VeriffError(500, '500', 'An unexpected error occurred; it was logged with the request id.');
}
