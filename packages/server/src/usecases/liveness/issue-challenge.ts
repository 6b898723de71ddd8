import { randomInt } from 'node:crypto';
import { activeLivenessConfigSchema } from '@openidv/check-active-liveness';
import {
  type ChallengeStep,
  DomainError,
  type LivenessChallenge,
  newId,
  type Session,
} from '@openidv/domain';
import { type Executor, sessions, workflows } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';
import { assertAcceptsMedia } from '../sessions/add-media.ts';

export const CHALLENGE_EVENT = 'liveness.challenge';

const TURNS: ChallengeStep[] = ['turn-left', 'turn-right'];
const DISTANCES: ChallengeStep[] = ['move-closer', 'move-back'];

/**
 * Draws a challenge from the allowed steps: with turns and distance changes both allowed, a mix of the two
 * (with the defaults, one of each: 8 possible challenges); no step twice in a row; order at random.
 */
export function drawChallengeSteps(allowed: ChallengeStep[], count: number): ChallengeStep[] {
  const turns = TURNS.filter((s) => allowed.includes(s));
  const distances = DISTANCES.filter((s) => allowed.includes(s));
  const pick = (from: ChallengeStep[]) => from[randomInt(from.length)]!;
  const steps: ChallengeStep[] = [];
  for (let i = 0; i < count; i++) {
    const pool = turns.length && distances.length ? (i % 2 === 0 ? turns : distances) : allowed;
    let step = pick(pool);
    for (let tries = 0; tries < 8 && step === steps.at(-1) && pool.length > 1; tries++) step = pick(pool);
    steps.push(step);
  }
  return randomInt(2) === 0 ? steps : steps.reverse();
}

/** The challenge issued for the session's current attempt, if any (from its timeline). */
export async function findChallenge(
  db: Executor,
  session: Pick<Session, 'id' | 'currentAttemptId'>,
): Promise<LivenessChallenge | undefined> {
  const events = await sessions.listEvents(db, session.id);
  const e = events.findLast(
    (x) => x.type === CHALLENGE_EVENT && x.data['attemptId'] === session.currentAttemptId,
  );
  if (!e) return undefined;
  return {
    id: String(e.data['challengeId']),
    steps: e.data['steps'] as ChallengeStep[],
    issuedAt: new Date(String(e.data['issuedAt'])),
  };
}

/**
 * The active-liveness challenge for the current attempt: drawn once per attempt (asking again returns the
 * same one, so a reload does not let the applicant pick an easier one). Frames sent as `liveness` media after
 * it are judged against it.
 */
export async function issueLivenessChallenge(
  platform: Platform,
  session: Session,
  actor: string,
): Promise<LivenessChallenge> {
  assertAcceptsMedia(session, platform.now());
  const existing = await findChallenge(platform.database.db, session);
  if (existing) return existing;
  const definition = await workflows.findWorkflowVersion(
    platform.database.db,
    session.workflowId,
    session.workflowVersion,
  );
  const step = definition?.checks.find((c) => c.type === 'active-liveness');
  if (!step) {
    throw new DomainError(
      'INVALID_TRANSITION',
      "This session's workflow has no active-liveness check, so it takes no challenge.",
    );
  }
  const config = activeLivenessConfigSchema.parse(step.config);
  const now = platform.now();
  const challenge: LivenessChallenge = {
    id: newId('chl', now.getTime()),
    steps: drawChallengeSteps(config.steps, config.stepCount),
    issuedAt: now,
  };
  await sessions.insertEvent(platform.database.db, {
    id: newId('evt', now.getTime()),
    applicationId: session.applicationId,
    sessionId: session.id,
    type: CHALLENGE_EVENT,
    data: {
      attemptId: session.currentAttemptId,
      challengeId: challenge.id,
      steps: challenge.steps,
      issuedAt: now.toISOString(),
    },
    actor,
    createdAt: now,
  });
  return challenge;
}
