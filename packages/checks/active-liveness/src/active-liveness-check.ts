import { compareFaces, type FaceEngine, loadFaceEngine } from '@openidv/biometrics';
import type { ChallengeStep, CheckDefinition, CheckOutput, MediaItem, Reason } from '@openidv/domain';
import { z } from 'zod';
import { yawRatio } from './pose.ts';

export const activeLivenessConfigSchema = z.object({
  steps: z
    .array(z.enum(['turn-left', 'turn-right', 'move-closer', 'move-back']))
    .min(1)
    .default(['turn-left', 'turn-right', 'move-closer', 'move-back'])
    .describe(
      'Steps the server may draw challenges from. With both turns and distance changes allowed, each challenge has one of each, in random order.',
    ),
  stepCount: z.number().int().min(1).max(4).default(2).describe('Steps per challenge.'),
  turnThreshold: z
    .number()
    .min(0.05)
    .max(1)
    .default(0.15)
    .describe('Change of the nose offset (in eye distances) that counts as a head turn; ~0.15 is about 15°.'),
  distanceRatio: z
    .number()
    .min(1.05)
    .max(3)
    .default(1.25)
    .describe('Factor by which the face must grow (closer) or shrink (back) relative to the first frame.'),
  sameFaceThreshold: z
    .number()
    .min(0)
    .max(1)
    .default(0.35)
    .describe('Similarity every frame must keep with the first frame and with the selfie.'),
  minFrames: z.number().int().min(2).max(60).default(3),
  maxFrames: z.number().int().min(2).max(120).default(40),
});
export type ActiveLivenessConfig = z.infer<typeof activeLivenessConfigSchema>;

interface FrameReading {
  mediaId: string;
  face: boolean;
  faceWidthShare?: number;
  yaw?: number;
  similarityToFirst?: number;
}

function stepDone(
  step: ChallengeStep,
  base: { width: number; yaw: number },
  f: { width: number; yaw: number },
  c: ActiveLivenessConfig,
) {
  switch (step) {
    case 'move-closer':
      return f.width >= base.width * c.distanceRatio;
    case 'move-back':
      return f.width <= base.width / c.distanceRatio;
    case 'turn-left':
      return f.yaw - base.yaw >= c.turnThreshold;
    case 'turn-right':
      return base.yaw - f.yaw >= c.turnThreshold;
  }
}

export function createActiveLivenessCheck(
  deps: { engine: () => Promise<FaceEngine> } = { engine: loadFaceEngine },
): CheckDefinition<ActiveLivenessConfig> {
  return {
    type: 'active-liveness',
    description:
      "Checks from the liveness frames that the server's random challenge for this attempt (head turns, moving closer or back) was done in order, by one and the same face as the selfie, in frames taken after the challenge was issued and never seen before.",
    configSchema: activeLivenessConfigSchema,
    reasonCodes: {
      CHALLENGE_NOT_COMPLETED: {
        action: 'resubmit',
        description: 'The frames do not show the challenge done in order (or there were none).',
      },
      FACE_CHANGED_DURING_CHALLENGE: {
        action: 'decline',
        description: 'The face in the challenge frames is not the same throughout, or not the selfie’s.',
      },
      REPLAYED_MEDIA: {
        action: 'decline',
        description:
          'Challenge frames repeat each other exactly (a still picture), were taken before the challenge was issued, or were uploaded before.',
      },
    },
    async run(evidence, config, services): Promise<CheckOutput> {
      const challenge = evidence.livenessChallenge;
      const frames = evidence.media
        .filter((m) => m.context === 'liveness' && m.mimeType.startsWith('image/'))
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
        .slice(0, config.maxFrames);
      const fail = (code: string, message: string, extra: Record<string, unknown> = {}): CheckOutput => ({
        status: 'failed',
        reasons: [{ code, message }],
        evidence: {
          challenge: challenge ? { id: challenge.id, steps: challenge.steps } : null,
          frames: frames.length,
          ...extra,
        },
      });
      if (!challenge)
        return fail('CHALLENGE_NOT_COMPLETED', 'No liveness challenge was issued for this attempt.');
      if (frames.length < config.minFrames) {
        return fail(
          'CHALLENGE_NOT_COMPLETED',
          `The challenge needs at least ${config.minFrames} frames; ${frames.length} were sent.`,
        );
      }
      // Fresh: taken after the challenge, and never seen in another attempt.
      const early = frames.filter((f) => f.createdAt < challenge.issuedAt);
      const seen = services.mediaHistory
        ? await services.mediaHistory.seenElsewhere(
            evidence.applicationId,
            evidence.attemptId,
            frames.map((f) => f.sha256),
          )
        : new Set<string>();
      const replayed = frames.filter((f) => seen.has(f.sha256));
      const inAttempt = new Set<string>();
      const repeated = frames.filter((f) =>
        inAttempt.has(f.sha256) ? true : (inAttempt.add(f.sha256), false),
      );
      if (early.length || replayed.length || repeated.length) {
        return fail(
          'REPLAYED_MEDIA',
          'Some challenge frames repeat each other byte for byte (a still picture), are older than the challenge, or were sent before.',
          {
            earlierThanChallenge: early.map((f) => f.id),
            seenInOtherAttempts: replayed.map((f) => f.id),
            repeatedInThisAttempt: repeated.map((f) => f.id),
          },
        );
      }

      const engine = await deps.engine();
      const readings: FrameReading[] = [];
      const measured: { width: number; yaw: number; embedding: Float32Array }[] = [];
      for (const frame of frames) {
        services.signal.throwIfAborted();
        const analysis = await engine.analyse(await frame.read());
        const face = analysis.ok ? analysis.value.faces[0] : undefined;
        if (!analysis.ok || !face) {
          readings.push({ mediaId: frame.id, face: false });
          continue;
        }
        const width = face.box.width / analysis.value.width;
        const yaw = yawRatio(face.landmarks);
        measured.push({ width, yaw, embedding: face.embedding });
        readings.push({ mediaId: frame.id, face: true, faceWidthShare: round(width), yaw: round(yaw) });
      }
      if (measured.length < config.minFrames) {
        return fail('CHALLENGE_NOT_COMPLETED', 'Too few challenge frames show a face.', { readings });
      }
      // One face throughout, and the selfie's.
      const first = measured[0]!;
      let lowest = 1;
      let k = 0;
      for (const r of readings) {
        if (!r.face) continue;
        const sim = compareFaces(
          first.embedding,
          measured[k]!.embedding,
          config.sameFaceThreshold,
        ).similarity;
        r.similarityToFirst = round(sim);
        lowest = Math.min(lowest, sim);
        k++;
      }
      const selfie = latest(evidence.media.filter((m) => m.context === 'face'));
      let selfieSimilarity: number | undefined;
      if (selfie) {
        const s = await engine.analyse(await selfie.read());
        const sf = s.ok ? s.value.faces[0] : undefined;
        if (sf)
          selfieSimilarity = compareFaces(sf.embedding, first.embedding, config.sameFaceThreshold).similarity;
      }
      if (
        lowest < config.sameFaceThreshold ||
        (selfieSimilarity !== undefined && selfieSimilarity < config.sameFaceThreshold)
      ) {
        return fail(
          'FACE_CHANGED_DURING_CHALLENGE',
          'The challenge frames do not show one and the same face as the selfie.',
          {
            readings,
            lowestSimilarity: round(lowest),
            ...(selfieSimilarity !== undefined && { selfieSimilarity: round(selfieSimilarity) }),
          },
        );
      }
      // The steps, in order: each is measured from where the previous one ended ("closer, then back"
      // returns towards the start), in a later frame.
      let base = first;
      let at = 1;
      const completed: { step: ChallengeStep; frame: number }[] = [];
      for (const step of challenge.steps) {
        while (at < measured.length && !stepDone(step, base, measured[at]!, config)) at++;
        if (at >= measured.length) break;
        completed.push({ step, frame: at });
        base = measured[at]!;
        at++;
      }
      const reasons: Reason[] = [];
      if (completed.length < challenge.steps.length) {
        const missing = challenge.steps[completed.length]!;
        reasons.push({
          code: 'CHALLENGE_NOT_COMPLETED',
          message: `The challenge was not completed in order: "${missing.replace('-', ' ')}" was not seen${completed.length ? ` after "${completed.at(-1)!.step.replace('-', ' ')}"` : ''}.`,
        });
      }
      return {
        status: reasons.length ? 'failed' : 'passed',
        score: round(completed.length / challenge.steps.length),
        threshold: 1,
        reasons,
        evidence: {
          challenge: { id: challenge.id, steps: challenge.steps, issuedAt: challenge.issuedAt.toISOString() },
          completed,
          readings,
          lowestSimilarity: round(lowest),
          ...(selfieSimilarity !== undefined && { selfieSimilarity: round(selfieSimilarity) }),
          thresholds: {
            turn: config.turnThreshold,
            distance: config.distanceRatio,
            sameFace: config.sameFaceThreshold,
          },
        },
      };
    },
  };
}

function latest(media: MediaItem[]): MediaItem | undefined {
  return media.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

export const activeLivenessCheck = createActiveLivenessCheck();
