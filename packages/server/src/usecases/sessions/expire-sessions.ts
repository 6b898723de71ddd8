import { sessions } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';
import { recordEvent } from '../events/record-event.ts';
import { presentSession } from './present-session.ts';

/**
 * Sessions past their lifetime: never opened → `expired`; opened but not submitted → `abandoned`
 * (the distinction vendors make, and useful for conversion metrics).
 */
export async function expireSessions(platform: Platform, limit = 500): Promise<number> {
  const now = platform.now();
  const due = await sessions.findExpiredSessions(platform.database.db, now.getTime(), limit);
  let n = 0;
  for (const s of due) {
    const to = s.status === 'created' ? 'expired' : 'abandoned';
    await platform.database.db.transaction().execute(async (tx) => {
      if (!(await sessions.updateSessionStatus(tx, s.id, [s.status], to, now.getTime()))) return;
      const updated = { ...s, status: to, updatedAt: now } as const;
      await recordEvent(
        platform,
        tx,
        s,
        to === 'expired' ? 'session.expired' : 'session.abandoned',
        {},
        'system',
        {
          session: presentSession(updated, platform.config.publicUrl),
        },
      );
      n++;
    });
  }
  if (n) platform.wake();
  return n;
}
