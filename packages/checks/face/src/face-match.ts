import { compareFaces, DEFAULT_MATCH_THRESHOLD, type FaceEngine, loadFaceEngine } from '@openidv/biometrics';
import type {
  CheckDefinition,
  CheckOutput,
  ExtractedPerson,
  MediaItem,
  Reason,
  SessionEvidence,
} from '@openidv/domain';
import { z } from 'zod';
import { faceEvidence, findFace, latestMedia, round } from './selfie.ts';

export const faceMatchConfigSchema = z.object({
  threshold: z
    .number()
    .min(-1)
    .max(1)
    .default(DEFAULT_MATCH_THRESHOLD)
    .describe('Cosine similarity at or above which the selfie and the reference are the same person.'),
  minInterEyePx: z
    .number()
    .min(0)
    .default(24)
    .describe('Selfie faces with eyes closer than this many pixels are too small.'),
  minReferenceInterEyePx: z
    .number()
    .min(0)
    .default(12)
    .describe('The same for the document portrait or reference photo (portraits are small).'),
  minSharpness: z
    .number()
    .min(0)
    .default(40)
    .describe('Laplacian variance of the aligned face below which it is too blurry.'),
  multipleFaceMinRatio: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe('A second face at least this fraction as wide as the main one counts as another person.'),
});
export type FaceMatchConfig = z.infer<typeof faceMatchConfigSchema>;

export const faceMatchReasonCodes = {
  FACE_MISMATCH: {
    action: 'decline',
    description: 'The selfie and the reference photo show different people.',
  },
  NO_FACE_FOUND: {
    action: 'resubmit',
    description: 'No face could be found in the selfie or the reference photo (or it could not be decoded).',
  },
  MULTIPLE_FACES: { action: 'resubmit', description: 'More than one face is in the photo.' },
  FACE_TOO_SMALL: { action: 'resubmit', description: 'The face is too small to compare reliably.' },
  FACE_TOO_BLURRY: { action: 'resubmit', description: 'The face is too blurry to compare reliably.' },
} as const;

/**
 * The reference to compare the selfie with: the portrait the document check cut out of the ID,
 * else a reference photo the business sent, else any document portrait of this attempt.
 */
export function findReference(evidence: SessionEvidence): MediaItem | undefined {
  const portraitId = evidence.previous['document']?.artifacts?.['portrait'];
  if (portraitId) {
    const portrait = evidence.media.find((m) => m.id === portraitId);
    if (portrait) return portrait;
  }
  return latestMedia(evidence.media, 'face-reference') ?? latestMedia(evidence.media, 'document-portrait');
}

export interface FaceCheckDeps {
  /** Returns the loaded engine; called on every run, so it should hand back one shared instance. */
  engine: () => Promise<FaceEngine>;
}

function estimatedAge(age: number | undefined): ExtractedPerson | undefined {
  if (age === undefined) return undefined;
  // Human's faceres age is not calibrated against labelled ages here; the confidence says "indicative only".
  return { estimatedAge: { value: Math.round(age), source: 'face-model', confidence: 0.5 } };
}

/** The face-match check with the engine it should use (the server passes its one loaded engine). */
export function createFaceMatchCheck(
  deps: FaceCheckDeps = { engine: loadFaceEngine },
): CheckDefinition<FaceMatchConfig> {
  return {
    type: 'face-match',
    description:
      'Compares the selfie with the document portrait or a reference photo using face embeddings, and estimates age.',
    configSchema: faceMatchConfigSchema,
    reasonCodes: faceMatchReasonCodes,
    async run(evidence, config, services): Promise<CheckOutput> {
      const selfie = latestMedia(evidence.media, 'face');
      if (!selfie) return { status: 'not_applicable', reasons: [], evidence: { selfie: false } };
      const engine = await deps.engine();
      services.signal.throwIfAborted();
      const limits = {
        minInterEyePx: config.minInterEyePx,
        minSharpness: config.minSharpness,
        multipleFaceMinRatio: config.multipleFaceMinRatio,
      };
      const mine = await findFace(engine, selfie, 'selfie', limits);
      if (!mine.ok) {
        return {
          status: 'failed',
          reasons: mine.reasons,
          evidence: { selfieMediaId: selfie.id, selfie: mine.evidence },
        };
      }
      const person = estimatedAge(mine.face.age);
      const extracted = person ? { extracted: { person } } : {};
      const out: Record<string, unknown> = {
        selfieMediaId: selfie.id,
        selfie: faceEvidence(mine.face, mine.faceCount),
        model: engine.models.embedder.name,
      };
      const reference = findReference(evidence);
      if (!reference) {
        // Nothing to compare with; the age estimate is still useful to an age-limit rule.
        return {
          status: 'not_applicable',
          reasons: mine.reasons,
          evidence: { ...out, reference: false },
          ...extracted,
        };
      }
      services.signal.throwIfAborted();
      const label = reference.context === 'face-reference' ? 'reference photo' : 'document portrait';
      const theirs = await findFace(engine, reference, label, {
        ...limits,
        minInterEyePx: config.minReferenceInterEyePx,
        // Printed portraits often carry a ghost image of the same face; only the main face counts.
        multipleFaceMinRatio: Number.POSITIVE_INFINITY,
      });
      out['referenceMediaId'] = reference.id;
      out['referenceContext'] = reference.context;
      if (!theirs.ok) {
        return {
          status: 'failed',
          reasons: [...mine.reasons, ...theirs.reasons],
          evidence: { ...out, reference: theirs.evidence },
          ...extracted,
        };
      }
      out['reference'] = faceEvidence(theirs.face, theirs.faceCount);
      const comparison = compareFaces(mine.face.embedding, theirs.face.embedding, config.threshold);
      const reasons: Reason[] = [...mine.reasons, ...theirs.reasons];
      if (!comparison.match) {
        reasons.push({
          code: 'FACE_MISMATCH',
          message: `The selfie does not match the ${label}.`,
        });
      }
      return {
        status: reasons.length === 0 ? 'passed' : 'failed',
        score: round(comparison.similarity, 4),
        threshold: config.threshold,
        reasons,
        evidence: out,
        ...extracted,
      };
    },
  };
}

/** Uses the process-wide engine from `loadFaceEngine()` (models load on first use). */
export const faceMatchCheck: CheckDefinition<FaceMatchConfig> = createFaceMatchCheck();
