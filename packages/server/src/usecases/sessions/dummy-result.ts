import { type DecisionStatus, DomainError, type Session } from '@openidv/domain';
import { sessions } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';
import { recordEvent } from '../events/record-event.ts';
import { presentSession } from './present-session.ts';
import { storeDecision } from './process-session.ts';

/** The outcomes a dummy result can ask for: a decision, or the session running out of time. */
export type DummyOutcome = DecisionStatus | 'expired';

const DUMMY_REASON = 'DUMMY_RESULT';

/**
 * Test mode only (OPENIDV_TEST_MODE): gives a fresh session the requested outcome without running any check,
 * so integrators can exercise their webhook handling (vendors call these "dummy results"). The result goes out
 * through the same events and webhooks as a real one; its only reason is DUMMY_RESULT, so it is never mistaken
 * for a verification.
 */
export async function applyDummyResult(
  platform: Platform,
  session: Session,
  outcome: DummyOutcome,
  actor: string,
): Promise<void> {
  if (!platform.config.testMode) {
    throw new DomainError('FORBIDDEN', 'Dummy results are only available when OPENIDV_TEST_MODE is on.');
  }
  const now = platform.now();
  if (outcome === 'expired') {
    await platform.database.db.transaction().execute(async (tx) => {
      if (!(await sessions.updateSessionStatus(tx, session.id, ['created'], 'expired', now.getTime()))) {
        throw new DomainError('INVALID_TRANSITION', 'Only a session that was not started can be expired.');
      }
      await sessions.updateAttempt(tx, session.currentAttemptId, { status: 'expired' });
      const updated: Session = { ...session, status: 'expired', updatedAt: now };
      await recordEvent(platform, tx, updated, 'session.expired', { dummy: true }, actor, {
        session: presentSession(updated, platform.config.publicUrl),
      });
    });
    platform.wake();
    return;
  }
  const moved = await sessions.updateSessionStatus(
    platform.database.db,
    session.id,
    ['created'],
    'processing',
    now.getTime(),
  );
  if (!moved)
    throw new DomainError(
      'INVALID_TRANSITION',
      'Only a session that was not started can be given a dummy result.',
    );
  await sessions.updateAttempt(platform.database.db, session.currentAttemptId, {
    status: 'processing',
    submittedAt: now.getTime(),
  });
  const action =
    outcome === 'approved'
      ? 'none'
      : outcome === 'review'
        ? 'review'
        : outcome === 'declined'
          ? 'decline'
          : 'resubmit';
  await storeDecision(
    platform,
    { ...session, status: 'processing' },
    session.currentAttemptId,
    {
      status: outcome,
      reasons: [
        {
          code: DUMMY_REASON,
          message: `A dummy result requested in test mode (${outcome}); no check ran.`,
          check: 'test-mode',
          action,
        },
      ],
      checks: [],
      person: {},
      document: {},
      riskLabels: [],
      decidedAt: now,
      decidedBy: 'engine',
    },
    actor,
  );
}
