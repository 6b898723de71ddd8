import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import { DomainError } from '@openidv/domain';
import { journeyDistDir } from '@openidv/journey';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DIALECTS } from '../../../dialects/dialect.ts';
import type { Platform } from '../../../platform/platform.ts';
import {
  APPLICANT,
  findJourneySession,
  giveConsent,
  JOURNEY_STEPS,
  journeyProgress,
  journeyState,
  reportStep,
  requireCapturePhase,
} from '../../../usecases/journey/journey.ts';
import { issueLivenessChallenge } from '../../../usecases/liveness/issue-challenge.ts';
import { answerQuestionnaire } from '../../../usecases/questionnaires/answer-questionnaire.ts';
import { addMedia } from '../../../usecases/sessions/add-media.ts';
import { changeSessionStatus } from '../../../usecases/sessions/change-session-status.ts';
import { errorResponses } from '../../errors.ts';
import { eidTransactionSchema } from '../eid/session-eid-routes.ts';
import { employmentJourneyRoutes } from '../employment/employment-journey-routes.ts';
import { answersInput, answersResult, questionnaireSchema } from '../questionnaires/questionnaire-routes.ts';

const tags = ['Applicant journey (browser)'];
const tokenParams = z.object({ token: z.string().min(1).max(64).describe("The session's journey token.") });
/** What the journey may upload: the applicant's own photos, never a reference photo. */
const JOURNEY_CONTEXTS = ['document-front', 'document-back', 'face', 'liveness'] as const;
const TERMINAL = new Set(['finished', 'cancelled', 'expired']);

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

interface Asset {
  bytes: Buffer;
  type: string;
  /** Compressed once at load: the journey's first screen must be quick on a slow network. */
  br?: Buffer;
  gzip?: Buffer;
}

interface Bundle {
  index: Buffer | null;
  assets: Map<string, Asset>;
}

function compressed(bytes: Buffer, type: string): Asset {
  if (!/javascript|css|svg|json/.test(type) || bytes.length < 1024) return { bytes, type };
  return {
    bytes,
    type,
    br: brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }),
    gzip: gzipSync(bytes, { level: 9 }),
  };
}

/** The built journey (packages/journey/dist), read once into memory: a few small files. */
function loadBundle(dir: string): Bundle {
  const assets = new Map<string, Asset>();
  let index: Buffer | null = null;
  try {
    index = readFileSync(join(dir, 'index.html'));
    const assetDir = join(dir, 'assets');
    for (const name of readdirSync(assetDir)) {
      const path = join(assetDir, name);
      if (!statSync(path).isFile()) continue;
      assets.set(name, compressed(readFileSync(path), TYPES[extname(name)] ?? 'application/octet-stream'));
    }
  } catch {
    // Not built: the page says how to build it.
  }
  return { index, assets };
}

export function securityHeaders(platform: Platform): Record<string, string> {
  return {
    'content-security-policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data: blob:",
      "media-src 'self' blob:",
      "connect-src 'self'",
      "font-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      `frame-ancestors ${platform.config.journeyFrameAncestors}`,
    ].join('; '),
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'permissions-policy': 'camera=(self), microphone=(), geolocation=(), payment=()',
    'cross-origin-resource-policy': 'same-origin',
  };
}

/**
 * The applicant journey: the page at a session's `url`, its assets under `/j/assets/`, and its browser API
 * under `/j/<token>/api/`, authenticated by the journey token alone (never an API key) and rate-limited per token.
 */
const livenessChallengeSchema = z
  .object({
    id: z.string(),
    steps: z
      .array(z.enum(['turn-left', 'turn-right', 'move-closer', 'move-back']))
      .describe("In order. Turns are the applicant's own left and right; send unmirrored camera frames."),
    issuedAt: z.string(),
  })
  .meta({ id: 'LivenessChallenge' });

export async function journeyRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  const headers = securityHeaders(platform);
  let bundle: Bundle | undefined;
  const getBundle = () => {
    if (!bundle?.index) bundle = loadBundle(journeyDistDir);
    return bundle;
  };
  const noStore = (reply: FastifyReply) => reply.headers(headers).header('cache-control', 'no-store');

  app.get(
    '/j/assets/:file',
    { schema: { hide: true, params: z.object({ file: z.string().max(128) }) } },
    async (request, reply) => {
      const { file } = request.params as { file: string };
      const asset = getBundle().assets.get(file);
      if (!asset) throw new DomainError('NOT_FOUND', 'No such journey asset.');
      reply
        .headers(headers)
        .type(asset.type)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('vary', 'accept-encoding');
      const accepts = String(request.headers['accept-encoding'] ?? '');
      if (asset.br && /\bbr\b/.test(accepts)) return reply.header('content-encoding', 'br').send(asset.br);
      if (asset.gzip && /\bgzip\b/.test(accepts))
        return reply.header('content-encoding', 'gzip').send(asset.gzip);
      return reply.send(asset.bytes);
    },
  );

  app.get('/j/:token/', { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    return reply.redirect(`/j/${encodeURIComponent(token)}`, 301);
  });

  app.get('/j/:token', { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const { index } = getBundle();
    noStore(reply).type('text/html; charset=utf-8');
    if (!index) {
      return reply
        .code(503)
        .send(
          '<!doctype html><html lang="en"><meta charset="utf-8"><title>Journey not built</title><p>The applicant journey is not built. Run <code>npm install</code> (or <code>npm run build -w @openidv/journey</code>) and restart openidv.</p></html>',
        );
    }
    // The page renders "unknown link" itself; the status tells crawlers and tests.
    const known = await findJourneySession(platform, token).then(
      () => true,
      () => false,
    );
    return reply.code(known ? 200 : 404).send(index);
  });

  await app.register(async (api) => {
    await api.register(fastifyMultipart, {
      limits: { fileSize: platform.config.uploadLimitBytes, files: 1, fields: 2, parts: 3 },
      throwFileSizeLimit: true,
    });
    if (platform.config.journeyRateLimitPerMinute > 0) {
      await api.register(fastifyRateLimit, {
        hook: 'preHandler',
        max: platform.config.journeyRateLimitPerMinute,
        timeWindow: 60_000,
        keyGenerator: (request) => `journey:${(request.params as { token?: string }).token ?? request.ip}`,
        errorResponseBuilder: (_request, context) =>
          new DomainError(
            'RATE_LIMITED',
            `Too many requests for this link; retry after ${Math.ceil(context.ttl / 1000)} s.`,
            { retryAfter: Math.ceil(context.ttl / 1000) },
          ),
      });
    }
    api.addHook('onSend', async (_request, reply) => {
      noStore(reply);
    });
    journeyApi(api, platform);
    employmentJourneyRoutes(api, platform);
  });
}

const brandingOut = z.object({
  name: z.string(),
  logo: z.string().nullable().describe('A data: URL.'),
  primaryColor: z.string().nullable(),
  termsUrl: z.string().nullable(),
  privacyUrl: z.string().nullable(),
});
const phaseSchema = z
  .enum(['consent', 'capture', 'finished', 'cancelled', 'expired'])
  .describe('Where the applicant stands: consent → capture → finished, or cancelled / expired.');
const progressSchema = z
  .object({
    phase: phaseSchema,
    status: z.string().describe('The session status.'),
    step: z.enum(JOURNEY_STEPS).nullable().describe('The step the applicant last reported.'),
    uploaded: z.array(z.string()).describe('Media contexts uploaded in the current attempt.'),
  })
  .meta({ id: 'JourneyProgress' });
export const journeyStateSchema = z
  .object({
    reference: z.string().describe('The session id, shown to the applicant as a reference.'),
    type: z
      .enum(['identity', 'employment', 'income'])
      .describe('employment and income journeys prove the declared jobs (`/j/{token}/api/employment`).'),
    phase: phaseSchema,
    status: z.string(),
    attempt: z.number().int(),
    resubmission: z.boolean().describe('The business asked for new photos.'),
    locale: z.string().nullable().describe("The session's locale, if the business set one."),
    expiresAt: z.string(),
    application: brandingOut,
    plan: z.object({
      steps: z.array(z.enum(['consent', 'questionnaire', 'document', 'selfie', 'review'])),
      document: z
        .object({
          required: z.boolean(),
          types: z.array(z.object({ type: z.string(), sides: z.array(z.enum(['front', 'back'])) })),
          countries: z
            .array(z.object({ code: z.string(), region: z.string().nullable() }))
            .describe('Accepted issuing states (ISO alpha-3 `code`, alpha-2 `region`); empty: any.'),
        })
        .nullable(),
      selfie: z.object({ required: z.boolean(), liveness: z.boolean(), challenge: z.boolean() }).nullable(),
      questionnaire: questionnaireSchema
        .omit({ createdAt: true, updatedAt: true })
        .extend({
          countries: z
            .array(z.string())
            .describe('ISO 3166-1 alpha-2 codes to offer for country questions (empty when there is none).'),
        })
        .nullable()
        .describe("The workflow's questionnaire at its pinned version, with every translation."),
      checks: z.array(z.string()).describe("The workflow's check types, named on the consent screen."),
    }),
    consented: z.boolean(),
    step: z.enum(JOURNEY_STEPS).nullable(),
    uploaded: z.array(z.string()),
    answered: z.boolean().describe('The questionnaire has been answered.'),
    eid: z
      .object({
        providers: z.array(
          z.object({
            providerId: z.string(),
            name: z.string(),
            flows: z.array(z.enum(['redirect', 'qr', 'push'])),
            loginHintLabel: z.string().optional(),
          }),
        ),
        fallbackToDocument: z.boolean(),
        lastSignIn: eidTransactionSchema.nullable(),
      })
      .nullable()
      .describe('The eID providers the workflow offers (null: none), and how the last sign-in ended.'),
    hasCallback: z.boolean(),
    callbackUrl: z
      .string()
      .nullable()
      .describe('Where to send the applicant; given once finished or cancelled.'),
    frame: z
      .object({
        format: z.enum(DIALECTS).describe("The vendor's message format."),
        sessionId: z.string().describe("The vendor's id for the session."),
        status: z.string().describe("The session status in the words of the vendor's web SDK."),
      })
      .nullable()
      .describe(
        "For a session created through a vendor dialect: the vendor's iFrame messages the journey posts to the page that embeds it, besides openidv's own (see docs/compat/didit.md).",
      ),
  })
  .meta({ id: 'JourneyState' });

function journeyApi(app: FastifyInstance, platform: Platform): void {
  const headers = securityHeaders(platform);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const common = { tags, security: [] as never[] };

  r.get(
    '/j/:token/api/session',
    {
      schema: {
        ...common,
        summary: 'The journey state (for the journey page)',
        description:
          'What the applicant must do, derived from the workflow checks, with the application name and branding. Authenticated by the token in the path.',
        params: tokenParams,
        response: { 200: journeyStateSchema, ...errorResponses(404, 429) },
      },
    },
    async (request) => journeyState(platform, request.params.token),
  );

  r.post(
    '/j/:token/api/consent',
    {
      schema: {
        ...common,
        summary: 'Accept or decline the consent screen',
        description:
          'Accepting starts the session (`session.started`); declining cancels it (`session.cancelled`).',
        params: tokenParams,
        body: z
          .object({
            accept: z.boolean(),
            locale: z
              .string()
              .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/)
              .optional()
              .describe('The language the screen was shown in, recorded with the consent.'),
          })
          .strict(),
        response: { 200: journeyStateSchema, ...errorResponses(400, 404, 409, 429) },
      },
    },
    async (request) => giveConsent(platform, request.params.token, request.body),
  );

  r.post(
    '/j/:token/api/liveness-challenge',
    {
      schema: {
        ...common,
        summary: 'The active-liveness challenge for this attempt',
        description:
          'Drawn once per attempt by the server. Record the applicant doing the steps in order and send the frames (at least 3, one every few hundred milliseconds) as `liveness` media.',
        params: tokenParams,
        response: { 200: livenessChallengeSchema, ...errorResponses(404, 409, 429) },
      },
    },
    async (request) => {
      const s = await findJourneySession(platform, request.params.token);
      const c = await issueLivenessChallenge(platform, s, APPLICANT);
      return { id: c.id, steps: c.steps, issuedAt: c.issuedAt.toISOString() };
    },
  );

  r.post(
    '/j/:token/api/step',
    {
      schema: {
        ...common,
        summary: 'Report the step the applicant is on',
        description:
          'Written to the session timeline (`journey.step`) and followed live by a desktop after a QR hand-off.',
        params: tokenParams,
        body: z.object({ step: z.enum(JOURNEY_STEPS) }).strict(),
        response: { 200: progressSchema, ...errorResponses(400, 404, 429) },
      },
    },
    async (request) => reportStep(platform, request.params.token, request.body.step),
  );

  r.post(
    '/j/:token/api/media',
    {
      schema: {
        ...common,
        summary: 'Upload a photo taken in the journey',
        description: `multipart/form-data with \`context\` (${JOURNEY_CONTEXTS.join(', ')}) and \`file\`. Same type sniffing and limits as the API upload; after submission \`409 SESSION_NOT_ACCEPTING_MEDIA\`.`,
        params: tokenParams,
        consumes: ['multipart/form-data'],
        response: {
          201: z.object({ id: z.string(), context: z.string(), mimeType: z.string(), size: z.number() }),
          ...errorResponses(400, 404, 409, 413, 415, 429),
        },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) {
        throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the photo as multipart/form-data.');
      }
      const session = await requireCapturePhase(platform, request.params.token);
      let context: string | undefined;
      let bytes: Buffer | undefined;
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          if (part.fieldname !== 'file')
            throw new DomainError('VALIDATION_FAILED', 'The file field must be named "file".');
          bytes = await part.toBuffer();
        } else if (part.fieldname === 'context') {
          context = String(part.value);
        }
      }
      if (!bytes) throw new DomainError('VALIDATION_FAILED', 'file: a file is required.');
      if (!context || !(JOURNEY_CONTEXTS as readonly string[]).includes(context)) {
        throw new DomainError('VALIDATION_FAILED', `context: must be one of ${JOURNEY_CONTEXTS.join(', ')}.`);
      }
      const row = await addMedia(
        platform,
        session,
        { context: context as (typeof JOURNEY_CONTEXTS)[number], bytes },
        APPLICANT,
      );
      return reply
        .code(201)
        .send({ id: row.id, context: row.context, mimeType: row.mimeType, size: row.size });
    },
  );

  r.post(
    '/j/:token/api/questionnaire-answers',
    {
      schema: {
        ...common,
        summary: "Answer the session's questionnaire",
        description:
          'As `POST /v1/sessions/{id}/questionnaire-answers`, for the applicant holding the link, after consent.',
        params: tokenParams,
        body: answersInput,
        response: { 200: answersResult, ...errorResponses(400, 404, 409, 429) },
      },
    },
    async (request) => {
      const session = await requireCapturePhase(platform, request.params.token);
      return answerQuestionnaire(platform, session, request.body.answers, APPLICANT);
    },
  );

  r.post(
    '/j/:token/api/submit',
    {
      schema: {
        ...common,
        summary: 'Send the verification',
        description:
          'Submits the session (as `PATCH /v1/sessions/{id}` with `submitted`) once the photos the workflow needs are uploaded.',
        params: tokenParams,
        response: { 200: journeyStateSchema, ...errorResponses(400, 404, 409, 429) },
      },
    },
    async (request) => {
      const token = request.params.token;
      const session = await requireCapturePhase(platform, token);
      const state = await journeyState(platform, token);
      const missing = [
        ...(state.plan.document ? ['document-front'] : []),
        ...(state.plan.selfie ? ['face'] : []),
      ].filter((c) => !state.uploaded.includes(c));
      if (state.phase === 'capture' && state.plan.questionnaire && !state.answered) {
        throw new DomainError('VALIDATION_FAILED', 'The questionnaire has not been answered yet.', {
          missing: [...missing, 'questionnaire'],
        });
      }
      if (state.phase === 'capture' && missing.length) {
        throw new DomainError('VALIDATION_FAILED', `Photos still missing: ${missing.join(', ')}.`, {
          missing,
        });
      }
      await changeSessionStatus(platform, session, 'submitted', APPLICANT);
      return journeyState(platform, token);
    },
  );

  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const stop of streams) stop();
  });

  r.get(
    '/j/:token/api/progress',
    {
      schema: {
        ...common,
        summary: "Follow the applicant's progress",
        description:
          'With `Accept: text/event-stream`: Server-Sent Events, one `data:` line of JourneyProgress whenever it changes, closed when the journey is finished, cancelled or expired. Otherwise the current progress as JSON (for polling).',
        params: tokenParams,
        response: { 200: progressSchema, ...errorResponses(404, 429) },
      },
    },
    async (request, reply) => {
      const token = request.params.token;
      const first = await journeyProgress(platform, token);
      if (!request.headers.accept?.includes('text/event-stream')) return first;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        ...headers,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      });
      let open = true;
      let wake: () => void = () => {};
      const stop = () => {
        open = false;
        wake();
      };
      streams.add(stop);
      request.raw.on('close', stop);
      let last = '';
      let quiet = 0;
      const deadline = Date.now() + 10 * 60_000; // the browser's EventSource reconnects after this
      let p: Awaited<ReturnType<typeof journeyProgress>> | null = first;
      try {
        while (open && p && Date.now() < deadline) {
          const text = JSON.stringify(p);
          if (text !== last) {
            res.write(`data: ${text}\n\n`);
            last = text;
            quiet = 0;
          } else if (++quiet % 15 === 0) {
            res.write(': keep-alive\n\n');
          }
          if (TERMINAL.has(p.phase)) break;
          await new Promise<void>((r) => {
            wake = r;
            setTimeout(r, 1000);
          });
          if (!open) break;
          p = await journeyProgress(platform, token).catch(() => null);
        }
        if (!p) res.write('event: gone\ndata: {}\n\n');
      } finally {
        streams.delete(stop);
        res.end();
      }
    },
  );
}
