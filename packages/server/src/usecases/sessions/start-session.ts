import type { Session } from '@openidv/domain';
import { type Executor, sessions } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';
import { recordEvent } from '../events/record-event.ts';
import { presentSession } from './present-session.ts';

/** `created` → `started` the first time the applicant (or an API upload) acts on the session. */
export async function markStartedInTx(
  platform: Platform,
  tx: Executor,
  session: Session,
  actor: string,
): Promise<Session> {
  if (session.status !== 'created') return session;
  const now = platform.now();
  const moved = await sessions.updateSessionStatus(tx, session.id, ['created'], 'started', now.getTime());
  if (!moved) return session;
  const started: Session = { ...session, status: 'started', updatedAt: now };
  await recordEvent(platform, tx, started, 'session.started', {}, actor, {
    session: presentSession(started, platform.config.publicUrl),
  });
  return started;
}

export async function markStarted(platform: Platform, session: Session, actor: string): Promise<Session> {
  if (session.status !== 'created') return session;
  const s = await platform.database.db
    .transaction()
    .execute((tx) => markStartedInTx(platform, tx, session, actor));
  platform.wake();
  return s;
}
