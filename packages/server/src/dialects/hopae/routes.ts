import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fastifyRateLimit from '@fastify/rate-limit';
import { isDomainError, type Session } from '@openidv/domain';
import { identityProviders, sessions as sessionsRepo, workflows } from '@openidv/storage';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import {
  type AuthenticatedCredential,
  authenticateDialectKey,
} from '../../usecases/dialects/dialect-credentials.ts';
import { openResult } from '../../usecases/eid/eid-evidence.ts';
import { eidStep } from '../../usecases/eid/eid-offer.ts';
import { pollPush, startPush, startRedirect } from '../../usecases/eid/eid-sign-in.ts';
import { createSession } from '../../usecases/sessions/create-session.ts';
import { journeyUrl } from '../../usecases/sessions/present-session.ts';
import { externalIdFor, resolveExternalId } from '../ids.ts';
import {
  evidenceBody,
  HOPAE_CLAIMS,
  type HopaeFlow,
  hopaeStatus,
  levelForNumber,
  userinfoBody,
} from './present.ts';
import { HopaeProblem, toHopaeProblem } from './problems.ts';

declare module 'fastify' {
  interface FastifyRequest {
    hopaeAuth?: AuthenticatedCredential;
  }
}

const tags = ['Compat: Hopae Connect'];
/** A Hopae verification lives this long unless its sign-in ends sooner. */
const VERIFICATION_LIFETIME_SECONDS = 15 * 60;
const problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    code: z.number().int(),
    timestamp: z.string(),
  })
  .describe("RFC 7807 problem details with Hopae's numeric `code` (see docs/compat/hopae.md).");
const problems = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, problem]));
const idParam = z.object({ id: z.string().describe('The verificationId (32 hex characters).') });
/** The dialect validates by itself (to answer Hopae's codes); the schemas document the routes. */
const noValidation = () => (data: unknown) => ({ value: data });

const createBody = z.object({
  providerId: z
    .string()
    .describe('An identity provider\'s providerId, e.g. "bankidse" (see /v1/identity-providers).'),
  flowType: z.enum(['qr', 'redirect', 'push']).optional().describe('Default: redirect.'),
  redirectUri: z.string().optional().describe('Where the browser goes at the end (redirect and QR).'),
  userData: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      'For push: the identifier the provider knows the person by (`registrationId`, `personalCode`, …).',
    ),
  requestedLoa: z.number().int().min(1).max(5).optional(),
  requestedClaims: z.array(z.string()).optional(),
});
const verificationBody = z.object({
  verificationId: z.string(),
  status: z.enum(['initiated', 'pending', 'authenticating', 'completed', 'failed', 'expired', 'cancelled']),
  providerId: z.string(),
  flowType: z.enum(['qr', 'redirect', 'push']),
  flowDetails: z.record(z.string(), z.unknown()).optional(),
  expiresAt: z.string(),
  createdAt: z.string(),
});

/** Identifiers a push provider may need, under the names Hopae's providers use. */
const LOGIN_HINT_KEYS = [
  'registrationId',
  'personalCode',
  'personalNumber',
  'nationalId',
  'phoneNumber',
  'loginHint',
];

interface HopaeExtra {
  providerId: string;
  flowType: HopaeFlow;
  requestedClaims: string[];
  flowDetails: Record<string, unknown>;
  expiresAt: string;
}

function basicCredentials(request: FastifyRequest): { id: string; secret: string } | null {
  const h = request.headers.authorization;
  const m = h && /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(h);
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? null : { id: decoded.slice(0, i), secret: decoded.slice(i + 1) };
}

/** Constant-time comparison of secrets of any length (compared as digests). */
function sameSecret(a: string, b: string): boolean {
  const d = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(d(a), d(b));
}

/**
 * Hopae Connect under `/compat/hopae/connect/v1`: eID verifications on openidv's identity providers. A verification
 * is a session whose workflow offers the provider, plus the sign-in at it; polling, UserInfo with provenance and the
 * evidence read the same records as the native API. Errors are Hopae's problem+json with its numeric codes.
 */
export async function hopaeRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  app.setErrorHandler((err, request, reply) =>
    sendProblem(reply, request, platform, toHopaeProblem(err as Error)),
  );
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      request,
      platform,
      new HopaeProblem(300001, `No route ${request.method} ${request.url.split('?')[0]}.`),
    ),
  );
  app.addHook('onRequest', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const given = basicCredentials(request);
    if (!given) throw new HopaeProblem(100001, 'Authenticate with HTTP Basic client_id:client_secret.');
    const auth = await authenticateDialectKey(platform, 'hopae', given.id);
    if (!auth || auth.credential.revokedAt || !sameSecret(auth.secret, given.secret)) {
      throw new HopaeProblem(100001, 'The client credentials are invalid.');
    }
    request.hopaeAuth = auth;
  });
  if (platform.config.rateLimitPerMinute > 0) {
    await app.register(fastifyRateLimit, {
      hook: 'preHandler',
      max: platform.config.rateLimitPerMinute,
      timeWindow: 60_000,
      keyGenerator: (request) => request.hopaeAuth?.credential.id ?? request.ip,
      errorResponseBuilder: (_r, context) =>
        new HopaeProblem(200005, `Rate limit of ${context.max} requests per minute exceeded; retry later.`),
    });
  }
  const appOf = (request: FastifyRequest) => request.hopaeAuth!.credential.applicationId;
  const actorOf = (request: FastifyRequest) => `api:${request.hopaeAuth!.credential.id}`;

  /** The session and its dialect record behind a verificationId of this application. */
  async function load(request: FastifyRequest) {
    const { id } = request.params as { id: string };
    const link = await resolveExternalId(
      platform.database.db,
      'hopae',
      'session',
      String(id),
      appOf(request),
    );
    const session =
      link && (await sessionsRepo.findSession(platform.database.db, appOf(request), link.sessionId));
    if (!link || !session || session.deletedAt) throw new HopaeProblem(300001, `No verification ${id}.`);
    const [latest] = await identityProviders.listTransactions(platform.database.db, session.id);
    return { link, session, extra: link.extra as unknown as HopaeExtra, latest };
  }

  const present = (
    verificationId: string,
    session: Session,
    extra: HopaeExtra,
    latest: Awaited<ReturnType<typeof load>>['latest'],
  ) => {
    const status = hopaeStatus(session, latest, platform.now());
    return {
      verificationId,
      status,
      providerId: extra.providerId,
      flowType: extra.flowType,
      ...(status === 'initiated' || status === 'pending' || status === 'authenticating'
        ? { flowDetails: extra.flowDetails }
        : {}),
      expiresAt: latest?.expiresAt.toISOString() ?? extra.expiresAt,
      createdAt: session.createdAt.toISOString(),
    };
  };

  app.post(
    '/connect/v1/verifications',
    {
      schema: {
        tags,
        security: [],
        summary: 'Create a verification (Hopae Connect)',
        description:
          'HTTP Basic `client_id:client_secret` of a Hopae dialect credential. Starts a sign-in at the identity provider `providerId` through `flowType`: `redirect` answers `flowDetails.redirectUrl`, `qr` answers `flowDetails.qrData` (a link for the phone), `push` needs the identifier in `userData` and sends the request to the app. Poll GET /verifications/{id}.',
        body: createBody,
        response: { 200: verificationBody, ...problems(400, 401, 409, 422, 503) },
      },
      validatorCompiler: noValidation,
    },
    async (request) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      if (typeof body['providerId'] !== 'string' || !body['providerId'])
        throw new HopaeProblem(200001, 'providerId is required.');
      const providerId = body['providerId'];
      const flowType = (body['flowType'] ?? 'redirect') as HopaeFlow;
      if (!['qr', 'redirect', 'push'].includes(flowType))
        throw new HopaeProblem(200002, 'flowType must be qr, redirect or push.');
      const redirectUri = body['redirectUri'];
      if (redirectUri !== undefined && typeof redirectUri !== 'string')
        throw new HopaeProblem(200002, 'redirectUri must be a URL.');
      const loa = body['requestedLoa'];
      if (loa !== undefined && (typeof loa !== 'number' || !Number.isInteger(loa) || loa < 1 || loa > 5))
        throw new HopaeProblem(200002, 'requestedLoa must be an integer from 1 to 5.');
      const claims = body['requestedClaims'] ?? [];
      if (!Array.isArray(claims) || claims.some((c) => typeof c !== 'string'))
        throw new HopaeProblem(200002, 'requestedClaims must be an array of claim names.');
      const userData = (body['userData'] ?? {}) as Record<string, unknown>;
      if (typeof userData !== 'object' || userData === null || Array.isArray(userData))
        throw new HopaeProblem(200002, 'userData must be an object.');
      const loginHint = LOGIN_HINT_KEYS.map((k) => userData[k]).find(
        (v): v is string => typeof v === 'string' && !!v,
      );
      if (flowType === 'push' && !loginHint)
        throw new HopaeProblem(
          200003,
          `The push flow needs the person's identifier in userData (${LOGIN_HINT_KEYS.join(', ')}).`,
        );

      const applicationId = appOf(request);
      const workflowId = await workflowFor(platform, applicationId, providerId);
      const session = await createSession(
        platform,
        applicationId,
        {
          workflowId,
          lifetimeSeconds: VERIFICATION_LIFETIME_SECONDS,
          ...(redirectUri && { callbackUrl: redirectUri as string }),
          eid: {
            providers: [providerId],
            // Hopae reports requested claims a provider did not give in missing_claims instead of failing.
            requestedClaims: [],
            ...(loa !== undefined && { minimumLevelOfAssurance: levelForNumber(loa as number) }),
          },
        },
        actorOf(request),
      );
      let flowDetails: Record<string, unknown>;
      let expiresAt = session.expiresAt;
      if (flowType === 'qr') {
        flowDetails = {
          qrData: `${journeyUrl(platform.config.publicUrl, session.journeyToken)}/eid/${encodeURIComponent(providerId)}/start?channel=qr`,
        };
      } else if (flowType === 'redirect') {
        const started = await startRedirect(platform, session, providerId, 'redirect', actorOf(request));
        flowDetails = { redirectUrl: started.authorizationUrl };
        expiresAt = started.transaction.expiresAt;
      } else {
        const started = await startPush(platform, session, providerId, loginHint!, actorOf(request));
        flowDetails = { interval: started.interval };
        expiresAt = started.transaction.expiresAt;
      }
      const extra: HopaeExtra = {
        providerId,
        flowType,
        requestedClaims: (claims as string[]).filter((c) => c in HOPAE_CLAIMS),
        flowDetails,
        expiresAt: expiresAt.toISOString(),
      };
      const link = await externalIdFor(
        platform.database.db,
        'hopae',
        'session',
        session.id,
        { applicationId, sessionId: session.id, credentialId: request.hopaeAuth!.credential.id },
        extra as unknown as Record<string, unknown>,
        randomBytes(16).toString('hex'),
      );
      const [latest] = await identityProviders.listTransactions(platform.database.db, session.id);
      const fresh = (await sessionsRepo.findSessionById(platform.database.db, session.id))!;
      return present(link.externalId, fresh, extra, latest);
    },
  );

  app.get(
    '/connect/v1/verifications/:id',
    {
      schema: {
        tags,
        security: [],
        summary: 'Get a verification (poll it)',
        description: 'A push sign-in asks the provider once per call while it is pending.',
        params: idParam,
        response: { 200: verificationBody, ...problems(401, 404) },
      },
    },
    async (request) => {
      let { link, session, extra, latest } = await load(request);
      if (latest?.status === 'pending' && latest.channel === 'push') {
        try {
          await pollPush(platform, session, latest.id);
        } catch (e) {
          // The refusal is recorded on the sign-in and shows as the status; an unreachable provider just waits.
          if (!isDomainError(e)) throw e;
        }
        ({ session, latest } = await load(request));
      }
      return present(link.externalId, session, extra, latest);
    },
  );

  const completed = async (request: FastifyRequest) => {
    const v = await load(request);
    const result = v.latest?.status === 'completed' ? openResult(platform, v.latest) : undefined;
    if (!result) {
      throw new HopaeProblem(
        300003,
        `The verification is ${hopaeStatus(v.session, v.latest, platform.now())}; user info exists once it is completed.`,
      );
    }
    return { ...v, result };
  };

  app.get(
    '/connect/v1/verifications/:id/userinfo',
    {
      schema: {
        tags,
        security: [],
        summary: 'The verified person with provenance',
        description:
          'Standard claims, `acr`, the level of assurance (`loa`, `loa_label`), `missing_claims`, and `provenance` (channel, credential with issuer and evidence, metadata).',
        params: idParam,
        response: { 200: z.record(z.string(), z.unknown()), ...problems(401, 404, 409) },
      },
    },
    async (request) => {
      const { link, result, latest, extra } = await completed(request);
      return userinfoBody(
        link.externalId,
        link.applicationId,
        result,
        extra.requestedClaims,
        latest!.finishedAt ?? latest!.createdAt,
      );
    },
  );

  app.get(
    '/connect/v1/verifications/:id/evidence',
    {
      schema: {
        tags,
        security: [],
        summary: "The provider's evidence (the signed ID token)",
        params: idParam,
        response: {
          200: z.object({ token: z.record(z.string(), z.unknown()), names: z.string() }),
          ...problems(401, 404, 409),
        },
      },
    },
    async (request) => evidenceBody((await completed(request)).result),
  );
}

/** The workflow a Hopae verification runs: the default if its eID step offers the provider, else the first that does. */
async function workflowFor(platform: Platform, applicationId: string, providerId: string): Promise<string> {
  const all = await workflows.listWorkflows(platform.database.db, applicationId);
  const offers = all.filter((w) => {
    const step = eidStep(w);
    return step && (!step.providers.length || step.providers.includes(providerId));
  });
  const chosen = offers.find((w) => w.isDefault) ?? offers[0];
  if (!chosen) {
    throw new HopaeProblem(
      400002,
      `No workflow of this application offers the identity provider "${providerId}".`,
    );
  }
  return chosen.id;
}

function sendProblem(reply: FastifyReply, request: FastifyRequest, platform: Platform, p: HopaeProblem) {
  if (p.code === 500001) request.log.error({ reqId: request.id }, 'hopae dialect request failed');
  return reply
    .code(p.status)
    .type('application/problem+json; charset=utf-8')
    .send(p.body(request.url.split('?')[0]!, platform.now()));
}
