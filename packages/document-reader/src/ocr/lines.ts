import sharp from 'sharp';
import type { RgbImage } from '../image.ts';
import { getOcrEngine, REC_HEIGHT } from './engine.ts';

/** A detected text line as a rotated rectangle in the coordinates of the source image. */
export interface TextLine {
  cx: number;
  cy: number;
  /** Direction of the line's long axis, radians in (-π/2, π/2]. */
  angle: number;
  length: number;
  thickness: number;
  /** Mean text probability inside the detected kernel. */
  score: number;
}

const DET_MEAN = [0.485, 0.456, 0.406];
const DET_STD = [0.229, 0.224, 0.225];
const BIN_THRESHOLD = 0.3;
const MIN_SCORE = 0.5;
/**
 * Long side of the detector's input. The detector only has to find the MRZ band (the recogniser reads
 * crops from the full-resolution image), and its cost grows with the area: 640 is 2.2× cheaper than
 * 960 and finds MRZ lines down to ~6 px high in the source.
 */
const DET_SIDE = Number(process.env['OPENIDV_DET_SIDE'] ?? 640);

/**
 * Finds text lines with the PP-OCRv4 detector. The image is scaled so its long side is `detSide`
 * (small scans are enlarged: the detector misses text under ~8 px high). Each connected region of the
 * probability map becomes a rotated rectangle (second moments give the direction), expanded the way
 * DB post-processing unclips its shrunk kernels.
 */
export async function detectLines(image: RgbImage, detSide = DET_SIDE): Promise<TextLine[]> {
  const scale = detSide / Math.max(image.width, image.height);
  const w = Math.max(32, Math.round((image.width * scale) / 32) * 32);
  const h = Math.max(32, Math.round((image.height * scale) / 32) * 32);
  const resized = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(w, h, { fit: 'fill' })
    .raw()
    .toBuffer();
  const plane = w * h;
  const input = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++)
      input[c * plane + i] = (resized[i * 3 + c]! / 255 - DET_MEAN[c]!) / DET_STD[c]!;
  }
  const engine = await getOcrEngine();
  const map = await engine.detect(input, w, h);
  const sx = image.width / w;
  const sy = image.height / h;
  return components(map, w, h).map((c) => toSourceCoords(c, sx, sy));
}

interface Component {
  cx: number;
  cy: number;
  angle: number;
  length: number;
  thickness: number;
  score: number;
}

function components(map: Float32Array, w: number, h: number): Component[] {
  const labels = new Int32Array(w * h);
  const out: Component[] = [];
  const stack: number[] = [];
  let next = 1;
  for (let start = 0; start < w * h; start++) {
    if (labels[start] !== 0 || map[start]! < BIN_THRESHOLD) continue;
    const label = next++;
    labels[start] = label;
    stack.push(start);
    const pix: number[] = [];
    let sum = 0;
    while (stack.length) {
      const p = stack.pop()!;
      pix.push(p);
      sum += map[p]!;
      const x = p % w;
      const y = (p - x) / w;
      if (x > 0) visit(p - 1);
      if (x < w - 1) visit(p + 1);
      if (y > 0) visit(p - w);
      if (y < h - 1) visit(p + w);
    }
    if (pix.length < 12) continue;
    const score = sum / pix.length;
    if (score < MIN_SCORE) continue;
    out.push(shape(pix, w, score));
  }
  return out;

  function visit(q: number) {
    if (labels[q] === 0 && map[q]! >= BIN_THRESHOLD) {
      labels[q] = -1;
      stack.push(q);
    }
  }
}

/** Oriented extent of a pixel set: direction from the covariance, extents from projections. */
function shape(pix: number[], w: number, score: number): Component {
  let mx = 0;
  let my = 0;
  for (const p of pix) {
    mx += p % w;
    my += Math.floor(p / w);
  }
  mx /= pix.length;
  my /= pix.length;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const p of pix) {
    const dx = (p % w) - mx;
    const dy = Math.floor(p / w) - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  let angle = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  if (angle <= -Math.PI / 2) angle += Math.PI;
  const ux = Math.cos(angle);
  const uy = Math.sin(angle);
  let minU = Infinity;
  let maxU = -Infinity;
  let minV = Infinity;
  let maxV = -Infinity;
  for (const p of pix) {
    const dx = (p % w) - mx;
    const dy = Math.floor(p / w) - my;
    const u = dx * ux + dy * uy;
    const v = -dx * uy + dy * ux;
    if (u < minU) minU = u;
    if (u > maxU) maxU = u;
    if (v < minV) minV = v;
    if (v > maxV) maxV = v;
  }
  const length = maxU - minU + 1;
  const thickness = maxV - minV + 1;
  const cu = (maxU + minU) / 2;
  const cv = (maxV + minV) / 2;
  return {
    cx: mx + cu * ux - cv * uy,
    cy: my + cu * uy + cv * ux,
    angle,
    length,
    thickness,
    score,
  };
}

function toSourceCoords(c: Component, sx: number, sy: number): TextLine {
  // The kernel is shrunk; DB's unclip ratio 1.5 grows it by 1.5·A/P on every side.
  const d = (1.5 * c.length * c.thickness) / (2 * (c.length + c.thickness));
  const length = c.length + 2 * d;
  const thickness = c.thickness + 2 * d;
  const ux = Math.cos(c.angle);
  const uy = Math.sin(c.angle);
  // Scale the two axes separately: the detector input may have a different aspect ratio.
  const lx = ux * sx;
  const ly = uy * sy;
  const tx = -uy * sx;
  const ty = ux * sy;
  let angle = Math.atan2(ly, lx);
  if (angle <= -Math.PI / 2) angle += Math.PI;
  if (angle > Math.PI / 2) angle -= Math.PI;
  return {
    cx: (c.cx + 0.5) * sx - 0.5,
    cy: (c.cy + 0.5) * sy - 0.5,
    angle,
    length: length * Math.hypot(lx, ly),
    thickness: thickness * Math.hypot(tx, ty),
    score: c.score,
  };
}

export interface LineCrop {
  gray: Uint8Array;
  width: number;
}

/**
 * Samples a straightened line image (height 48) out of the grey source with bilinear interpolation.
 * `flip` reads the rectangle in the opposite direction (for text upside down). `stretch` widens the
 * line: the recogniser emits one symbol per 8 px column band, and runs of '<' need room to not merge.
 */
export function cropLine(
  gray: Uint8Array,
  width: number,
  height: number,
  line: TextLine,
  opts: { flip?: boolean; stretch?: number; pad?: number } = {},
): LineCrop {
  const pad = opts.pad ?? 1;
  const stretch = opts.stretch ?? 1;
  const boxH = line.thickness * pad;
  const boxW = line.length + (pad - 1) * line.thickness;
  const outW = Math.max(16, Math.min(3200, Math.round(((boxW * REC_HEIGHT) / boxH) * stretch)));
  const angle = line.angle + (opts.flip ? Math.PI : 0);
  const ux = Math.cos(angle);
  const uy = Math.sin(angle);
  const stepU = boxW / outW;
  const stepV = boxH / REC_HEIGHT;
  const out = new Uint8Array(outW * REC_HEIGHT);
  for (let j = 0; j < REC_HEIGHT; j++) {
    const v = (j + 0.5) * stepV - boxH / 2;
    for (let i = 0; i < outW; i++) {
      const u = (i + 0.5) * stepU - boxW / 2;
      const x = line.cx + u * ux - v * uy;
      const y = line.cy + u * uy + v * ux;
      out[j * outW + i] = sample(gray, width, height, x, y);
    }
  }
  return { gray: out, width: outW };
}

function sample(g: Uint8Array, w: number, h: number, x: number, y: number): number {
  if (x < 0 || y < 0 || x > w - 1 || y > h - 1) return 255;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const x1 = Math.min(x0 + 1, w - 1);
  const y1 = Math.min(y0 + 1, h - 1);
  const fx = x - x0;
  const fy = y - y0;
  const a = g[y0 * w + x0]! * (1 - fx) + g[y0 * w + x1]! * fx;
  const b = g[y1 * w + x0]! * (1 - fx) + g[y1 * w + x1]! * fx;
  return a * (1 - fy) + b * fy;
}
