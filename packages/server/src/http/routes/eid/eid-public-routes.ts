import { randomBytes } from 'node:crypto';
import fastifyRateLimit from '@fastify/rate-limit';
import { DomainError, isDomainError } from '@openidv/domain';
import { identityProviders } from '@openidv/storage';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../../platform/platform.ts';
import { presentTransaction } from '../../../usecases/eid/eid-evidence.ts';
import {
  completeRedirect,
  pollPush,
  sessionOfCallback,
  startPush,
  startRedirect,
} from '../../../usecases/eid/eid-sign-in.ts';
import { APPLICANT, findJourneySession } from '../../../usecases/journey/journey.ts';
import { journeyUrl } from '../../../usecases/sessions/present-session.ts';
import { readCookie } from '../../auth.ts';
import { errorResponses } from '../../errors.ts';
import { eidTransactionSchema } from './session-eid-routes.ts';

const tags = ['Applicant journey (browser)'];
const BINDING_COOKIE = 'oidv_eid';
const tokenProvider = z.object({
  token: z.string().min(1).max(64).describe("The session's journey token."),
  provider: z.string().min(1).max(63),
});

/**
 * The browser side of eID: the journey's start links (the QR code on a desktop encodes one) and the provider's
 * redirect back. Authenticated by the journey token, or by the sign-in's `state`.
 */
export async function eidPublicRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  // Each start writes a sign-in and may call the provider: limited per link like the journey's own API.
  if (platform.config.journeyRateLimitPerMinute > 0) {
    await app.register(fastifyRateLimit, {
      hook: 'preHandler',
      max: platform.config.journeyRateLimitPerMinute,
      timeWindow: 60_000,
      keyGenerator: (request) => `eid:${(request.params as { token?: string }).token ?? request.ip}`,
      errorResponseBuilder: (_request, context) =>
        new DomainError(
          'RATE_LIMITED',
          `Too many requests; retry after ${Math.ceil(context.ttl / 1000)} s.`,
          { retryAfter: Math.ceil(context.ttl / 1000) },
        ),
    });
  }
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/j/:token/eid/:provider/start',
    {
      schema: {
        tags,
        security: [],
        summary: 'Go to the eID provider',
        description:
          'Redirects (302) the browser to the provider with a new sign-in. `channel=qr` marks a start from the QR code a desktop showed.',
        params: tokenProvider,
        querystring: z.object({ channel: z.enum(['redirect', 'qr']).default('redirect') }),
        response: { 302: z.null(), ...errorResponses(400, 404, 409, 429, 502) },
      },
    },
    async (request, reply) => {
      const session = await findJourneySession(platform, request.params.token);
      try {
        const binding = randomBytes(24).toString('base64url');
        const { authorizationUrl } = await startRedirect(
          platform,
          session,
          request.params.provider,
          request.query.channel,
          APPLICANT,
          binding,
        );
        // Lax: sent with the provider's top-level redirect back to the callback, not with cross-site subrequests.
        const secure = platform.config.publicUrl.startsWith('https:') ? '; Secure' : '';
        reply.header(
          'set-cookie',
          `${BINDING_COOKIE}=${binding}; Path=/eid/callback; HttpOnly; SameSite=Lax; Max-Age=900${secure}`,
        );
        return reply.header('cache-control', 'no-store').redirect(authorizationUrl, 302);
      } catch (e) {
        if (!isDomainError(e)) throw e;
        // Back to the journey, which explains and offers the alternatives (another provider, the document).
        return reply.redirect(backToJourney(platform, session.journeyToken, e.code), 302);
      }
    },
  );

  r.get(
    '/eid/callback',
    {
      schema: {
        tags,
        security: [],
        summary: "The eID provider's redirect back",
        description:
          'Register this as the redirect URI at every provider. Checks the answer and sends the browser to the journey (`?eid=done` or `?eid=<error code>`).',
        querystring: z.record(z.string(), z.string()),
        response: { 302: z.null(), ...errorResponses(400, 404, 409, 422, 502) },
      },
    },
    async (request, reply) => {
      const url = new URL(request.url, platform.config.publicUrl);
      const currentUrl = new URL(`${platform.config.publicUrl}/eid/callback${url.search}`);
      reply.header('cache-control', 'no-store');
      try {
        const { session } = await completeRedirect(platform, currentUrl, readCookie(request, BINDING_COOKIE));
        return reply.redirect(backToJourney(platform, session.journeyToken, 'done'), 302);
      } catch (e) {
        if (!isDomainError(e)) throw e;
        const session = await sessionOfCallback(platform, currentUrl);
        if (!session) throw e;
        return reply.redirect(backToJourney(platform, session.journeyToken, e.code), 302);
      }
    },
  );

  r.post(
    '/j/:token/api/eid/:provider/push',
    {
      schema: {
        tags,
        security: [],
        summary: 'Start a push sign-in (CIBA) from the journey',
        params: tokenProvider,
        body: z.object({ loginHint: z.string().min(1).max(200) }).strict(),
        response: {
          201: z.object({ signIn: eidTransactionSchema, interval: z.number().int() }),
          ...errorResponses(400, 404, 409, 429, 502),
        },
      },
    },
    async (request, reply) => {
      const session = await findJourneySession(platform, request.params.token);
      const { transaction, interval } = await startPush(
        platform,
        session,
        request.params.provider,
        request.body.loginHint,
        APPLICANT,
      );
      return reply.code(201).send({ signIn: presentTransaction(transaction), interval });
    },
  );

  r.get(
    '/j/:token/api/eid/sign-ins/:signInId',
    {
      schema: {
        tags,
        security: [],
        summary: 'Follow a push sign-in from the journey',
        params: z.object({ token: z.string().min(1).max(64), signInId: z.string().min(1).max(64) }),
        response: { 200: eidTransactionSchema, ...errorResponses(404, 409, 422, 429, 502) },
      },
    },
    async (request) => {
      const session = await findJourneySession(platform, request.params.token);
      try {
        return presentTransaction((await pollPush(platform, session, request.params.signInId)).transaction);
      } catch (e) {
        if (!isDomainError(e) || e.code === 'NOT_FOUND') throw e;
        // The refusal is recorded on the sign-in; the journey reads it from there.
        const t = await identityProviders.findTransaction(platform.database.db, request.params.signInId);
        if (!t) throw new DomainError('NOT_FOUND', 'No such sign-in.');
        return presentTransaction(t);
      }
    },
  );
}

function backToJourney(platform: Platform, token: string, outcome: string): string {
  return `${journeyUrl(platform.config.publicUrl, token)}?eid=${encodeURIComponent(outcome)}`;
}
