import { createHash } from 'node:crypto';
import type { FivePoints } from './align.ts';
import { alignFace } from './align.ts';
import { ok, type Result } from './errors.ts';
import { DEFAULT_HUMAN_OPTIONS, HumanFaceDetector } from './human-detector.ts';
import { DEFAULT_DECODE_OPTIONS, type DecodeOptions, decodeImage, padImage, type RgbImage } from './image.ts';

import {
  type Box,
  type DetectedFace,
  dot,
  type FaceDetector,
  type FaceEmbedder,
  type LivenessModel,
} from './models.ts';
import { OnnxArcFaceEmbedder, OnnxLivenessModel } from './onnx-models.ts';
import { laplacianVariance } from './quality.ts';

/** Border added around every picture before detection, as a fraction of its longer side. */
const PAD_FRACTION = 0.25;

/**
 * Cosine similarity at or above which two faces are called the same person. Chosen on the shared pairs
 * (shared/data/faces): the first 0.05 step with no false accept among all 1,644 cross-identity pairs of its
 * 60 images (FAR ≤ 0.1% needs at most 1); the highest impostor scored 0.333, the lowest genuine 0.436.
 * See docs/decisions/biometrics.md and bench/faces.bench.ts.
 */
export const DEFAULT_MATCH_THRESHOLD = 0.35;

/**
 * Live-class probability at or above which the passive model passes a face. Chosen on the shared NUAA
 * print-attack set (shared/data/liveness) for APCER ≈ 5%; BPCER there is ≈ 19%. The model scores live
 * faces low in absolute terms, hence the small value. See bench/faces.bench.ts.
 */
export const DEFAULT_LIVENESS_THRESHOLD = 0.03;

export interface FaceQuality {
  /** Distance between the eye centres in the uploaded image's own pixels. */
  interEyePx: number;
  /** Box width in the uploaded image's own pixels. */
  faceWidthPx: number;
  /** Variance of the Laplacian of the aligned 112×112 grey crop; low = blurry. */
  sharpness: number;
}

export interface AnalysedFace {
  /** In the uploaded image's own (upright) pixels. */
  box: Box;
  /** Eye centres, nose tip, mouth corners, in the same pixels as `box` (for pose, e.g. head turns). */
  landmarks: FivePoints;
  detectorScore: number;
  quality: FaceQuality;
  /** L2-normalised. */
  embedding: Float32Array;
  /** Years; absent when the pipeline has no age model. */
  age?: number;
  /** 0..1 probability of a live face, when liveness was asked for. */
  liveness?: number;
  /** The aligned 112×112 crop the embedding was taken from (for artifacts). */
  aligned: RgbImage;
  signals?: Record<string, number>;
}

export interface ImageAnalysis {
  width: number;
  height: number;
  /** Largest face first. */
  faces: AnalysedFace[];
}

export interface AnalyseOptions {
  liveness?: boolean;
}

export interface FaceComparison {
  similarity: number;
  match: boolean;
  threshold: number;
}

/** Compares two embeddings (unit vectors) against a threshold. */
export function compareFaces(
  a: Float32Array,
  b: Float32Array,
  threshold: number = DEFAULT_MATCH_THRESHOLD,
): FaceComparison {
  const similarity = Math.max(-1, Math.min(1, dot(a, b)));
  return { similarity, match: similarity >= threshold, threshold };
}

export interface FaceEngineModels {
  detector: FaceDetector;
  embedder: FaceEmbedder;
  liveness?: LivenessModel;
}

/** Analyses kept per engine (each holds a few embeddings and 112×112 crops: a few hundred KB at most). */
const RECENT_ANALYSES = 16;

/** Detection, alignment, embedding and liveness over image bytes, with the models it was given. */
export class FaceEngine {
  readonly models: FaceEngineModels;
  readonly decodeOptions: DecodeOptions;

  constructor(models: FaceEngineModels, decodeOptions: DecodeOptions = DEFAULT_DECODE_OPTIONS) {
    this.models = models;
    this.decodeOptions = decodeOptions;
  }

  readonly #recent = new Map<string, Promise<Result<ImageAnalysis>>>();

  /**
   * Faces in an image. The same bytes are analysed once: a session's selfie is read by the face-match,
   * face-duplicates and active-liveness checks and by enrolment, and each analysis costs ~200 ms of model time.
   * The last few analyses are kept by digest (treat the result as read-only).
   */
  analyse(bytes: Uint8Array, options: AnalyseOptions = {}): Promise<Result<ImageAnalysis>> {
    const key = `${createHash('sha256').update(bytes).digest('hex')}:${options.liveness ? 1 : 0}`;
    const hit = this.#recent.get(key);
    if (hit) {
      // Most recently used last, so the oldest is dropped first.
      this.#recent.delete(key);
      this.#recent.set(key, hit);
      return hit;
    }
    const run = this.#analyse(bytes, options);
    this.#recent.set(key, run);
    run.catch(() => this.#recent.delete(key));
    if (this.#recent.size > RECENT_ANALYSES) this.#recent.delete(this.#recent.keys().next().value!);
    return run;
  }

  async #analyse(bytes: Uint8Array, options: AnalyseOptions): Promise<Result<ImageAnalysis>> {
    const decoded = await decodeImage(bytes, this.decodeOptions);
    if (!decoded.ok) return decoded;
    const { image, scale, sourceWidth, sourceHeight } = decoded.value;
    // Detectors trained on scenes miss faces that fill the frame (tight crops, document portraits);
    // a grey border around every picture costs little, as the detector works on a downscaled copy.
    const { image: work, offset } = padImage(image, PAD_FRACTION);
    const detected = await this.models.detector.detect(work);
    const faces: AnalysedFace[] = [];
    for (const face of detected) faces.push(await this.#analyseFace(work, scale, offset, face, options));
    faces.sort((x, y) => y.box.width * y.box.height - x.box.width * x.box.height);
    return ok({ width: sourceWidth, height: sourceHeight, faces });
  }

  async #analyseFace(
    image: RgbImage,
    scale: number,
    offset: number,
    face: DetectedFace,
    options: AnalyseOptions,
  ): Promise<AnalysedFace> {
    const aligned = alignFace(image, face.landmarks, this.models.embedder.inputSize);
    const embedding = await this.models.embedder.embed(aligned);
    const [e1, e2] = face.landmarks;
    const interEye = Math.hypot(e2[0] - e1[0], e2[1] - e1[1]);
    const out: AnalysedFace = {
      box: {
        x: (face.box.x - offset) / scale,
        y: (face.box.y - offset) / scale,
        width: face.box.width / scale,
        height: face.box.height / scale,
      },
      landmarks: face.landmarks.map(
        ([x, y]) => [(x - offset) / scale, (y - offset) / scale] as const,
      ) as unknown as FivePoints,
      detectorScore: face.score,
      quality: {
        interEyePx: interEye / scale,
        faceWidthPx: face.box.width / scale,
        sharpness: laplacianVariance(aligned, Math.round(aligned.width / 7)),
      },
      embedding,
      aligned,
    };
    if (face.age !== undefined) out.age = face.age;
    if (face.signals) out.signals = face.signals;
    if (options.liveness && this.models.liveness)
      out.liveness = await this.models.liveness.score(image, face);
    return out;
  }

  /** Compares the largest face of each image. */
  async compareImages(
    a: Uint8Array,
    b: Uint8Array,
    threshold: number = DEFAULT_MATCH_THRESHOLD,
  ): Promise<Result<FaceComparison & { faces: [number, number] }>> {
    const ra = await this.analyse(a);
    if (!ra.ok) return ra;
    const rb = await this.analyse(b);
    if (!rb.ok) return rb;
    const fa = ra.value.faces[0];
    const fb = rb.value.faces[0];
    const faces: [number, number] = [ra.value.faces.length, rb.value.faces.length];
    if (!fa || !fb) return ok({ similarity: 0, match: false, threshold, faces });
    return ok({ ...compareFaces(fa.embedding, fb.embedding, threshold), faces });
  }
}

let shared: Promise<FaceEngine> | undefined;

/**
 * The default engine (Human detector + ArcFace-style embedder + passive liveness), loaded once per
 * process: every caller gets the same instance. A failed load is retried on the next call.
 */
export function loadFaceEngine(): Promise<FaceEngine> {
  shared ??= (async () => {
    const [detector, embedder, liveness] = await Promise.all([
      HumanFaceDetector.load(DEFAULT_HUMAN_OPTIONS),
      OnnxArcFaceEmbedder.load(),
      OnnxLivenessModel.load(),
    ]);
    return new FaceEngine({ detector, embedder, liveness });
  })();
  shared.catch(() => {
    shared = undefined;
  });
  return shared;
}
