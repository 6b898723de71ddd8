/**
 * Instant photo feedback, computed in the browser on a small copy of the camera frame (about 320 px wide) a few
 * times a second: brightness, glare (share of blown-out pixels) and sharpness (variance of the Laplacian, the
 * measure the server's image-quality check uses, here at preview size). Cheap enough for an old phone: one pass
 * for luminance, one 4-neighbour Laplacian.
 */
export interface FrameMeasure {
  /** Mean luminance, 0..255. */
  brightness: number;
  /**
   * Glare is a bright spot, not a white page: the share of blown-out pixels (≥ 250) in the worst cell of a
   * 4×4 grid, minus the median cell's share.
   */
  glare: number;
  /** Variance of the 4-neighbour Laplacian of the luminance. */
  sharpness: number;
}

export type QualityIssue = 'dark' | 'bright' | 'glare' | 'blurry';

export const THRESHOLDS = {
  minBrightness: 55,
  maxBrightness: 235,
  maxGlare: 0.4,
  /** At ~320 px wide; the server judges again at full size. */
  minSharpness: 90,
} as const;

/** Measures an RGBA buffer (as from `getImageData`), optionally only inside a rectangle. */
export function measureFrame(
  rgba: Uint8ClampedArray,
  width: number,
  height: number,
  region: { x: number; y: number; w: number; h: number } = { x: 0, y: 0, w: width, h: height },
): FrameMeasure {
  const x0 = Math.max(0, Math.floor(region.x));
  const y0 = Math.max(0, Math.floor(region.y));
  const w = Math.min(width - x0, Math.floor(region.w));
  const h = Math.min(height - y0, Math.floor(region.h));
  const grey = new Uint8Array(w * h);
  const GRID = 4;
  const blown = new Array<number>(GRID * GRID).fill(0);
  const cells = new Array<number>(GRID * GRID).fill(0);
  let sum = 0;
  for (let y = 0; y < h; y++) {
    let i = ((y0 + y) * width + x0) * 4;
    const row = Math.min(GRID - 1, Math.floor((y * GRID) / h)) * GRID;
    for (let x = 0; x < w; x++, i += 4) {
      const v = (rgba[i]! * 77 + rgba[i + 1]! * 150 + rgba[i + 2]! * 29) >> 8;
      grey[y * w + x] = v;
      sum += v;
      const cell = row + Math.min(GRID - 1, Math.floor((x * GRID) / w));
      cells[cell]!++;
      if (v >= 250) blown[cell]!++;
    }
  }
  const shares = blown.map((b, k) => (cells[k] ? b / cells[k]! : 0)).sort((a, b) => a - b);
  const glare = shares[shares.length - 1]! - (shares[7]! + shares[8]!) / 2;
  const n = w * h || 1;
  let lsum = 0;
  let lsq = 0;
  let count = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const c = y * w + x;
      const l = grey[c - 1]! + grey[c + 1]! + grey[c - w]! + grey[c + w]! - 4 * grey[c]!;
      lsum += l;
      lsq += l * l;
      count++;
    }
  }
  const mean = count ? lsum / count : 0;
  return {
    brightness: sum / n,
    glare,
    sharpness: count ? lsq / count - mean * mean : 0,
  };
}

/** The most important problem to tell the applicant about, or null when the frame looks usable. */
export function qualityIssue(m: FrameMeasure, t: typeof THRESHOLDS = THRESHOLDS): QualityIssue | null {
  if (m.brightness < t.minBrightness) return 'dark';
  if (m.brightness > t.maxBrightness) return 'bright';
  if (m.glare > t.maxGlare) return 'glare';
  if (m.sharpness < t.minSharpness) return 'blurry';
  return null;
}
