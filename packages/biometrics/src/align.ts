import type { RgbImage } from './image.ts';

export type Point = readonly [number, number];

/**
 * Five landmarks in image order: eye on the image's left, eye on the image's right, nose tip,
 * mouth corner on the image's left, mouth corner on the image's right.
 */
export type FivePoints = readonly [Point, Point, Point, Point, Point];

/** Where ArcFace-family models expect the five points in a 112×112 crop (the InsightFace template). */
export const ARCFACE_TEMPLATE_112: FivePoints = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/** x' = a·x − b·y + tx, y' = b·x + a·y + ty (rotation, uniform scale, translation). */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

/** Least-squares similarity transform taking `from` onto `to` (closed form for 2-D points). */
export function estimateSimilarity(from: readonly Point[], to: readonly Point[]): Similarity {
  const n = from.length;
  let fx = 0;
  let fy = 0;
  let tx = 0;
  let ty = 0;
  for (let i = 0; i < n; i++) {
    fx += from[i]![0];
    fy += from[i]![1];
    tx += to[i]![0];
    ty += to[i]![1];
  }
  fx /= n;
  fy /= n;
  tx /= n;
  ty /= n;
  let num1 = 0;
  let num2 = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const x = from[i]![0] - fx;
    const y = from[i]![1] - fy;
    const u = to[i]![0] - tx;
    const v = to[i]![1] - ty;
    num1 += x * u + y * v;
    num2 += x * v - y * u;
    den += x * x + y * y;
  }
  const a = den > 0 ? num1 / den : 1;
  const b = den > 0 ? num2 / den : 0;
  return { a, b, tx: tx - (a * fx - b * fy), ty: ty - (b * fx + a * fy) };
}

/**
 * Warps the face so its five points land on the template, sampling the source bilinearly
 * (pixels outside the image are black, as in the models' training crops).
 */
export function alignFace(
  image: RgbImage,
  points: FivePoints,
  size = 112,
  template: FivePoints = ARCFACE_TEMPLATE_112,
): RgbImage {
  const scaleToSize = size / 112;
  const dst = template.map(([x, y]) => [x * scaleToSize, y * scaleToSize] as const);
  const t = estimateSimilarity(points, dst);
  // Invert the similarity to map each output pixel back into the source.
  const det = t.a * t.a + t.b * t.b;
  const ia = t.a / det;
  const ib = -t.b / det;
  const out = new Uint8Array(size * size * 3);
  const { data, width, height } = image;
  for (let oy = 0; oy < size; oy++) {
    for (let ox = 0; ox < size; ox++) {
      const dx = ox - t.tx;
      const dy = oy - t.ty;
      const sx = ia * dx - ib * dy;
      const sy = ib * dx + ia * dy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const o = (oy * size + ox) * 3;
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let k = 0; k < 4; k++) {
          const px = x0 + (k & 1);
          const py = y0 + (k >> 1);
          if (px < 0 || py < 0 || px >= width || py >= height) continue;
          const w = (k & 1 ? fx : 1 - fx) * (k >> 1 ? fy : 1 - fy);
          acc += w * data[(py * width + px) * 3 + c]!;
        }
        out[o + c] = Math.round(acc);
      }
    }
  }
  return { data: out, width: size, height: size };
}

/**
 * Crops the box enlarged `factor` times about its centre (less when the image is too small, keeping the
 * aspect), shifted to stay inside the image, and resizes it to size×size with bilinear sampling.
 * Used for models that expect context around the face.
 */
export function cropAround(
  image: RgbImage,
  box: { x: number; y: number; width: number; height: number },
  factor: number,
  size: number,
): RgbImage {
  const bw = Math.max(box.width, 1);
  const bh = Math.max(box.height, 1);
  const k = Math.min(factor, (image.width - 1) / bw, (image.height - 1) / bh);
  const w = Math.max(bw * k, 1);
  const h = Math.max(bh * k, 1);
  const x = Math.min(Math.max(box.x + bw / 2 - w / 2, 0), Math.max(image.width - w, 0));
  const y = Math.min(Math.max(box.y + bh / 2 - h / 2, 0), Math.max(image.height - h, 0));
  const out = new Uint8Array(size * size * 3);
  const { data, width, height } = image;
  for (let oy = 0; oy < size; oy++) {
    const sy = Math.min(y + ((oy + 0.5) * h) / size - 0.5, height - 1);
    const y0 = Math.max(Math.floor(sy), 0);
    const y1 = Math.min(y0 + 1, height - 1);
    const fy = Math.max(sy - y0, 0);
    for (let ox = 0; ox < size; ox++) {
      const sx = Math.min(x + ((ox + 0.5) * w) / size - 0.5, width - 1);
      const x0 = Math.max(Math.floor(sx), 0);
      const x1 = Math.min(x0 + 1, width - 1);
      const fx = Math.max(sx - x0, 0);
      const o = (oy * size + ox) * 3;
      for (let c = 0; c < 3; c++) {
        const top = data[(y0 * width + x0) * 3 + c]! * (1 - fx) + data[(y0 * width + x1) * 3 + c]! * fx;
        const bottom = data[(y1 * width + x0) * 3 + c]! * (1 - fx) + data[(y1 * width + x1) * 3 + c]! * fx;
        out[o + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return { data: out, width: size, height: size };
}
