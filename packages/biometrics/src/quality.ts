import type { RgbImage } from './image.ts';

/**
 * Variance of the 4-neighbour Laplacian of the luma. On a fixed-size aligned face crop it is a
 * scale-free sharpness measure: a defocused or motion-blurred face has little high-frequency energy.
 * `margin` leaves out a border (an aligned crop's corners may be black padding with hard edges).
 */
export function laplacianVariance(image: RgbImage, margin = 0): number {
  const { width, height, data } = image;
  const m = Math.max(1, margin);
  if (width < 2 * m + 1 || height < 2 * m + 1) return 0;
  const grey = new Float32Array(width * height);
  for (let i = 0; i < grey.length; i++) {
    grey[i] = 0.299 * data[i * 3]! + 0.587 * data[i * 3 + 1]! + 0.114 * data[i * 3 + 2]!;
  }
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = m; y < height - m; y++) {
    for (let x = m; x < width - m; x++) {
      const i = y * width + x;
      const v = grey[i - 1]! + grey[i + 1]! + grey[i - width]! + grey[i + width]! - 4 * grey[i]!;
      sum += v;
      sumSq += v * v;
      n++;
    }
  }
  const mean = sum / n;
  return sumSq / n - mean * mean;
}
