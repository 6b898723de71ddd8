import type { FivePoints } from './align.ts';
import type { RgbImage } from './image.ts';

/** Pixel box in the decoded (upright, resized) image. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DetectedFace {
  box: Box;
  /** Detector confidence, 0..1. */
  score: number;
  landmarks: FivePoints;
  /** Years, when the detector's pipeline estimates it. */
  age?: number;
  /** Other per-face model outputs of the detector's pipeline (e.g. Human's `antispoof`, `liveness`), 0..1. */
  signals?: Record<string, number>;
}

/** Finds faces and their five alignment points. Implementations load their model once and are reused. */
export interface FaceDetector {
  readonly name: string;
  detect(image: RgbImage): Promise<DetectedFace[]>;
}

/** Turns an aligned face crop into an L2-normalised embedding. */
export interface FaceEmbedder {
  readonly name: string;
  /** Side of the square aligned crop the model takes (112 for ArcFace-style models). */
  readonly inputSize: number;
  embed(aligned: RgbImage): Promise<Float32Array>;
}

/** Passive presentation-attack detection: the probability (0..1) that the face is a live person. */
export interface LivenessModel {
  readonly name: string;
  score(image: RgbImage, face: DetectedFace): Promise<number>;
}

/** Scales a vector to unit length in place (a zero vector stays zero) and returns it. */
export function l2normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / n;
  return v;
}

/** Cosine similarity of two unit vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
