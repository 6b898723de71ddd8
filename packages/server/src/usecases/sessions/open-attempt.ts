import { type Attempt, newId, type Session } from '@openidv/domain';
import { type Executor, sessions } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';

/**
 * After `resubmission_requested`, the applicant's next upload or submission opens a new attempt in the same
 * session; earlier attempts keep their media and decisions as history.
 */
export async function openAttemptIfResubmitting(
  platform: Platform,
  tx: Executor,
  session: Session,
): Promise<Session> {
  if (session.status !== 'resubmission_requested') return session;
  const now = platform.now();
  const attempt: Attempt = {
    id: newId('att', now.getTime()),
    sessionId: session.id,
    number: session.attemptCount + 1,
    status: 'started',
    createdAt: now,
    submittedAt: null,
    decidedAt: null,
    decision: null,
  };
  await sessions.insertAttempt(tx, attempt);
  const moved = await sessions.updateSessionStatus(
    tx,
    session.id,
    ['resubmission_requested'],
    'started',
    now.getTime(),
    {
      current_attempt_id: attempt.id,
      attempt_count: attempt.number,
      decided_at: null,
    },
  );
  if (!moved) return session;
  return {
    ...session,
    status: 'started',
    currentAttemptId: attempt.id,
    attemptCount: attempt.number,
    decidedAt: null,
    updatedAt: now,
  };
}
