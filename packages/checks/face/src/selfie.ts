import type { AnalysedFace, FaceEngine } from '@openidv/biometrics';
import type { MediaContext, MediaItem, Reason } from '@openidv/domain';

/** The most recent media item of a context, if any. */
export function latestMedia(media: readonly MediaItem[], context: MediaContext): MediaItem | undefined {
  let best: MediaItem | undefined;
  for (const m of media) {
    if (m.context === context && (!best || m.createdAt.getTime() >= best.createdAt.getTime())) best = m;
  }
  return best;
}

export interface FaceQualityLimits {
  /** Faces with eye centres closer than this (in the photo's own pixels) are too small to judge. */
  minInterEyePx: number;
  /** Sharpness (Laplacian variance of the aligned crop) below which a face is too blurry. */
  minSharpness: number;
  /** Another face at least this fraction as wide as the largest one makes the photo ambiguous. */
  multipleFaceMinRatio: number;
}

export type FaceLookup =
  | { ok: true; face: AnalysedFace; faceCount: number; reasons: Reason[] }
  | { ok: false; reasons: Reason[]; evidence: Record<string, unknown> };

/**
 * Decodes a photo and picks its main face, with the quality reasons that make a comparison unreliable.
 * `label` names the photo in messages ("selfie", "document portrait").
 */
export async function findFace(
  engine: FaceEngine,
  item: MediaItem,
  label: string,
  limits: FaceQualityLimits,
  options: { liveness?: boolean } = {},
): Promise<FaceLookup> {
  const analysis = await engine.analyse(await item.read(), options);
  if (!analysis.ok) {
    return {
      ok: false,
      reasons: [{ code: 'NO_FACE_FOUND', message: `The ${label} could not be read as an image.` }],
      evidence: { error: analysis.error.code },
    };
  }
  const faces = analysis.value.faces;
  const main = faces[0];
  if (!main) {
    return {
      ok: false,
      reasons: [{ code: 'NO_FACE_FOUND', message: `No face was found in the ${label}.` }],
      evidence: { faces: 0 },
    };
  }
  const reasons: Reason[] = [];
  const others = faces.slice(1).filter((f) => f.box.width >= main.box.width * limits.multipleFaceMinRatio);
  if (others.length > 0) {
    reasons.push({
      code: 'MULTIPLE_FACES',
      message: `The ${label} shows ${others.length + 1} faces; it must show one person only.`,
    });
  }
  if (main.quality.interEyePx < limits.minInterEyePx) {
    reasons.push({ code: 'FACE_TOO_SMALL', message: `The face in the ${label} is too small; come closer.` });
  }
  if (main.quality.sharpness < limits.minSharpness) {
    reasons.push({ code: 'FACE_TOO_BLURRY', message: `The face in the ${label} is blurry; hold still.` });
  }
  return { ok: true, face: main, faceCount: faces.length, reasons };
}

/** What a case view needs about a face: no pixels, no embedding. */
export function faceEvidence(face: AnalysedFace, faceCount: number): Record<string, unknown> {
  return {
    faces: faceCount,
    box: roundBox(face.box),
    interEyePx: round(face.quality.interEyePx),
    sharpness: round(face.quality.sharpness),
    detectorScore: round(face.detectorScore),
  };
}

function round(v: number, digits = 3): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}

function roundBox(b: { x: number; y: number; width: number; height: number }) {
  return { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) };
}

export { round };
