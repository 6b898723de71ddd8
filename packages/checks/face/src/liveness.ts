import { DEFAULT_LIVENESS_THRESHOLD, loadFaceEngine } from '@openidv/biometrics';
import type { CheckDefinition, CheckOutput } from '@openidv/domain';
import { z } from 'zod';
import type { FaceCheckDeps } from './face-match.ts';
import { faceEvidence, findFace, latestMedia, round } from './selfie.ts';

export const livenessConfigSchema = z.object({
  threshold: z
    .number()
    .min(0)
    .max(1)
    .default(DEFAULT_LIVENESS_THRESHOLD)
    .describe('Live-class probability of the passive model at or above which the selfie passes.'),
});
export type LivenessConfig = z.infer<typeof livenessConfigSchema>;

export const livenessReasonCodes = {
  LIVENESS_FAILED: {
    // The passive model is weak (see docs/benchmarks.md): a person reviews rather than an automatic decline.
    action: 'review',
    description: 'The passive presentation-attack model judged the selfie a photo of a photo or a screen.',
  },
  NO_FACE_FOUND: { action: 'resubmit', description: 'No face could be found in the selfie.' },
} as const;

/**
 * Passive liveness on the selfie. The active challenge (a server-chosen head turn checked over frames)
 * is not part of this check.
 */
export function createLivenessCheck(
  deps: FaceCheckDeps = { engine: loadFaceEngine },
): CheckDefinition<LivenessConfig> {
  return {
    type: 'liveness',
    description: 'Passive presentation-attack detection on the selfie (prints and screens).',
    configSchema: livenessConfigSchema,
    reasonCodes: livenessReasonCodes,
    async run(evidence, config, services): Promise<CheckOutput> {
      const selfie = latestMedia(evidence.media, 'face');
      if (!selfie) return { status: 'not_applicable', reasons: [], evidence: { selfie: false } };
      const engine = await deps.engine();
      const model = engine.models.liveness;
      if (!model) return { status: 'error', reasons: [], evidence: { error: 'NO_LIVENESS_MODEL' } };
      services.signal.throwIfAborted();
      // Quality is the face-match check's business; here only "is there a face" matters.
      const limits = { minInterEyePx: 0, minSharpness: 0, multipleFaceMinRatio: Number.POSITIVE_INFINITY };
      const found = await findFace(engine, selfie, 'selfie', limits, { liveness: true });
      if (!found.ok) {
        return {
          status: 'failed',
          reasons: found.reasons,
          evidence: { selfieMediaId: selfie.id, ...found.evidence },
        };
      }
      const score = found.face.liveness ?? 0;
      const live = score >= config.threshold;
      return {
        status: live ? 'passed' : 'failed',
        score: round(score, 4),
        threshold: config.threshold,
        reasons: live
          ? []
          : [{ code: 'LIVENESS_FAILED', message: 'The selfie looks like a photo of a photo or a screen.' }],
        evidence: {
          selfieMediaId: selfie.id,
          model: model.name,
          selfie: faceEvidence(found.face, found.faceCount),
        },
      };
    },
  };
}

export const livenessCheck: CheckDefinition<LivenessConfig> = createLivenessCheck();
