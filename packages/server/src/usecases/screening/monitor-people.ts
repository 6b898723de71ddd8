import { hitFingerprint } from '@openidv/check-aml';
import { type Decision, newId, type Session } from '@openidv/domain';
import { DEFAULT_THRESHOLD, screen } from '@openidv/screening';
import { type Executor, screening, sessions } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';
import { recordEvent } from '../events/record-event.ts';

interface Subject {
  name: string;
  dateOfBirth?: string;
  nationality?: string;
}

/** The key a person is monitored under: the integrator's user reference, or the session when there is none. */
export function personKey(session: Pick<Session, 'id' | 'vendorData'>): string {
  return session.vendorData ?? `session:${session.id}`;
}

/**
 * An approved person whose workflow screened them is screened again whenever a list changes. What is kept
 * is the screened name, birth date and nationality, sealed like media.
 */
export async function enrolForMonitoring(
  platform: Platform,
  tx: Executor,
  session: Session,
  decision: Decision,
) {
  if (decision.status !== 'approved') return;
  const aml = decision.checks.find((c) => c.type === 'aml');
  const screened = aml?.evidence['screened'] as Subject | undefined;
  if (!screened?.name) return;
  const subject: Subject = {
    name: screened.name,
    ...(screened.dateOfBirth && { dateOfBirth: screened.dateOfBirth }),
    ...(screened.nationality && { nationality: screened.nationality }),
  };
  const key = personKey(session);
  await screening.upsertMonitoredPerson(tx, {
    applicationId: session.applicationId,
    vendorData: key,
    sessionId: session.id,
    subjectEnc: platform.envelope.sealString(
      JSON.stringify(subject),
      `monitor:${session.applicationId}:${key}`,
    ),
    now: platform.now().getTime(),
  });
}

/**
 * Screens every monitored person against the lists in service. A hit that is new — no alert yet for that
 * list entry as it stands (same fingerprint), and not dismissed for this person — opens an alert in the
 * review queue and sends `user.screening.hit`.
 */
export async function monitorPeople(platform: Platform, versionId?: string): Promise<number> {
  await platform.screening.refresh();
  const index = platform.screening.current();
  const db = platform.database.db;
  let raised = 0;
  for (const person of await screening.listMonitoredPeople(db)) {
    const subject = JSON.parse(
      platform.envelope.openString(
        person.subject_enc,
        `monitor:${person.application_id}:${person.vendor_data}`,
      ),
    ) as Subject;
    const hits = screen(
      index,
      {
        name: subject.name,
        type: 'person',
        ...(subject.dateOfBirth && { dateOfBirth: subject.dateOfBirth }),
        ...(subject.nationality && { nationality: subject.nationality }),
      },
      { threshold: DEFAULT_THRESHOLD, limit: 10 },
    );
    if (hits.length === 0) continue;
    const dismissed = await screening.suppressionsFor(db, person.application_id, person.vendor_data);
    for (const hit of hits) {
      const fingerprint = hitFingerprint(index, hit.entityId) ?? '';
      if (dismissed.has(`${hit.entityId}#${fingerprint}`)) continue;
      const earlier = await screening.findAlertsFor(
        db,
        person.application_id,
        person.vendor_data,
        hit.entityId,
      );
      if (earlier.some((a) => a.entityFingerprint === fingerprint)) continue;
      const session = await sessions.findSessionById(db, person.session_id);
      if (!session || session.deletedAt) continue;
      const now = platform.now();
      const alertId = newId('alr', now.getTime());
      await db.transaction().execute(async (tx) => {
        await screening.insertAlert(tx, {
          id: alertId,
          applicationId: person.application_id,
          vendorData: person.vendor_data,
          sessionId: person.session_id,
          entityId: hit.entityId,
          entityFingerprint: fingerprint,
          listVersionId: versionId ?? null,
          hit: hit as unknown as Record<string, unknown>,
          status: 'open',
          createdAt: now,
          resolvedAt: null,
          resolvedBy: null,
          note: null,
        });
        await recordEvent(
          platform,
          tx,
          session,
          'user.screening.hit',
          { alertId, entityId: hit.entityId, score: hit.score },
          'system',
          {
            alertId,
            vendorData: session.vendorData,
            sessionId: session.id,
            hit: {
              entityId: hit.entityId,
              name: hit.name,
              matchedName: hit.matchedName,
              score: hit.score,
              lists: hit.lists,
              programs: hit.programs,
              explanation: hit.explanation,
            },
          },
        );
      });
      raised++;
    }
  }
  if (raised) platform.wake();
  return raised;
}
