import { DomainError } from '@openidv/domain';
import type { FastifyRequest } from 'fastify';
import type { Platform } from '../platform/platform.ts';
import { authenticateApiKey } from '../usecases/keys/api-keys.ts';

declare module 'fastify' {
  interface FastifyRequest {
    auth?: { keyId: string; applicationId: string };
  }
}

/** `Authorization: Bearer <api key>`; the key's application scopes everything the request can see. */
export function bearerAuth(platform: Platform) {
  return async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!m) {
      throw new DomainError('UNAUTHORIZED', 'Send your API key as "Authorization: Bearer <key>".');
    }
    const auth = await authenticateApiKey(platform, m[1]!);
    if (!auth) throw new DomainError('UNAUTHORIZED', 'The API key is unknown or has been revoked.');
    request.auth = auth;
  };
}

export function requireAuth(request: FastifyRequest): { keyId: string; applicationId: string } {
  if (!request.auth) throw new DomainError('UNAUTHORIZED', 'Authentication required.');
  return request.auth;
}

export function actorOf(request: FastifyRequest): string {
  return request.auth ? `api:${request.auth.keyId}` : 'anonymous';
}
