import type { Session } from '@openidv/domain';
import {
  documentUses,
  employment,
  faces,
  media,
  questionnaires,
  risk,
  screening,
  sessions,
  webhooks,
} from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';
import { recordEvent } from '../events/record-event.ts';

/**
 * Erases the session's personal data and media and leaves a tombstone (id, status, times, event types) that
 * proves when it was erased and by whom.
 */
export async function deleteSession(platform: Platform, session: Session, actor: string): Promise<void> {
  const now = platform.now();
  const removed = await platform.database.db.transaction().execute(async (tx) => {
    const rows = await media.markMediaDeleted(tx, session.id, now.getTime());
    await sessions.eraseSession(tx, session.id, now.getTime());
    await webhooks.redactSessionDeliveries(tx, session.id);
    await screening.deleteMonitoredBySession(tx, session.id);
    await faces.deleteSessionFaceTemplates(tx, session.id);
    await screening.redactAlertsForSession(tx, session.id);
    await risk.deleteSignalsBySession(tx, session.id);
    await documentUses.deleteDocumentUseBySession(tx, session.id);
    await employment.eraseEmployment(tx, session.id, now.getTime());
    await questionnaires.deleteAnswersBySession(tx, session.id);
    await recordEvent(platform, tx, session, 'session.deleted', { mediaErased: rows.length }, actor, {
      sessionId: session.id,
      deletedAt: now.toISOString(),
    });
    return rows;
  });
  // Files go after the commit: if this crashes half-way the rows already say "deleted" and the files are unreachable.
  await Promise.all(removed.map((m) => platform.files.delete(m.storageKey)));
  platform.wake();
}
