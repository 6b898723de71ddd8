import { DomainError } from '@openidv/domain';
import type { StaffRole } from '@openidv/storage';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Platform } from '../platform/platform.ts';
import type { Actor } from '../usecases/audit/record-audit.ts';
import { authenticateApiKey } from '../usecases/keys/api-keys.ts';
import { authenticateStaffToken, csrfTokenMatches, type StaffPrincipal } from '../usecases/staff/sign-in.ts';

/**
 * What a route needs: `public` (no credential), `signedIn` (any console user, e.g. their own profile),
 * or the least role: viewer < reviewer < admin. API keys act as admin.
 */
export type Access = 'public' | 'signedIn' | StaffRole;

declare module 'fastify' {
  interface FastifyRequest {
    auth?: {
      /** The API key's id, or for a console sign-in the staff user's id (rate limits count per credential). */
      keyId: string;
      applicationId: string;
      role: StaffRole;
      actor: Actor;
      staff?: StaffPrincipal;
      cookieToken?: string;
    };
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

const RANK: Record<StaffRole, number> = { viewer: 1, reviewer: 2, admin: 3 };

/**
 * Access of routes that do not declare one. Reading is for viewers, except where secrets or infrastructure
 * live; changing is for admins, except case work, which reviewers do.
 */
const RULES: { methods: RegExp; url: RegExp; access: Access }[] = [
  { methods: /^GET$/, url: /^\/v1\/(keys|webhooks|staff)(\/|$)/, access: 'admin' },
  { methods: /^POST$/, url: /^\/v1\/screening\/(alerts\/[^/]+\/[^/]+|suppressions)$/, access: 'reviewer' },
  { methods: /^POST$/, url: /^\/v1\/screenings$/, access: 'reviewer' },
  { methods: /^(POST|DELETE)$/, url: /^\/v1\/blocklists(\/|$)/, access: 'reviewer' },
];

export function accessOf(request: FastifyRequest): Access {
  const declared = request.routeOptions.config?.access;
  if (declared) return declared;
  const url = request.routeOptions.url ?? '';
  const rule = RULES.find((r) => r.methods.test(request.method) && r.url.test(url));
  if (rule) return rule.access;
  return request.method === 'GET' || request.method === 'HEAD' ? 'viewer' : 'admin';
}

export const STAFF_COOKIE = 'oidv_console';
export function staffCookieName(publicUrl: string): string {
  // The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only and for the whole site.
  return publicUrl.startsWith('https:') ? `__Host-${STAFF_COOKIE}` : STAFF_COOKIE;
}

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

export function setStaffCookie(reply: FastifyReply, publicUrl: string, token: string, maxAgeSeconds: number) {
  const secure = publicUrl.startsWith('https:');
  reply.header(
    'set-cookie',
    `${staffCookieName(publicUrl)}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`,
  );
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A console request must come from openidv's own origin (the public URL, or the host it was sent to). */
export function sameOrigin(request: FastifyRequest, publicUrl: string): boolean {
  const origin = request.headers.origin;
  if (!origin) return true; // same-origin GETs and some browsers' POSTs omit it; the CSRF token still guards
  if (origin === new URL(publicUrl).origin) return true;
  const host = request.headers.host;
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

/**
 * Authenticates every /v1 request — `Authorization: Bearer <api key>`, or the console's sign-in cookie with
 * its CSRF token on changes — and checks the credential's role against the route's access.
 */
export function authenticate(platform: Platform) {
  const cookieName = staffCookieName(platform.config.publicUrl);
  return async (request: FastifyRequest) => {
    const access = accessOf(request);
    if (access === 'public') return;
    const header = request.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) throw new DomainError('UNAUTHORIZED', 'Send your API key as "Authorization: Bearer <key>".');
      const auth = await authenticateApiKey(platform, m[1]!);
      if (!auth) throw new DomainError('UNAUTHORIZED', 'The API key is unknown or has been revoked.');
      request.auth = { ...auth, role: 'admin', actor: { id: `api:${auth.keyId}`, label: null } };
    } else {
      const token = readCookie(request, cookieName);
      const principal = token ? await authenticateStaffToken(platform, token) : null;
      if (!token || !principal) {
        throw new DomainError(
          'UNAUTHORIZED',
          token
            ? 'Your console sign-in has expired; sign in again.'
            : 'Send your API key as "Authorization: Bearer <key>", or sign in to the console.',
        );
      }
      if (!SAFE_METHODS.has(request.method)) {
        const given = request.headers['x-csrf-token'];
        if (
          !sameOrigin(request, platform.config.publicUrl) ||
          !csrfTokenMatches(token, String(given ?? ''))
        ) {
          throw new DomainError(
            'CSRF_TOKEN_INVALID',
            'Changes from the console need the X-CSRF-Token of the sign-in, sent from the console itself.',
          );
        }
      }
      request.auth = {
        keyId: principal.user.id,
        applicationId: principal.user.applicationId,
        role: principal.user.role,
        actor: { id: `staff:${principal.user.id}`, label: principal.user.email },
        staff: principal,
        cookieToken: token,
      };
    }
    if (access === 'signedIn') {
      if (!request.auth.staff)
        throw new DomainError('FORBIDDEN', 'This endpoint is for a signed-in console user, not an API key.');
      return;
    }
    if (RANK[request.auth.role] < RANK[access]) {
      throw new DomainError(
        'FORBIDDEN',
        `This needs the ${access} role; your role is ${request.auth.role}.`,
        { required: access, role: request.auth.role },
      );
    }
  };
}

export function requireAuth(request: FastifyRequest): NonNullable<FastifyRequest['auth']> {
  if (!request.auth) throw new DomainError('UNAUTHORIZED', 'Authentication required.');
  return request.auth;
}

export function requireStaff(request: FastifyRequest): StaffPrincipal {
  const s = request.auth?.staff;
  if (!s) throw new DomainError('FORBIDDEN', 'This endpoint is for a signed-in console user.');
  return s;
}

export function actorOf(request: FastifyRequest): string {
  return request.auth ? request.auth.actor.id : 'anonymous';
}

export function actorInfo(request: FastifyRequest): Actor {
  return request.auth?.actor ?? { id: 'anonymous', label: null };
}
