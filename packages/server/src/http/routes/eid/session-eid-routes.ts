import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../../platform/platform.ts';
import { eidEvidence, presentTransaction } from '../../../usecases/eid/eid-evidence.ts';
import { pollPush, startPush, startRedirect } from '../../../usecases/eid/eid-sign-in.ts';
import { findSessionOrThrow } from '../../../usecases/sessions/find-session.ts';
import { actorOf, requireAuth } from '../../auth.ts';
import { errorResponses } from '../../errors.ts';

const tags = ['eID providers'];
const startParams = z.object({
  id: z.string().min(1).max(64),
  provider: z.string().min(1).max(63).describe('The provider id, e.g. "bankidse".'),
});
export const eidTransactionSchema = z
  .object({
    id: z.string().describe('The sign-in, prefixed `eid_`.'),
    providerId: z.string(),
    channel: z.enum(['redirect', 'qr', 'push']),
    status: z.enum(['pending', 'completed', 'failed']),
    errorCode: z
      .string()
      .optional()
      .describe(
        'When failed: EID_CANCELLED, EID_EXPIRED, EID_VERIFICATION_FAILED, EID_PROVIDER_UNAVAILABLE, …',
      ),
    createdAt: z.string(),
    expiresAt: z.string(),
  })
  .meta({ id: 'EidSignIn' });

export function sessionEidRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/sessions/:id/eid/:provider/start',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Start an eID sign-in (redirect or QR)',
        description:
          "Returns the provider's authorization URL (with PKCE, `state` and `nonce`) for your own front end to send the applicant to; the provider returns them to openidv's `/eid/callback`, which checks the answer (signature against the provider's JWKS, issuer, audience, expiry, nonce, state, `acr` against the minimum level), reads UserInfo, submits the session and sends the browser to the journey. The hosted journey does this by itself.",
        params: startParams,
        querystring: z.object({ channel: z.enum(['redirect', 'qr']).default('redirect') }),
        response: {
          200: z.object({ authorizationUrl: z.string(), signIn: eidTransactionSchema }),
          ...errorResponses(400, 401, 403, 404, 409, 429, 502),
        },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const session = await findSessionOrThrow(platform, auth.applicationId, request.params.id);
      const { authorizationUrl, transaction } = await startRedirect(
        platform,
        session,
        request.params.provider,
        request.query.channel,
        actorOf(request),
      );
      return { authorizationUrl, signIn: presentTransaction(transaction) };
    },
  );

  r.post(
    '/sessions/:id/eid/:provider/push',
    {
      schema: {
        tags,
        summary: 'Start an eID push sign-in (CIBA)',
        description:
          "Sends a backchannel authentication request for the identifier the applicant gave (`loginHint`, e.g. a personal code); they confirm in their eID app. Poll GET /v1/sessions/{id}/eid/sign-ins/{signInId}: each call asks the provider's token endpoint once.",
        params: startParams,
        body: z.object({ loginHint: z.string().min(1).max(200) }).strict(),
        response: {
          201: z.object({ signIn: eidTransactionSchema, interval: z.number().int() }),
          ...errorResponses(400, 401, 403, 404, 409, 429, 502),
        },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const session = await findSessionOrThrow(platform, auth.applicationId, request.params.id);
      const { transaction, interval } = await startPush(
        platform,
        session,
        request.params.provider,
        request.body.loginHint,
        actorOf(request),
      );
      return reply.code(201).send({ signIn: presentTransaction(transaction), interval });
    },
  );

  r.get(
    '/sessions/:id/eid/sign-ins/:signInId',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Follow an eID push sign-in',
        description:
          'While `pending`, asks the provider once (unless another server process is asking right now); `completed` means the session was submitted with the verified person. A sign-in past its lifetime answers 409 `EID_EXPIRED`; start a new one.',
        params: z.object({ id: z.string().min(1).max(64), signInId: z.string().min(1).max(64) }),
        response: { 200: eidTransactionSchema, ...errorResponses(401, 403, 404, 409, 422, 429, 502) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const session = await findSessionOrThrow(platform, auth.applicationId, request.params.id);
      return presentTransaction((await pollPush(platform, session, request.params.signInId)).transaction);
    },
  );

  r.get(
    '/sessions/:id/evidence',
    {
      schema: {
        tags,
        summary: "The session's eID evidence",
        description:
          "Each completed eID sign-in with the signed ID token as the provider issued it (stored encrypted), so that an auditor can verify its signature again against the provider's keys (`jwksUri`). Erased with the session (DELETE or retention).",
        params: z.object({ id: z.string().min(1).max(64) }),
        response: {
          200: z.object({
            data: z.array(
              z.object({
                transactionId: z.string(),
                attemptId: z.string(),
                type: z.literal('id_token'),
                format: z.literal('jwt'),
                idToken: z.string().describe('The compact JWS, byte for byte as received.'),
                jwksUri: z.string().nullable(),
                provenance: z.record(z.string(), z.unknown()),
                createdAt: z.string(),
              }),
            ),
          }),
          ...errorResponses(401, 404, 429),
        },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      // A deleted session answers with its tombstone's evidence: none, erased with it.
      const session = await findSessionOrThrow(platform, auth.applicationId, request.params.id, {
        allowDeleted: true,
      });
      return { data: await eidEvidence(platform, session) };
    },
  );
}
