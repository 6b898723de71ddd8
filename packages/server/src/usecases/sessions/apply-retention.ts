import { FINAL_STATUSES } from '@openidv/domain';
import { sessions } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';
import { deleteSession } from './delete-session.ts';

/** Who the audit trail and the `session.deleted` event name as having erased a session by policy. */
export const RETENTION_ACTOR = 'system:retention';

/**
 * The retention policy (`OPENIDV_DATA_RETENTION`): sessions that reached a final status longer ago than the
 * retention period lose their personal data and media exactly as a DELETE would erase them. Sessions still
 * waiting for a person (`review`) or for the applicant are never erased by policy.
 */
export async function applyRetention(platform: Platform, limit = 200): Promise<number> {
  const retention = platform.config.dataRetentionMs;
  if (retention === undefined) return 0;
  const cutoff = platform.now().getTime() - retention;
  const due = await sessions.findSessionsPastRetention(platform.database.db, FINAL_STATUSES, cutoff, limit);
  for (const s of due) await deleteSession(platform, s, RETENTION_ACTOR);
  return due.length;
}
