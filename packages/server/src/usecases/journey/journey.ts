import { DomainError, FINAL_STATUSES, newId, type Session } from '@openidv/domain';
import { applications, dialects, media, questionnaires, sessions, workflows } from '@openidv/storage';
import type { FrameSession } from '../../dialects/dialect.ts';
import type { Platform } from '../../platform/platform.ts';
import { presentBranding } from '../applications/branding.ts';
import { journeyEid } from '../eid/eid-offer.ts';
import { sessionQuestionnaire } from '../questionnaires/answer-questionnaire.ts';
import { changeSessionStatus } from '../sessions/change-session-status.ts';
import { markStarted } from '../sessions/start-session.ts';
import { type JourneyPlan, journeyPlan } from './journey-plan.ts';

/** The journey's actor in the session timeline: the person holding the link. */
export const APPLICANT = 'applicant';

/**
 * Where the applicant stands, as the journey shows it:
 * `consent` (not yet accepted) → `capture` → `finished` (submitted, however decided), or `cancelled` / `expired`.
 */
export type JourneyPhase = 'consent' | 'capture' | 'finished' | 'cancelled' | 'expired';

/** Steps the journey reports while the applicant moves, shown live on the desktop that handed off. */
export const JOURNEY_STEPS = [
  'consent',
  'eid',
  'document-type',
  'document-front',
  'document-back',
  'selfie',
  'questionnaire',
  'review',
  'submitting',
  'finished',
] as const;
export type JourneyProgressStep = (typeof JOURNEY_STEPS)[number];

/** The session behind a journey token, or NOT_FOUND (unknown and deleted links look the same). */
export async function findJourneySession(platform: Platform, token: string): Promise<Session> {
  const s = await sessions.findSessionByJourneyToken(platform.database.db, token);
  if (!s || s.deletedAt) throw new DomainError('NOT_FOUND', 'This verification link does not exist.');
  return s;
}

export function journeyPhase(s: Session, now: Date, consented: boolean): JourneyPhase {
  if (s.status === 'cancelled') return 'cancelled';
  if (s.status === 'expired' || s.status === 'abandoned') return 'expired';
  if (FINAL_STATUSES.includes(s.status) || ['submitted', 'processing', 'review'].includes(s.status)) {
    return 'finished';
  }
  if (s.expiresAt <= now) return 'expired';
  return consented ? 'capture' : 'consent';
}

interface JourneyFacts {
  /** Who created the session ("api:<key or credential id>"). */
  createdBy: string | null;
  consented: boolean;
  step: JourneyProgressStep | null;
  uploaded: string[];
}

async function journeyFacts(platform: Platform, s: Session): Promise<JourneyFacts> {
  const events = await sessions.listEvents(platform.database.db, s.id);
  const consented = events.some((e) => e.type === 'journey.consent' && e.data['accepted'] === true);
  const lastStep = events.findLast((e) => e.type === 'journey.step');
  // A resubmission starts a new attempt: what the previous one uploaded does not count.
  const uploaded =
    s.status === 'resubmission_requested'
      ? []
      : [
          ...new Set(
            (await media.listMedia(platform.database.db, s.id, s.currentAttemptId)).map((m) => m.context),
          ),
        ];
  const createdBy = events.find((e) => e.type === 'session.created')?.actor ?? null;
  return {
    createdBy,
    consented,
    step: (lastStep?.data['step'] as JourneyProgressStep | undefined) ?? null,
    uploaded,
  };
}

/**
 * The vendor whose iFrame messages the journey posts besides openidv's: the dialect the session was created
 * through (its credential created it), not one that merely listed a native session.
 */
async function journeyFrame(
  platform: Platform,
  s: Session,
  facts: JourneyFacts,
): Promise<FrameSession | null> {
  for (const format of platform.frameFormats) {
    const link = await dialects.findByInternalId(platform.database.db, format.dialect, s.id);
    if (link?.credentialId && facts.createdBy === `api:${link.credentialId}`) return format.present(s, link);
  }
  return null;
}

/** The live progress the desktop page follows after the hand-off. */
export async function journeyProgress(platform: Platform, token: string) {
  const s = await findJourneySession(platform, token);
  const facts = await journeyFacts(platform, s);
  return {
    phase: journeyPhase(s, platform.now(), facts.consented),
    status: s.status,
    step: facts.step,
    uploaded: facts.uploaded,
  };
}

/**
 * Everything the journey page needs, for the holder of the link only (no decision, no personal data).
 * The page asks for it when it opens, so this is where a session becomes `started` (`session.started`,
 * Veriff's 7001): the applicant has landed in the flow, as vendors count it. Consent comes next.
 */
export async function journeyState(platform: Platform, token: string) {
  let s = await findJourneySession(platform, token);
  if (s.status === 'created' && s.expiresAt > platform.now()) s = await markStarted(platform, s, APPLICANT);
  const [app, definition, facts, questionnaire, answers, eid] = await Promise.all([
    applications.findApplication(platform.database.db, s.applicationId),
    workflows.findWorkflowVersion(platform.database.db, s.workflowId, s.workflowVersion),
    journeyFacts(platform, s),
    sessionQuestionnaire(platform, s),
    questionnaires.findAnswers(platform.database.db, s.id),
    journeyEid(platform, s),
  ]);
  const phase = journeyPhase(s, platform.now(), facts.consented);
  const plan: JourneyPlan = journeyPlan(definition ?? { checks: [] }, questionnaire);
  return {
    reference: s.id,
    type: s.type,
    phase,
    status: s.status,
    attempt: s.attemptCount,
    resubmission: s.status === 'resubmission_requested',
    locale: s.locale,
    expiresAt: s.expiresAt.toISOString(),
    application: { name: app?.name ?? '', ...presentBranding(app?.branding ?? {}) },
    plan,
    consented: facts.consented,
    step: facts.step,
    uploaded: facts.uploaded,
    answered: answers !== undefined,
    eid,
    hasCallback: s.callbackUrl !== null,
    // Handed out once the applicant is done with an attempt (submitted, decided, cancelled), to send them back.
    callbackUrl: s.status === 'created' || s.status === 'started' ? null : s.callbackUrl,
    frame: await journeyFrame(platform, s, facts),
  };
}

/** Accepting starts the session; declining cancels it. Both are written to the timeline. */
export async function giveConsent(
  platform: Platform,
  token: string,
  input: { accept: boolean; locale?: string | undefined },
) {
  const s = await findJourneySession(platform, token);
  const facts = await journeyFacts(platform, s);
  const phase = journeyPhase(s, platform.now(), facts.consented);
  if (phase === 'expired') throw new DomainError('SESSION_EXPIRED', 'This verification link has expired.');
  if (phase === 'finished' || phase === 'cancelled') {
    throw new DomainError('INVALID_TRANSITION', `This verification is already ${phase}.`, { phase });
  }
  await recordJourneyEvent(platform, s, 'journey.consent', {
    accepted: input.accept,
    ...(input.locale && { locale: input.locale }),
  });
  if (input.accept) await markStarted(platform, s, APPLICANT);
  else await changeSessionStatus(platform, s, 'cancelled', APPLICANT);
  return journeyState(platform, token);
}

/** The applicant moved to another step; repeated reports of the same step are written once. */
export async function reportStep(platform: Platform, token: string, step: JourneyProgressStep) {
  const s = await findJourneySession(platform, token);
  const events = await sessions.listEvents(platform.database.db, s.id);
  const last = events.findLast((e) => e.type === 'journey.step');
  if (last?.data['step'] !== step) await recordJourneyEvent(platform, s, 'journey.step', { step });
  return journeyProgress(platform, token);
}

export async function requireCapturePhase(platform: Platform, token: string): Promise<Session> {
  const s = await findJourneySession(platform, token);
  const facts = await journeyFacts(platform, s);
  if (!facts.consented && journeyPhase(s, platform.now(), false) === 'consent') {
    throw new DomainError('CONSENT_REQUIRED', 'Accept the consent screen before sending photos.');
  }
  return s;
}

async function recordJourneyEvent(
  platform: Platform,
  s: Session,
  type: string,
  data: Record<string, unknown>,
): Promise<void> {
  const now = platform.now();
  await sessions.insertEvent(platform.database.db, {
    id: newId('evt', now.getTime()),
    applicationId: s.applicationId,
    sessionId: s.id,
    type,
    data,
    actor: APPLICANT,
    createdAt: now,
  });
}
