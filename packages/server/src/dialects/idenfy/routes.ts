import { randomUUID, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DomainError, isDomainError, type Session, type WorkflowCheck } from '@openidv/domain';
import { type DialectIdRow, dialects, sessions as sessionsRepo } from '@openidv/storage';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import {
  type AuthenticatedCredential,
  authenticateDialectKey,
} from '../../usecases/dialects/dialect-credentials.ts';
import { addMedia, type UploadContext } from '../../usecases/sessions/add-media.ts';
import { changeSessionStatus } from '../../usecases/sessions/change-session-status.ts';
import { type CreateSessionInput, createSession } from '../../usecases/sessions/create-session.ts';
import { deleteSession } from '../../usecases/sessions/delete-session.ts';
import { applyDummyResult } from '../../usecases/sessions/dummy-result.ts';
import { findSessionOrThrow } from '../../usecases/sessions/find-session.ts';
import { journeyUrl } from '../../usecases/sessions/present-session.ts';
import { assertWebhookUrlShape, resolveWebhookTarget } from '../../usecases/webhooks/assert-webhook-url.ts';
import { createEndpoint } from '../../usecases/webhooks/manage-endpoints.ts';
import { workflowVariant } from '../../usecases/workflows/workflow-variant.ts';
import { toAlpha3 } from '../countries.ts';
import { externalIdFor, resolveExternalId } from '../ids.ts';
import { limitDialectRate } from '../rate-limit.ts';
import { coreDocumentType, DUMMY_STATUSES, IdenfyError, IMAGE_KEYS } from './codes.ts';
import { dataBlock, duplicateScanRefs, type IdenfySessionExtra, statusBody } from './present.ts';
import { returnOutcome, returnUrlFor } from './return-urls.ts';
import { idenfyWebhookFormat } from './webhook-format.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idenfyAuth?: AuthenticatedCredential;
  }
  interface FastifyContextConfig {
    /** Reached by the applicant's browser, without the API key pair. */
    idenfyPublic?: boolean;
  }
}

const tags = ['Compat: iDenfy'];
const DEFAULT_EXPIRY_SECONDS = 3600;
const DEFAULT_SESSION_LENGTH_SECONDS = 600;
/**
 * How long the end-of-journey redirect waits for the automatic result (iDenfy's come "in seconds"); still
 * undecided after that, the applicant goes to the unverifiedUrl, as iDenfy's "redirect after submission" does.
 */
const RESULT_WAIT_MS = 20_000;
const RESULT_POLL_MS = 250;
const ALPHA2 = /^[A-Z]{2}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const AUTH_TOKEN = /^[A-Za-z0-9_-]{10,64}$/;
/** iDenfy's name rule: letters, spaces and the punctuation names have; no digits or listed symbols. */
const NAME = /^[^\d~!@#$%^*()_+={}[\]|:;",<>/?]{1,100}$/;

const errorBody = z
  .object({ identifier: z.string(), message: z.string() })
  .describe(
    'iDenfy error: `identifier` is one of INTERNAL_ERROR, BAD_VALUE, MISSING_VALUE, UNAUTHORIZED, JSON_ERROR, TOKEN_NOT_VALID, METHOD_NOT_ALLOWED, PERMISSIONS_ERROR, PARTNER_ERROR, TOO_MANY_REQUESTS.',
  );
const fail = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, errorBody]));
const anyBody = z.record(z.string(), z.unknown());
const scanRefBody = z.object({ scanRef: z.string().describe('The scanRef POST /api/v2/token answered.') });
const authHeaders = z.object({
  authorization: z
    .string()
    .describe(
      'HTTP Basic with the API key and secret of an iDenfy dialect credential (`openidv keys create --dialect idenfy`).',
    ),
});

/** Validation is the dialect's own (to answer iDenfy's identifiers); the zod schemas document the routes. */
const noValidation = () => (data: unknown) => ({ value: data });

const bad = (message: string) => new IdenfyError(400, 'BAD_VALUE', message);
const missing = (field: string) => new IdenfyError(400, 'MISSING_VALUE', `Missing value: ${field}.`);

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The key pair of an `Authorization: Basic` header, or null. */
function basicCredentials(request: FastifyRequest): { key: string; secret: string } | null {
  const h = request.headers.authorization;
  const m = typeof h === 'string' ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(h) : null;
  if (!m) return null;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon > 0 ? { key: text.slice(0, colon), secret: text.slice(colon + 1) } : null;
}

type Body = Record<string, unknown>;

function optionalString(body: Body, field: string, max: number): string | undefined {
  const v = body[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || v.length > max)
    throw bad(`${field} must be a string of at most ${max} characters.`);
  return v;
}
function optionalBoolean(body: Body, field: string): boolean | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw bad(`${field} must be true or false.`);
  return v;
}
function optionalUrl(body: Body, field: string): string | undefined {
  const v = optionalString(body, field, 2048);
  if (v !== undefined && (v.length < 5 || !/^https?:\/\//i.test(v) || !URL.canParse(v)))
    throw bad(`${field} must be an http(s) URL.`);
  return v;
}
function optionalInt(body: Body, field: string, min: number, max: number): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw bad(`${field} must be a whole number from ${min} to ${max}.`);
  return v;
}
function optionalDate(body: Body, field: string): string | undefined {
  const v = optionalString(body, field, 10);
  if (v !== undefined && (!DATE.test(v) || Number.isNaN(Date.parse(v))))
    throw bad(`${field} must be YYYY-MM-DD.`);
  return v;
}

/** The token request's feature switches that choose the checks (everything else leaves the default workflow). */
interface CheckOptions {
  checkAml?: boolean | undefined;
  checkIpProxy?: boolean | undefined;
  checkDuplicateFaces?: boolean | undefined;
  checkFaceBlacklist?: boolean | undefined;
  ageLimit?: number | undefined;
  countries?: string[] | undefined;
  documentTypes?: string[] | undefined;
  /** `tokenType: DOCUMENT`: the document alone, no selfie. */
  documentOnly?: boolean | undefined;
}

/** The checks that need a selfie; a document-only token runs none of them (and the journey asks for none). */
const SELFIE_CHECKS = ['face-match', 'liveness', 'active-liveness', 'face-duplicates'];

/**
 * The default workflow's checks with the token's switches applied: a switch that is true adds the check that
 * does it, false removes it, unset keeps the dashboard default (the workflow). No check logic here, only which
 * checks run with which settings.
 */
function editChecks(o: CheckOptions) {
  return (checks: WorkflowCheck[]): WorkflowCheck[] => {
    let out = checks;
    const toggle = (type: string, on: boolean | undefined) => {
      if (on === false) out = out.filter((c) => c.type !== type);
      else if (on === true && !out.some((c) => c.type === type)) out.push({ type, config: {} });
    };
    toggle('aml', o.checkAml);
    toggle('ip-risk', o.checkIpProxy);
    // One check searches both the application's faces (duplicates) and its face blocklist.
    const dup = o.checkDuplicateFaces;
    const black = o.checkFaceBlacklist;
    if (dup === true || black === true) {
      toggle('face-duplicates', true);
      const step = out.find((c) => c.type === 'face-duplicates')!;
      if (dup === false) step.reasonActions = { ...step.reasonActions, DUPLICATE_FACE: 'none' };
      if (black === false) step.reasonActions = { ...step.reasonActions, FACE_BLOCKLISTED: 'none' };
    } else if (dup === false && black === false) {
      toggle('face-duplicates', false);
    }
    if (o.documentOnly) {
      out = out.filter((c) => !SELFIE_CHECKS.includes(c.type));
      for (const c of out) {
        const required = c.config['required'];
        if (c.type === 'image-quality' && Array.isArray(required))
          c.config = { ...c.config, required: required.filter((r) => r !== 'face') };
      }
    }
    if (o.ageLimit !== undefined || o.countries || o.documentTypes) {
      let doc = out.find((c) => c.type === 'document');
      if (!doc) {
        // Reading the document comes first: later checks (AML, rules) use what it read.
        doc = { type: 'document', config: {} };
        const at = out.findIndex((c) => c.type === 'image-quality') + 1;
        out.splice(at, 0, doc);
      }
      doc.config = {
        ...doc.config,
        ...(o.ageLimit !== undefined && { minAge: o.ageLimit }),
        ...(o.countries && { acceptedCountries: o.countries }),
        ...(o.documentTypes && { acceptedTypes: o.documentTypes }),
      };
    }
    return out;
  };
}

/**
 * iDenfy's KYC API under `/compat/idenfy`: a thin adapter that authenticates (HTTP Basic, API key and secret)
 * and validates the iDenfy way and calls the same use cases as the native API. Errors are iDenfy's
 * `{"identifier", "message"}`.
 */
export async function idenfyRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new IdenfyError(400, 'JSON_ERROR', 'Malformed JSON body.'), undefined);
    }
  });
  app.setErrorHandler((err, request, reply) => sendError(reply, toIdenfyError(err as Error, request)));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new IdenfyError(404, 'BAD_VALUE', `No route ${request.method} ${request.url.split('?')[0]}.`),
    ),
  );

  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.idenfyPublic) return;
    const pair = basicCredentials(request);
    const auth = pair && (await authenticateDialectKey(platform, 'idenfy', pair.key));
    if (!pair || !auth || !safeEqual(pair.secret, auth.secret)) {
      throw new IdenfyError(401, 'UNAUTHORIZED', 'Invalid authorization credentials');
    }
    if (auth.credential.revokedAt) throw new IdenfyError(403, 'PERMISSIONS_ERROR', 'Partner inactive');
    request.idenfyAuth = auth;
  });
  await limitDialectRate(
    app,
    platform,
    (request) => request.idenfyAuth?.credential.id,
    (context) =>
      new IdenfyError(
        429,
        'TOO_MANY_REQUESTS',
        `Requests per minute limit (${context.max}) has been reached.`,
      ),
  );

  const applicationOf = (request: FastifyRequest) => request.idenfyAuth!.credential.applicationId;
  const actorOf = (request: FastifyRequest) => `api:${request.idenfyAuth!.credential.id}`;
  const bodyOf = (request: FastifyRequest): Body => {
    const b = request.body;
    if (b === undefined || b === null) return {};
    if (typeof b !== 'object' || Array.isArray(b))
      throw new IdenfyError(400, 'JSON_ERROR', 'The body must be a JSON object.');
    return b as Body;
  };

  /** The session behind a scanRef of this application (deleted ones too: their status is DELETED). */
  async function byScanRef(request: FastifyRequest): Promise<{ session: Session; link: DialectIdRow }> {
    const scanRef = bodyOf(request)['scanRef'];
    if (scanRef === undefined || scanRef === null || scanRef === '') throw missing('scanRef');
    if (typeof scanRef !== 'string') throw bad('scanRef must be a string.');
    const link = await resolveExternalId(
      platform.database.db,
      'idenfy',
      'session',
      scanRef,
      applicationOf(request),
    );
    const session = link && (await sessionsRepo.findSessionById(platform.database.db, link.internalId));
    if (!link || !session) throw new IdenfyError(404, 'BAD_VALUE', 'No verification with this scanRef.');
    return { session, link };
  }
  const extraOf = (link: DialectIdRow) => link.extra as unknown as IdenfySessionExtra;

  app.post(
    '/api/v2/token',
    {
      validatorCompiler: noValidation,
      schema: {
        tags,
        summary: 'Create a verification token (iDenfy POST /api/v2/token)',
        description:
          'Required: `clientId`. Reads the personal data for comparison (`firstName`, `lastName`, `dateOfBirth`, `personalNumber`, `documentNumber`, `nationality`), `successUrl`, `errorUrl`, `unverifiedUrl` (where the applicant ends by outcome, through GET /result), `callbackUrl` (this session’s result webhooks go there instead of the credential’s webhook URL; refused with BAD_VALUE, storing nothing, when the webhook address rules refuse it), `locale`, `expiryTime`, `sessionLength`, `externalRef`, and the check switches `checkAml`, `checkIpProxy`, `checkDuplicateFaces`, `checkFaceBlacklist`, `ageLimit`, `country`, `documents` (they choose a variant of the default workflow). `dummyStatus` needs OPENIDV_TEST_MODE. Answers `{message, authToken, scanRef, clientId, redirectUrl, expiryTime, sessionLength, …}`. See docs/compat/idenfy.md.',
        security: [],
        headers: authHeaders,
        body: z.object({ clientId: z.string() }).passthrough(),
        response: { 201: anyBody, ...fail(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const body = bodyOf(request);
      const rawClientId = body['clientId'] ?? body['personScanRef'];
      if (rawClientId === undefined || rawClientId === null || rawClientId === '') throw missing('clientId');
      // iDenfy's own examples send a number (`clientId=1`); it is kept as its decimal string.
      const clientId = Number.isSafeInteger(rawClientId) ? String(rawClientId) : rawClientId;
      if (typeof clientId !== 'string' || clientId.length > 100 || !/^[\x20-\x7e]+$/.test(clientId))
        throw bad('clientId must be at most 100 ASCII characters.');
      const name = (field: string) => {
        const v = optionalString(body, field, 100);
        if (v !== undefined && !NAME.test(v))
          throw bad(`${field} must be letters only (no digits or special characters).`);
        return v?.trim().toUpperCase() || undefined;
      };
      const firstName = name('firstName');
      const lastName = name('lastName');
      const dateOfBirth = optionalDate(body, 'dateOfBirth');
      const personalNumber = optionalString(body, 'personalNumber', 100);
      const documentNumber = optionalString(body, 'documentNumber', 64);
      const nationality = optionalString(body, 'nationality', 3)?.toUpperCase();
      if (nationality !== undefined && nationality !== 'ALL' && !ALPHA2.test(nationality))
        throw bad('nationality must be an ISO 3166-1 alpha-2 code.');
      const successUrl = optionalUrl(body, 'successUrl');
      const errorUrl = optionalUrl(body, 'errorUrl');
      const unverifiedUrl = optionalUrl(body, 'unverifiedUrl');
      const callbackUrl = optionalUrl(body, 'callbackUrl');
      const locale = optionalString(body, 'locale', 10);
      if (locale !== undefined && !/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(locale))
        throw bad('locale must be a language code like "en".');
      const expiryTime = optionalInt(body, 'expiryTime', 60, 60 * 60 * 24 * 90) ?? DEFAULT_EXPIRY_SECONDS;
      const sessionLength = optionalInt(body, 'sessionLength', 60, 3600) ?? DEFAULT_SESSION_LENGTH_SECONDS;
      const externalRef = optionalString(body, 'externalRef', 40);

      const rawCountry = body['country'];
      let countries: string[] | undefined;
      if (rawCountry !== undefined && rawCountry !== null && rawCountry !== '') {
        const list = Array.isArray(rawCountry) ? rawCountry : [rawCountry];
        if (!list.length || list.some((c) => typeof c !== 'string' || !ALPHA2.test(c.toUpperCase())))
          throw bad('country must be an ISO 3166-1 alpha-2 code or a list of them.');
        countries = list.map((c) => toAlpha3(String(c).toUpperCase())!);
      }
      const rawDocuments = body['documents'];
      let documentTypes: string[] | undefined;
      if (rawDocuments !== undefined && rawDocuments !== null) {
        if (!Array.isArray(rawDocuments) || !rawDocuments.length)
          throw bad('documents must be a list of document types.');
        documentTypes = rawDocuments.map((d) => {
          const t = typeof d === 'string' ? coreDocumentType(d) : undefined;
          if (!t)
            throw bad(
              `documents: ${JSON.stringify(d)} is not a document type (ID_CARD, PASSPORT, RESIDENCE_PERMIT, DRIVER_LICENSE, VISA, OTHER).`,
            );
          return t;
        });
      }
      const options: CheckOptions = {
        checkAml: optionalBoolean(body, 'checkAml'),
        checkIpProxy: optionalBoolean(body, 'checkIpProxy'),
        checkDuplicateFaces: optionalBoolean(body, 'checkDuplicateFaces'),
        checkFaceBlacklist: optionalBoolean(body, 'checkFaceBlacklist'),
        ageLimit: optionalInt(body, 'ageLimit', 0, 120),
        countries,
        documentTypes,
      };
      // Features openidv does not have: refused clearly rather than silently skipped.
      const tokenType = optionalString(body, 'tokenType', 40) ?? 'IDENTIFICATION';
      if (tokenType !== 'IDENTIFICATION' && tokenType !== 'DOCUMENT')
        throw bad(
          `tokenType ${tokenType} is not supported: openidv runs document + selfie (IDENTIFICATION) and document-only (DOCUMENT) verifications. See docs/compat/idenfy.md.`,
        );
      options.documentOnly = tokenType === 'DOCUMENT';
      if (options.documentOnly && (options.checkDuplicateFaces || options.checkFaceBlacklist))
        throw bad('checkDuplicateFaces and checkFaceBlacklist need a selfie; tokenType DOCUMENT takes none.');
      if (optionalBoolean(body, 'nfcRequired') === true)
        throw bad(
          'nfcRequired is not supported: openidv does not read NFC chips. See docs/compat/idenfy.md.',
        );
      const additionalSteps = body['additionalSteps'];
      if (
        additionalSteps !== undefined &&
        additionalSteps !== null &&
        !(typeof additionalSteps === 'object' && Object.keys(additionalSteps).length === 0)
      )
        throw bad('additionalSteps are not supported. See docs/compat/idenfy.md.');
      if (optionalBoolean(body, 'generateDigitString') === true)
        throw bad('generateDigitString is not supported: openidv has no mobile app to type the code into.');

      const dummy = optionalString(body, 'dummyStatus', 20);
      if (dummy !== undefined && !(dummy in DUMMY_STATUSES))
        throw bad(`dummyStatus must be one of ${Object.keys(DUMMY_STATUSES).join(', ')}.`);
      if (dummy !== undefined && !platform.config.testMode)
        throw new IdenfyError(
          403,
          'PERMISSIONS_ERROR',
          'This endpoint is not available for PRODUCTION partners.',
        );

      // The per-token callbackUrl follows the webhook rules (no private targets unless allowed): checked before
      // anything is stored, so a refused URL leaves nothing behind.
      if (callbackUrl) {
        try {
          await resolveWebhookTarget(assertWebhookUrlShape(callbackUrl), platform.config.webhookAllowPrivate);
        } catch (e) {
          throw isDomainError(e) ? bad(`callbackUrl: ${e.message}`) : e;
        }
      }

      const applicationId = applicationOf(request);
      const workflow = await workflowVariant(
        platform,
        applicationId,
        'iDenfy token options',
        editChecks(options),
      );
      const scanRef = randomUUID();
      // The journey sends the applicant back to one URL; with any of iDenfy's three, it is the dialect's result
      // page, which picks the one for the outcome (see GET /result).
      const returns = { successUrl, errorUrl, unverifiedUrl };
      const returnsAny = Boolean(successUrl || errorUrl || unverifiedUrl);
      const input: CreateSessionInput = {
        workflowId: workflow.id,
        vendorData: clientId,
        lifetimeSeconds: expiryTime,
        ...(returnsAny && {
          callbackUrl: `${platform.config.publicUrl}/compat/idenfy/result?scanRef=${scanRef}`,
        }),
        ...(locale && { locale: locale.toLowerCase() }),
      };
      const person = {
        ...(firstName && { firstName }),
        ...(lastName && { lastName }),
        ...(dateOfBirth && { dateOfBirth }),
        ...(personalNumber && { idNumber: personalNumber }),
        ...(nationality && nationality !== 'ALL' && { nationality: toAlpha3(nationality)! }),
      };
      if (Object.keys(person).length) input.person = person;
      if (documentNumber) input.document = { number: documentNumber };

      const session = await createSession(platform, applicationId, input, actorOf(request));
      const extra: IdenfySessionExtra = {
        clientId,
        externalRef: externalRef ?? null,
        ...(returnsAny && { returns }),
      };
      const credentialId = request.idenfyAuth!.credential.id;
      const link = await externalIdFor(
        platform.database.db,
        'idenfy',
        'session',
        session.id,
        { applicationId, sessionId: session.id, credentialId },
        { ...extra },
        scanRef,
      );
      if (callbackUrl) {
        // This session's result webhooks go here instead of the credential's webhook URL: same format, same
        // signing key (the credential's secret), same outbox and retries.
        await createEndpoint(
          platform,
          applicationId,
          { url: callbackUrl, events: [...idenfyWebhookFormat.events] },
          request.idenfyAuth!.secret,
          { format: 'idenfy', credentialId, sessionId: session.id },
        );
      }
      if (dummy !== undefined) {
        await applyDummyResult(
          platform,
          session,
          DUMMY_STATUSES[dummy as keyof typeof DUMMY_STATUSES],
          actorOf(request),
        );
      }
      return reply.code(201).send({
        message: 'Token created successfully',
        authToken: session.journeyToken,
        scanRef: link.externalId,
        clientId,
        firstName: firstName ?? null,
        lastName: lastName ?? null,
        successUrl: successUrl ?? null,
        errorUrl: errorUrl ?? null,
        unverifiedUrl: unverifiedUrl ?? null,
        callbackUrl: callbackUrl ?? null,
        locale: locale ?? null,
        country: Array.isArray(rawCountry) ? rawCountry : (rawCountry ?? null),
        documents: rawDocuments ?? null,
        dateOfBirth: dateOfBirth ?? null,
        nationality: nationality ?? null,
        personalNumber: personalNumber ?? null,
        documentNumber: documentNumber ?? null,
        externalRef: externalRef ?? null,
        expiryTime,
        sessionLength,
        tokenType,
        showInstructions: body['showInstructions'] ?? true,
        digitString: null,
        redirectUrl: `${platform.config.publicUrl}/compat/idenfy/api/v2/redirect?authToken=${session.journeyToken}`,
      });
    },
  );

  // The applicant's entry points: the token's redirectUrl and the iFrame URL (ui.idenfy.com/?authToken=).
  const toJourney = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = (request.query as { authToken?: unknown }).authToken;
    if (typeof token !== 'string' || !AUTH_TOKEN.test(token))
      throw new IdenfyError(400, 'TOKEN_NOT_VALID', 'The authToken is missing or not valid.');
    return reply.redirect(journeyUrl(platform.config.publicUrl, token), 302);
  };
  const redirectSchema = (summary: string) => ({
    config: { idenfyPublic: true },
    schema: {
      tags,
      summary,
      description:
        'Sends the applicant to the journey of the token (302). No API key: the authToken is the credential.',
      security: [],
      querystring: z.object({ authToken: z.string() }),
      response: { 302: z.null().describe('To the journey.'), ...fail(400) },
    },
  });
  app.get('/api/v2/redirect', redirectSchema('Open the verification (iDenfy redirectUrl)'), toJourney);
  app.get(
    '/',
    redirectSchema('Open the verification in an iFrame (iDenfy ui.idenfy.com/?authToken=)'),
    toJourney,
  );

  app.get(
    '/result',
    {
      config: { idenfyPublic: true },
      schema: {
        tags,
        summary: 'Send the applicant to the token’s successUrl, errorUrl or unverifiedUrl',
        description: `Where the journey sends the applicant at the end of a token that has any of \`successUrl\`, \`errorUrl\`, \`unverifiedUrl\` (openidv's own; iDenfy's UI redirects itself). 302 to \`successUrl\` when approved (or SUSPECTED with the document and face passed), \`errorUrl\` when denied (or SUSPECTED otherwise, or photos to retake), \`unverifiedUrl\` when cancelled, expired or abandoned. While the checks run it waits up to ${RESULT_WAIT_MS / 1000} s for the automatic result, then sends to \`unverifiedUrl\`. Without a URL for the outcome, a short result page (200). Before the applicant has finished: 302 back to the journey.`,
        security: [],
        querystring: z.object({ scanRef: z.string() }),
        response: {
          200: z.string().describe('A result page, when the token has no URL for the outcome.'),
          302: z.null().describe('To the URL for the outcome.'),
          ...fail(400),
        },
      },
    },
    async (request, reply) => {
      const scanRef = (request.query as { scanRef?: unknown }).scanRef;
      const link =
        typeof scanRef === 'string' && scanRef.length <= 64
          ? await dialects.findByExternalId(platform.database.db, 'idenfy', scanRef)
          : undefined;
      const find = async () =>
        link?.kind === 'session'
          ? await sessionsRepo.findSessionById(platform.database.db, link.internalId)
          : undefined;
      let session = await find();
      if (!link || !session || session.deletedAt)
        throw new IdenfyError(400, 'TOKEN_NOT_VALID', 'No verification with this scanRef.');
      const outcomeOf = async (s: Session) => {
        const attempt = await sessionsRepo.findAttempt(platform.database.db, s.currentAttemptId);
        return returnOutcome(s.status, statusBody(s, attempt, link.externalId, extraOf(link)));
      };
      let outcome = await outcomeOf(session);
      // The journey ends before the checks do: wait a little for the automatic result, as iDenfy's UI does.
      const until = Date.now() + RESULT_WAIT_MS;
      while (outcome === 'pending' && Date.now() < until && !request.raw.socket?.destroyed) {
        await sleep(RESULT_POLL_MS);
        session = (await find()) ?? session;
        outcome = await outcomeOf(session);
      }
      if (outcome === 'open')
        return reply.redirect(journeyUrl(platform.config.publicUrl, session.journeyToken), 302);
      const final = outcome === 'pending' ? 'unverified' : outcome;
      const url = returnUrlFor(final, extraOf(link).returns ?? {});
      if (url) return reply.redirect(url, 302);
      // iDenfy's default is its own result page (ui.idenfy.com/result?status=…): a plain one here.
      const text = {
        success: 'Verification complete.',
        error: 'Verification failed.',
        unverified: 'Verification not completed.',
      }[final];
      return reply
        .code(200)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(
          `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${text}</title></head><body><main><h1>${text}</h1><p>You may close this page.</p></main></body></html>`,
        );
    },
  );

  app.post(
    '/api/v2/status',
    {
      validatorCompiler: noValidation,
      schema: {
        tags,
        summary: 'Verification status (iDenfy POST /api/v2/status)',
        description:
          '`{status, autoDocument, autoFace, manualDocument, manualFace, fraudTags, mismatchTags, scanRef, clientId}`; `status` is ACTIVE before the applicant finishes, REVIEWING while checks run, then APPROVED, DENIED, SUSPECTED, EXPIRED or DELETED.',
        security: [],
        headers: authHeaders,
        body: scanRefBody,
        response: { 200: anyBody, ...fail(400, 401, 404) },
      },
    },
    async (request) => {
      const { session, link } = await byScanRef(request);
      const attempt = await sessionsRepo.findAttempt(platform.database.db, session.currentAttemptId);
      return statusBody(session, attempt, link.externalId, extraOf(link));
    },
  );

  app.post(
    '/api/v2/data',
    {
      validatorCompiler: noValidation,
      schema: {
        tags,
        summary: 'Verification data (iDenfy POST /api/v2/data)',
        description:
          "The webhook's `data` object (what was read from the document) with `scanRef` and `clientId`.",
        security: [],
        headers: authHeaders,
        body: scanRefBody,
        response: { 200: anyBody, ...fail(400, 401, 404) },
      },
    },
    async (request) => {
      const { session, link } = await byScanRef(request);
      const attempt = await sessionsRepo.findAttempt(platform.database.db, session.currentAttemptId);
      const refs = await duplicateScanRefs(platform.database.db, attempt);
      return {
        ...dataBlock(session, attempt, extraOf(link), refs),
        scanRef: link.externalId,
        clientId: extraOf(link).clientId,
      };
    },
  );

  app.post(
    '/api/v2/process',
    {
      // Base64 images, one per key.
      bodyLimit:
        Math.ceil((platform.config.uploadLimitBytes * 4) / 3) * Object.keys(IMAGE_KEYS).length + 65_536,
      validatorCompiler: noValidation,
      schema: {
        tags,
        summary: 'Direct processing (iDenfy POST /api/v2/process)',
        description:
          'Body `{authToken, country, documentType, images:{FRONT, BACK, FACE, UTILITY_BILL, PASSPORT_COVER}}` with base64 JPEG/PNG images: adds them to the token’s verification and submits it; a bare 200 answers, the result comes by webhook. `token` is accepted for `authToken`; `skipAnalysis` is accepted and has no effect (openidv does not refuse photos before its checks).',
        security: [],
        headers: authHeaders,
        body: z.object({ authToken: z.string(), images: z.record(z.string(), z.string()) }).passthrough(),
        response: { 200: z.null().describe('Empty body.'), ...fail(400, 401, 404, 413) },
      },
    },
    async (request, reply) => {
      const body = bodyOf(request);
      const token = body['authToken'] ?? body['token'];
      if (token === undefined || token === null || token === '') throw missing('authToken');
      if (typeof token !== 'string' || !AUTH_TOKEN.test(token))
        throw new IdenfyError(400, 'TOKEN_NOT_VALID', 'The authToken is not valid.');
      const found = await sessionsRepo.findSessionByJourneyToken(platform.database.db, token);
      const link =
        found && found.applicationId === applicationOf(request)
          ? await dialects.findByInternalId(platform.database.db, 'idenfy', found.id)
          : undefined;
      if (!found || !link || found.deletedAt)
        throw new IdenfyError(400, 'TOKEN_NOT_VALID', 'The authToken does not exist.');
      if (
        !['created', 'started', 'resubmission_requested'].includes(found.status) ||
        found.expiresAt <= platform.now()
      )
        throw new IdenfyError(400, 'TOKEN_NOT_VALID', 'The authToken is expired or already used.');
      const country = optionalString(body, 'country', 2)?.toUpperCase();
      if (country !== undefined && !ALPHA2.test(country))
        throw bad('country must be an ISO 3166-1 alpha-2 code.');
      const documentType = optionalString(body, 'documentType', 40)?.toUpperCase();
      if (documentType !== undefined && !coreDocumentType(documentType))
        throw bad('documentType is not a document type.');
      const images = body['images'];
      if (images === undefined || images === null) throw missing('images');
      if (typeof images !== 'object' || Array.isArray(images))
        throw bad('images must be an object of base64 images.');
      const entries = Object.entries(images as Record<string, unknown>);
      for (const [k, v] of entries) {
        if (!(k in IMAGE_KEYS))
          throw bad(`images.${k} is not an image key (${Object.keys(IMAGE_KEYS).join(', ')}).`);
        if (typeof v !== 'string' || !v) throw bad(`images.${k} must be a base64 string.`);
      }
      if (!entries.some(([k]) => k === 'FRONT')) throw missing('images.FRONT');
      const decoded = entries.map(([k, v]) => {
        const b64 = (v as string).replace(/^data:[^,]*,/, '');
        if (!/^[A-Za-z0-9+/=_\-\s]+$/.test(b64))
          throw new IdenfyError(400, 'BAD_VALUE', `images.${k} is not base64.`);
        const bytes = Buffer.from(b64, 'base64');
        if (!bytes.length) throw bad(`images.${k} is empty.`);
        return { context: IMAGE_KEYS[k] as UploadContext, bytes };
      });
      let session = found;
      for (const upload of decoded) {
        await addMedia(platform, session, upload, actorOf(request));
        session = await findSessionOrThrow(platform, session.applicationId, session.id);
      }
      await dialects.updateExtra(platform.database.db, 'idenfy', link.externalId, {
        ...link.extra,
        selectedCountry: country ?? null,
        selectedDocumentType: documentType ?? null,
      });
      await changeSessionStatus(platform, session, 'submitted', actorOf(request));
      // As documented: success is a bare 200; the result comes by webhook.
      return reply.code(200).send();
    },
  );

  app.post(
    '/api/v2/delete',
    {
      validatorCompiler: noValidation,
      schema: {
        tags,
        summary: 'Delete a verification (iDenfy POST /api/v2/delete)',
        description:
          "Erases the verification's personal data and media (a tombstone stays for audit); answers 200 with an empty body. While the token can still be used, or the checks are running: 400 PARTNER_ERROR.",
        security: [],
        headers: authHeaders,
        body: scanRefBody,
        response: { 200: z.null(), ...fail(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { session } = await byScanRef(request);
      if (session.deletedAt)
        throw new IdenfyError(400, 'PARTNER_ERROR', 'The verification is already deleted.');
      const live = ['created', 'started', 'resubmission_requested'].includes(session.status);
      if (live && session.expiresAt > platform.now())
        throw new IdenfyError(400, 'PARTNER_ERROR', 'Token has not expired yet.');
      if (session.status === 'submitted' || session.status === 'processing')
        throw new IdenfyError(
          400,
          'PARTNER_ERROR',
          'The verification is being processed; delete it once it has a result.',
        );
      await deleteSession(platform, session, actorOf(request));
      return reply.code(200).send();
    },
  );

  // iDenfy's API is POST only; other methods on its paths answer its METHOD_NOT_ALLOWED.
  for (const path of ['token', 'status', 'data', 'process', 'delete']) {
    app.route({
      method: ['GET', 'PUT', 'PATCH', 'DELETE'],
      url: `/api/v2/${path}`,
      schema: { hide: true },
      handler: async () => {
        throw new IdenfyError(405, 'METHOD_NOT_ALLOWED', 'Wrong HTTP method: use POST.');
      },
    });
  }
}

function sendError(reply: FastifyReply, e: IdenfyError): FastifyReply {
  return reply
    .code(e.httpStatus)
    .type('application/json; charset=utf-8')
    .send({ identifier: e.identifier, message: e.message });
}

/** Core errors in iDenfy's words. */
function toIdenfyError(err: Error, request: FastifyRequest): IdenfyError {
  if (err instanceof IdenfyError) return err;
  if (isDomainError(err)) {
    const e = err as DomainError;
    switch (e.code) {
      case 'SESSION_NOT_ACCEPTING_MEDIA':
      case 'SESSION_EXPIRED':
        return new IdenfyError(400, 'TOKEN_NOT_VALID', e.message);
      case 'INVALID_TRANSITION':
        return new IdenfyError(400, 'PARTNER_ERROR', e.message);
      case 'VALIDATION_FAILED':
      case 'WEBHOOK_URL_NOT_ALLOWED':
      case 'BAD_REQUEST':
      case 'UNSUPPORTED_MEDIA_TYPE':
      case 'WORKFLOW_INVALID':
        return new IdenfyError(400, 'BAD_VALUE', e.message);
      case 'PAYLOAD_TOO_LARGE':
        return new IdenfyError(413, 'BAD_VALUE', e.message);
      case 'FORBIDDEN':
        return new IdenfyError(403, 'PERMISSIONS_ERROR', e.message);
      case 'NOT_FOUND':
        return new IdenfyError(404, 'BAD_VALUE', e.message);
      case 'RATE_LIMITED':
        return new IdenfyError(429, 'TOO_MANY_REQUESTS', e.message);
      default:
        break;
    }
  }
  const status = (err as { statusCode?: number }).statusCode;
  if (status === 413)
    return new IdenfyError(413, 'BAD_VALUE', 'The body is larger than this server accepts.');
  if (status === 415) return new IdenfyError(415, 'BAD_VALUE', 'Send application/json.');
  if (status === 405) return new IdenfyError(405, 'METHOD_NOT_ALLOWED', 'Wrong HTTP method.');
  if (status && status >= 400 && status < 500) return new IdenfyError(400, 'BAD_VALUE', err.message);
  request.log.error({ err, reqId: request.id }, 'idenfy dialect: unhandled error');
  return new IdenfyError(
    500,
    'INTERNAL_ERROR',
    'An unexpected error occurred; it was logged with the request id.',
  );
}
