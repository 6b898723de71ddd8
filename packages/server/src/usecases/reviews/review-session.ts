import { type Decision, DomainError, type Session } from '@openidv/domain';
import { reviews, sessions } from '@openidv/storage';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import { type Actor, recordAudit } from '../audit/record-audit.ts';
import { findSessionOrThrow } from '../sessions/find-session.ts';
import { storeDecision } from '../sessions/process-session.ts';

/** Why a person declines a session: stable codes integrators can act on. */
export const DECLINE_REASONS = {
  DOCUMENT_FORGED: 'The document appears forged or tampered with.',
  DOCUMENT_EXPIRED: 'The document has expired.',
  DOCUMENT_NOT_ACCEPTED: 'This kind of document or issuing country is not accepted.',
  FACE_MISMATCH: 'The person in the selfie is not the document holder.',
  PRESENTATION_ATTACK: 'The selfie is a photo of a photo or screen, a mask or a synthetic face.',
  DATA_MISMATCH: "The document's data does not match the data the business expected.",
  UNDERAGE: 'The person is under the minimum age.',
  SANCTIONS_MATCH: 'The person matches a sanctions or watch list entry.',
  DUPLICATE_IDENTITY: 'This person has already verified under another account.',
  KNOWN_FRAUD: 'The person, document or device is known from earlier fraud.',
  SUSPICIOUS_BEHAVIOUR: 'Device, network or behaviour signals point to fraud.',
  OTHER: 'Another reason, explained in the note.',
} as const;

/** Why a person sends a session back to the applicant. */
export const RESUBMISSION_REASONS = {
  POOR_IMAGE_QUALITY: 'A photo is blurry, dark, glared or cut off.',
  WRONG_DOCUMENT: 'The photo shows the wrong document or the wrong side.',
  DOCUMENT_NOT_READABLE: 'The document could not be read; take the photos again.',
  FACE_NOT_VISIBLE: 'The face in the selfie is not clearly visible.',
  OTHER: 'Another reason, explained in the note.',
} as const;

/** The steps an applicant can be asked to do again (upload contexts). */
export const RESUBMIT_STEPS = ['document-front', 'document-back', 'face', 'liveness'] as const;

const note = z.string().trim().min(1).max(4000).describe('Free text for the audit log and the case.');

export const reviewInput = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('approved'), note: note.optional() }).strict(),
  z
    .object({
      decision: z.literal('declined'),
      reasonCode: z.enum(Object.keys(DECLINE_REASONS) as [keyof typeof DECLINE_REASONS]),
      note: note.optional(),
    })
    .strict(),
  z
    .object({
      decision: z.literal('resubmission_requested'),
      reasonCode: z.enum(Object.keys(RESUBMISSION_REASONS) as [keyof typeof RESUBMISSION_REASONS]),
      resubmitSteps: z
        .array(z.enum(RESUBMIT_STEPS))
        .min(1)
        .describe('What the applicant must provide again.'),
      note: note.optional(),
    })
    .strict(),
]);
export type ReviewInput = z.infer<typeof reviewInput>;

/** How long a claim holds a case for one reviewer without activity (claiming again renews it). */
export const CLAIM_TTL_MS = 30 * 60_000;

async function assertNotClaimedByOther(platform: Platform, sessionId: string, actor: Actor) {
  const claim = await reviews.findClaim(platform.database.db, sessionId);
  if (claim && claim.expiresAt.getTime() > platform.now().getTime() && claim.actor !== actor.id) {
    throw new DomainError('CASE_CLAIMED', `${claim.actorLabel ?? claim.actor} is working on this case.`, {
      claimedBy: claim.actor,
      claimedByLabel: claim.actorLabel,
      expiresAt: claim.expiresAt.toISOString(),
    });
  }
}

function assertInReview(session: Session) {
  if (session.status !== 'review') {
    throw new DomainError('NOT_IN_REVIEW', `The session is ${session.status}, not waiting for review.`, {
      status: session.status,
    });
  }
}

/**
 * A person decides a session in review: a manual decision replaces the engine's on the current attempt, keeping
 * the check results as evidence. The session moves on, `session.decided` is sent, the claim is released and the
 * audit log gets before and after — all in one transaction.
 */
export async function reviewSession(
  platform: Platform,
  applicationId: string,
  sessionId: string,
  input: ReviewInput,
  actor: Actor,
): Promise<Decision> {
  const session = await findSessionOrThrow(platform, applicationId, sessionId);
  assertInReview(session);
  await assertNotClaimedByOther(platform, session.id, actor);
  const attempt = await sessions.findAttempt(platform.database.db, session.currentAttemptId);
  const previous = attempt?.decision ?? null;
  const reasonCode = 'reasonCode' in input ? input.reasonCode : undefined;
  const message =
    input.decision === 'declined'
      ? DECLINE_REASONS[input.reasonCode]
      : input.decision === 'resubmission_requested'
        ? RESUBMISSION_REASONS[input.reasonCode]
        : '';
  const now = platform.now();
  const decision: Decision = {
    status: input.decision,
    reasons: reasonCode
      ? [
          {
            code: reasonCode,
            message,
            check: 'manual-review',
            action: input.decision === 'declined' ? 'decline' : 'resubmit',
          },
        ]
      : [],
    checks: previous?.checks ?? [],
    person: previous?.person ?? {},
    document: previous?.document ?? {},
    riskLabels: previous?.riskLabels ?? [],
    // A reviewer's decision is about the same verified person: keep where they came from.
    ...(previous?.provenance && { provenance: previous.provenance }),
    decidedAt: now,
    decidedBy: { reviewer: actor.id },
    review: {
      ...(reasonCode && { reasonCode }),
      ...(input.note && { note: input.note }),
      ...(input.decision === 'resubmission_requested' && {
        resubmitSteps: [...new Set(input.resubmitSteps)],
      }),
    },
  };
  const action =
    input.decision === 'approved'
      ? 'review.approve'
      : input.decision === 'declined'
        ? 'review.decline'
        : 'review.resubmit';
  const stored = await storeDecision(
    platform,
    session,
    session.currentAttemptId,
    decision,
    actor.id,
    async (tx) => {
      await reviews.releaseClaim(tx, session.id);
      await recordAudit(
        platform,
        tx,
        applicationId,
        actor,
        action,
        { type: 'session', id: session.id },
        {
          status: session.status,
          decidedBy: previous?.decidedBy ?? null,
          reasons: previous?.reasons.map((r) => r.code) ?? [],
        },
        { status: decision.status, decidedBy: decision.decidedBy, ...decision.review },
      );
    },
  );
  if (!stored) {
    // Someone else decided it between our read and our write.
    const fresh = await findSessionOrThrow(platform, applicationId, sessionId);
    assertInReview(fresh);
    throw new DomainError('NOT_IN_REVIEW', 'The session changed while it was being reviewed; reload it.');
  }
  return decision;
}

export async function addNote(
  platform: Platform,
  applicationId: string,
  sessionId: string,
  text: string,
  actor: Actor,
) {
  const session = await findSessionOrThrow(platform, applicationId, sessionId);
  const createdAt = platform.now();
  const id = await recordAudit(
    platform,
    platform.database.db,
    applicationId,
    actor,
    'review.note',
    { type: 'session', id: session.id },
    null,
    { text, status: session.status },
  );
  return { id, actor: actor.id, actorLabel: actor.label, text, createdAt: createdAt.toISOString() };
}

export async function claimCase(platform: Platform, applicationId: string, sessionId: string, actor: Actor) {
  const session = await findSessionOrThrow(platform, applicationId, sessionId);
  assertInReview(session);
  const db = platform.database.db;
  const before = await reviews.findClaim(db, session.id);
  const claim = await reviews.claimCase(db, {
    sessionId: session.id,
    applicationId,
    actor: actor.id,
    actorLabel: actor.label,
    now: platform.now().getTime(),
    ttlMs: CLAIM_TTL_MS,
  });
  if (claim.actor !== actor.id) await assertNotClaimedByOther(platform, session.id, actor);
  const renewed =
    before && before.actor === actor.id && before.expiresAt.getTime() > platform.now().getTime();
  if (!renewed) {
    await recordAudit(platform, db, applicationId, actor, 'review.claim', {
      type: 'session',
      id: session.id,
    });
  }
  return claim;
}

/** Releases a claim: the holder's own, or anyone's for an admin. */
export async function releaseCase(
  platform: Platform,
  applicationId: string,
  sessionId: string,
  actor: Actor,
  isAdmin: boolean,
): Promise<void> {
  const session = await findSessionOrThrow(platform, applicationId, sessionId);
  const db = platform.database.db;
  const claim = await reviews.findClaim(db, session.id);
  if (!claim) return;
  if (claim.actor !== actor.id && !isAdmin && claim.expiresAt.getTime() > platform.now().getTime()) {
    throw new DomainError(
      'CASE_CLAIMED',
      `Only ${claim.actorLabel ?? claim.actor} or an admin can release this case.`,
    );
  }
  await db.transaction().execute(async (tx) => {
    await reviews.releaseClaim(tx, session.id);
    await recordAudit(
      platform,
      tx,
      applicationId,
      actor,
      'review.release',
      { type: 'session', id: session.id },
      { claimedBy: claim.actor },
      null,
    );
  });
}

/** Claims the oldest case nobody else is working on; null when the queue is empty. */
export async function claimNextCase(
  platform: Platform,
  applicationId: string,
  actor: Actor,
): Promise<string | null> {
  for (let round = 0; round < 5; round++) {
    const candidates = await reviews.listReviewQueue(platform.database.db, applicationId, {
      limit: 10,
      unclaimedFor: actor.id,
      now: platform.now().getTime(),
    });
    if (candidates.length === 0) return null;
    for (const c of candidates) {
      try {
        await claimCase(platform, applicationId, c.id, actor);
        return c.id;
      } catch (e) {
        // Taken or decided by someone else in the meantime: try the next one.
        if (!(e instanceof DomainError) || (e.code !== 'CASE_CLAIMED' && e.code !== 'NOT_IN_REVIEW')) throw e;
      }
    }
  }
  return null;
}
