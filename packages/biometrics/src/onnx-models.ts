import { createRequire } from 'node:module';
import path from 'node:path';
import { cropAround } from './align.ts';
import { BiometricsError } from './errors.ts';
import type { RgbImage } from './image.ts';
import type { DetectedFace, FaceEmbedder, LivenessModel } from './models.ts';
import { l2normalize } from './models.ts';

const require = createRequire(import.meta.url);
type Ort = typeof import('onnxruntime-node');
// onnxruntime-node is CommonJS with a native binding; loaded lazily so importing this package stays cheap.
let ortModule: Ort | undefined;
function ort(): Ort {
  ortModule ??= require('onnxruntime-node') as Ort;
  return ortModule;
}

/** Folder holding the ONNX models (see models/ATTRIBUTION.md). */
export const MODEL_DIR = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'models');

export interface OnnxOptions {
  /** Threads inside one inference; 1 leaves the other cores to parallel requests. */
  threads: number;
}

async function createSession(file: string, options: OnnxOptions) {
  try {
    return await ort().InferenceSession.create(file, {
      intraOpNumThreads: options.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // Some shipped graphs list weights as inputs; ORT warns about it on every load.
      logSeverityLevel: 3,
    });
  } catch (cause) {
    throw new BiometricsError('MODEL_ERROR', `cannot load ${path.basename(file)}`, { cause });
  }
}

/** Planar float input [1,3,s,s] from packed RGB, each value mapped by (v − mean) / std. */
function toPlanar(image: RgbImage, mean: number, std: number, bgr = false): Float32Array {
  const plane = image.width * image.height;
  const out = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[(bgr ? 2 - c : c) * plane + i] = (image.data[i * 3 + c]! - mean) / std;
  }
  return out;
}

/**
 * `fr_feature.onnx`: an ArcFace-style embedder on 112×112 aligned RGB crops scaled (v − 127) / 128,
 * giving a 512-d vector (normalised here).
 */
export class OnnxArcFaceEmbedder implements FaceEmbedder {
  readonly name = 'faceplugin fr_feature.onnx (ArcFace-style, 112×112)';
  readonly inputSize = 112;
  readonly #session: Awaited<ReturnType<typeof createSession>>;

  private constructor(session: Awaited<ReturnType<typeof createSession>>) {
    this.#session = session;
  }

  static async load(options: OnnxOptions = { threads: 1 }): Promise<OnnxArcFaceEmbedder> {
    return new OnnxArcFaceEmbedder(await createSession(path.join(MODEL_DIR, 'fr_feature.onnx'), options));
  }

  async embed(aligned: RgbImage): Promise<Float32Array> {
    if (aligned.width !== 112 || aligned.height !== 112) {
      throw new BiometricsError('MODEL_ERROR', 'the embedder takes a 112×112 aligned crop');
    }
    const input = new (ort().Tensor)('float32', toPlanar(aligned, 127, 128), [1, 3, 112, 112]);
    const name = this.#session.inputNames[0]!;
    const out = await this.#session.run({ [name]: input });
    const tensor = out[this.#session.outputNames[0]!];
    if (!tensor) throw new BiometricsError('MODEL_ERROR', 'the embedder returned nothing');
    return l2normalize(Float32Array.from(tensor.data as Float32Array));
  }
}

const LIVE_CLASS = 0;

/**
 * `fr_liveness.onnx`: a passive anti-spoofing classifier on a 128×128 crop taken with 2.7× the
 * detector box around the face, raw 0–255 values in BGR order (measured: RGB order, as the package's
 * own browser code feeds it, separates live from spoof far worse); softmax class 0 is "live".
 */
export class OnnxLivenessModel implements LivenessModel {
  readonly name = 'faceplugin fr_liveness.onnx (128×128, 2.7× context)';
  readonly #session: Awaited<ReturnType<typeof createSession>>;
  readonly contextFactor: number;

  private constructor(session: Awaited<ReturnType<typeof createSession>>, contextFactor: number) {
    this.#session = session;
    this.contextFactor = contextFactor;
  }

  static async load(options: OnnxOptions = { threads: 1 }, contextFactor = 2.7): Promise<OnnxLivenessModel> {
    const session = await createSession(path.join(MODEL_DIR, 'fr_liveness.onnx'), options);
    return new OnnxLivenessModel(session, contextFactor);
  }

  async score(image: RgbImage, face: DetectedFace): Promise<number> {
    return (await this.probabilities(image, face))[LIVE_CLASS]!;
  }

  /** All class probabilities (for measurement). */
  async probabilities(image: RgbImage, face: DetectedFace): Promise<number[]> {
    const crop = cropAround(image, face.box, this.contextFactor, 128);
    const input = new (ort().Tensor)('float32', toPlanar(crop, 0, 1, true), [1, 3, 128, 128]);
    const out = await this.#session.run({ [this.#session.inputNames[0]!]: input });
    const logits = out[this.#session.outputNames[0]!]?.data as Float32Array | undefined;
    if (!logits || logits.length < 2)
      throw new BiometricsError('MODEL_ERROR', 'the liveness model returned nothing');
    return softmax(logits);
  }
}

export function softmax(logits: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const exps = Array.from({ length: logits.length }, (_, i) => Math.exp(logits[i]! - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}
