import { assertTransition, DomainError, type Session } from '@openidv/domain';
import { jobs, sessions } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';
import { recordEvent } from '../events/record-event.ts';
import { openAttemptIfResubmitting } from './open-attempt.ts';
import { presentSession } from './present-session.ts';

export const PROCESS_SESSION_JOB = 'session.process';

/** What an integrator may ask for through PATCH; everything else follows from the pipeline or a reviewer. */
export type RequestedStatus = 'submitted' | 'cancelled';

export async function changeSessionStatus(
  platform: Platform,
  session: Session,
  to: RequestedStatus,
  actor: string,
): Promise<Session> {
  const now = platform.now();
  if (to === 'submitted' && session.expiresAt <= now && session.status !== 'submitted') {
    throw new DomainError('SESSION_EXPIRED', 'The session has expired; create a new one.');
  }
  const result = await platform.database.db.transaction().execute(async (tx) => {
    let s = (await sessions.findSessionById(tx, session.id)) ?? session;
    assertTransition(s.status, to);
    if (to === 'submitted') s = await openAttemptIfResubmitting(platform, tx, s);
    const moved = await sessions.updateSessionStatus(tx, s.id, [s.status], to, now.getTime());
    if (!moved) {
      throw new DomainError(
        'INVALID_TRANSITION',
        'The session changed at the same time; fetch it and retry.',
      );
    }
    const updated: Session = { ...s, status: to, updatedAt: now };
    if (to === 'submitted') {
      await sessions.updateAttempt(tx, s.currentAttemptId, {
        status: 'submitted',
        submittedAt: now.getTime(),
      });
      await jobs.enqueueJob(tx, {
        type: PROCESS_SESSION_JOB,
        payload: { sessionId: s.id, attemptId: s.currentAttemptId },
        runAt: now.getTime(),
        maxAttempts: 5,
        now: now.getTime(),
      });
    } else {
      await sessions.updateAttempt(tx, s.currentAttemptId, { status: to });
    }
    await recordEvent(
      platform,
      tx,
      updated,
      to === 'submitted' ? 'session.submitted' : 'session.cancelled',
      {},
      actor,
      {
        session: presentSession(updated, platform.config.publicUrl),
      },
    );
    return updated;
  });
  platform.wake();
  return result;
}
