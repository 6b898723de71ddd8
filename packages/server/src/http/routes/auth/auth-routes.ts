import { DomainError } from '@openidv/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../../platform/platform.ts';
import { passwordSchema, presentStaff } from '../../../usecases/staff/manage-staff.ts';
import {
  changeOwnPassword,
  SIGN_IN_LIFETIME_MS,
  type StaffPrincipal,
  signIn,
  signOut,
} from '../../../usecases/staff/sign-in.ts';
import { beginTotpEnrolment, confirmTotpEnrolment, removeOwnTotp } from '../../../usecases/staff/totp.ts';
import { requireStaff, sameOrigin, setStaffCookie } from '../../auth.ts';
import { errorResponses } from '../../errors.ts';
import { staffUserSchema } from '../staff/staff-routes.ts';

const tags = ['Console sign-in'];

export const signedInSchema = z
  .object({
    user: staffUserSchema,
    csrfToken: z
      .string()
      .describe(
        'Send it as `X-CSRF-Token` on every request that changes something (POST, PUT, PATCH, DELETE).',
      ),
    expiresAt: z.string().describe('When this sign-in ends at the latest (it also ends after 2 hours idle).'),
  })
  .meta({ id: 'ConsoleSignIn' });

const ok = z.object({ ok: z.literal(true) });

export function authRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const present = (p: StaffPrincipal) => ({
    user: presentStaff(p.user),
    csrfToken: p.csrfToken,
    expiresAt: p.expiresAt.toISOString(),
  });

  r.post(
    '/auth/sign-in',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Sign in to the console',
        description:
          'Email and password (and `totpCode` when the account has a second factor: without it the answer is `401 TOTP_REQUIRED`). Sets an HttpOnly, SameSite=Strict session cookie (Secure when the public URL is https). Five wrong attempts lock the account for 15 minutes. API integrators do not need this: they use API keys.',
        security: [],
        body: z
          .object({
            email: z.string().min(1).max(254),
            password: z.string().min(1).max(200),
            totpCode: z.string().max(10).optional().describe('The 6-digit code of the authenticator app.'),
          })
          .strict(),
        response: { 200: signedInSchema, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      if (!sameOrigin(request, platform.config.publicUrl))
        throw new DomainError('CSRF_TOKEN_INVALID', 'Sign in from the console itself.');
      const { token, principal } = await signIn(platform, request.body, { ip: request.ip });
      setStaffCookie(reply, platform.config.publicUrl, token, Math.floor(SIGN_IN_LIFETIME_MS / 1000));
      reply.header('cache-control', 'no-store');
      return present(principal);
    },
  );

  r.get(
    '/auth/session',
    {
      config: { access: 'signedIn' },
      schema: {
        tags,
        summary: 'The signed-in console user',
        description: 'With the CSRF token to send on changes. `401` when not signed in.',
        response: { 200: signedInSchema, ...errorResponses(401, 403) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return present(requireStaff(request));
    },
  );

  r.post(
    '/auth/sign-out',
    {
      config: { access: 'signedIn' },
      schema: {
        tags,
        summary: 'Sign out of the console',
        response: { 200: ok, ...errorResponses(401, 403) },
      },
    },
    async (request, reply) => {
      await signOut(platform, requireStaff(request));
      setStaffCookie(reply, platform.config.publicUrl, '', 0);
      return { ok: true as const };
    },
  );

  r.post(
    '/auth/password',
    {
      config: { access: 'signedIn' },
      schema: {
        tags,
        summary: 'Change your own password',
        description: 'Ends your other sign-ins.',
        body: z.object({ currentPassword: z.string().min(1).max(200), newPassword: passwordSchema }).strict(),
        response: { 200: ok, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      await changeOwnPassword(
        platform,
        requireStaff(request),
        request.body.currentPassword,
        request.body.newPassword,
      );
      return { ok: true as const };
    },
  );

  r.post(
    '/auth/totp',
    {
      config: { access: 'signedIn' },
      schema: {
        tags,
        summary: 'Start setting up a second factor (TOTP)',
        description:
          'Returns a new secret as text, `otpauth://` URI and QR code (SVG) for an authenticator app. It takes effect once confirmed with a code.',
        response: {
          200: z.object({ secret: z.string(), uri: z.string(), qrSvg: z.string() }),
          ...errorResponses(401, 403, 409),
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return beginTotpEnrolment(platform, requireStaff(request));
    },
  );

  r.post(
    '/auth/totp/confirm',
    {
      config: { access: 'signedIn' },
      schema: {
        tags,
        summary: 'Confirm the second factor with a code from the app',
        body: z.object({ code: z.string().min(6).max(10) }).strict(),
        response: { 200: ok, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request) => {
      await confirmTotpEnrolment(platform, requireStaff(request), request.body.code);
      return { ok: true as const };
    },
  );

  r.delete(
    '/auth/totp',
    {
      config: { access: 'signedIn' },
      schema: {
        tags,
        summary: 'Remove your second factor',
        body: z.object({ password: z.string().min(1).max(200) }).strict(),
        response: { 200: ok, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      await removeOwnTotp(platform, requireStaff(request), request.body.password);
      return { ok: true as const };
    },
  );
}
