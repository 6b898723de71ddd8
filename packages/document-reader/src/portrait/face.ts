import { fileURLToPath } from 'node:url';
import type { InferenceSession as OrtSession } from 'onnxruntime-node';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import type { RgbImage } from '../image.ts';

/**
 * Finds the holder's portrait on a document with `fr_detect.onnx` (from the npm package
 * faceplugin-face-recognition-js, shipped in ../../models; a 320×240 single-shot face detector: 4420 priors,
 * outputs normalised corner boxes and face/background scores).
 */
const MODEL = fileURLToPath(new URL('../../models/fr_detect.onnx', import.meta.url));
const W = 320;
const H = 240;
let sessionPromise: Promise<OrtSession> | undefined;

function session(): Promise<OrtSession> {
  sessionPromise ??= (async () => {
    return ort.InferenceSession.create(MODEL, { intraOpNumThreads: 1 });
  })();
  return sessionPromise;
}

export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
}

export async function detectFaces(image: RgbImage, minScore = 0.7): Promise<FaceBox[]> {
  const s = await session();
  const resized = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(W, H, { fit: 'fill' })
    .raw()
    .toBuffer();
  const plane = W * H;
  const input = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) input[c * plane + i] = (resized[i * 3 + c]! - 127) / 128;
  }
  const out = await s.run({ input: new ort.Tensor('float32', input, [1, 3, H, W]) });
  const scores = out['scores']!.data as Float32Array;
  const boxes = out['boxes']!.data as Float32Array;
  const found: FaceBox[] = [];
  for (let i = 0; i < scores.length / 2; i++) {
    const score = scores[i * 2 + 1]!;
    if (score < minScore) continue;
    const x0 = Math.max(0, boxes[i * 4]!) * image.width;
    const y0 = Math.max(0, boxes[i * 4 + 1]!) * image.height;
    const x1 = Math.min(1, boxes[i * 4 + 2]!) * image.width;
    const y1 = Math.min(1, boxes[i * 4 + 3]!) * image.height;
    if (x1 <= x0 || y1 <= y0) continue;
    found.push({ x: x0, y: y0, width: x1 - x0, height: y1 - y0, score });
  }
  return nms(
    found.sort((a, b) => b.score - a.score),
    0.4,
  );
}

function nms(boxes: FaceBox[], threshold: number): FaceBox[] {
  const keep: FaceBox[] = [];
  for (const b of boxes) if (keep.every((k) => iou(k, b) < threshold)) keep.push(b);
  return keep;
}

function iou(a: FaceBox, b: FaceBox): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = ix * iy;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/**
 * The document portrait: the largest face (documents also carry small ghost images of the holder),
 * cropped with a margin so a face matcher can re-detect and align it. JPEG bytes.
 */
export async function cropPortrait(image: RgbImage): Promise<{ jpeg: Buffer; box: FaceBox } | undefined> {
  const faces = await detectFaces(image);
  const face = faces.sort((a, b) => b.width * b.height - a.width * a.height)[0];
  if (!face) return undefined;
  const mx = face.width * 0.35;
  const my = face.height * 0.35;
  const left = Math.max(0, Math.floor(face.x - mx));
  const top = Math.max(0, Math.floor(face.y - my));
  const width = Math.min(image.width - left, Math.ceil(face.width + 2 * mx));
  const height = Math.min(image.height - top, Math.ceil(face.height + 2 * my));
  const jpeg = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract({ left, top, width, height })
    .jpeg({ quality: 92 })
    .toBuffer();
  return { jpeg, box: face };
}
