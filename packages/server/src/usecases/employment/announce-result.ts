import type { CheckResult, Session } from '@openidv/domain';
import type { Executor } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';
import { recordEvent } from '../events/record-event.ts';
import { storeEmploymentResult } from './employment-result.ts';
import { presentEmploymentResult } from './present-result.ts';

/** Stores the employment result with the decision and announces it (`employment.completed`). */
export async function announceEmploymentResult(
  platform: Platform,
  tx: Executor,
  session: Session,
  checks: CheckResult[],
): Promise<void> {
  const result = await storeEmploymentResult(platform, tx, session, checks);
  if (!result) return;
  await recordEvent(
    platform,
    tx,
    session,
    'employment.completed',
    {
      verified: result.comparison.filter((c) => c.status === 'verified').length,
      partlyVerified: result.comparison.filter((c) => c.status === 'partly_verified').length,
      unverified: result.comparison.filter((c) => c.status === 'unverified').length,
      gaps: result.gaps.length,
    },
    'system',
    presentEmploymentResult(session, result, platform.config.publicUrl),
  );
}
