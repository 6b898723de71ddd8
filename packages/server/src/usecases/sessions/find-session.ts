import { DomainError, type Session } from '@openidv/domain';
import { sessions } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';

/** A session of this application, or NOT_FOUND: another application's session is indistinguishable from none. */
export async function findSessionOrThrow(
  platform: Platform,
  applicationId: string,
  id: string,
  options: { allowDeleted?: boolean } = {},
): Promise<Session> {
  const s = await sessions.findSession(platform.database.db, applicationId, id);
  if (!s || (s.deletedAt && !options.allowDeleted)) throw new DomainError('NOT_FOUND', `No session ${id}.`);
  return s;
}
