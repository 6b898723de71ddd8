/**
 * Image measurements on a greyscale raster. The variance of the Laplacian is the standard
 * focus measure (Pech-Pacheco et al. 2000): sharp edges give a wide spread of second derivatives.
 */
export function laplacianVariance(grey: Uint8Array, width: number, height: number): number {
  if (width < 3 || height < 3) return 0;
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    const row = y * width;
    for (let x = 1; x < width - 1; x++) {
      const i = row + x;
      const v = grey[i - width]! + grey[i + width]! + grey[i - 1]! + grey[i + 1]! - 4 * grey[i]!;
      sum += v;
      sumSq += v * v;
      n++;
    }
  }
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

export interface Exposure {
  /** Mean brightness 0..255. */
  meanBrightness: number;
  /** Share of pixels at or above 250 (blown highlights, glare). */
  overexposedShare: number;
  /** Share of pixels at or below 5 (crushed shadows). */
  underexposedShare: number;
}

export function exposure(grey: Uint8Array): Exposure {
  let sum = 0;
  let high = 0;
  let low = 0;
  for (const v of grey) {
    sum += v;
    if (v >= 250) high++;
    else if (v <= 5) low++;
  }
  const n = Math.max(1, grey.length);
  return { meanBrightness: sum / n, overexposedShare: high / n, underexposedShare: low / n };
}
