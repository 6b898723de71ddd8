import { describe, expect, it } from 'vitest';
import { measureFrame, qualityIssue } from './quality.ts';

/** An RGBA image from a luminance function. */
function image(w: number, h: number, f: (x: number, y: number) => number): Uint8ClampedArray {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const v = f(x, y);
      data.set([v, v, v, 255], (y * w + x) * 4);
    }
  return data;
}

/** Text-like detail: thin dark strokes on a mid-grey card. */
const detailed = (x: number, y: number) => (x % 7 < 2 && y % 5 < 3 ? 40 : 170);

describe('instant photo feedback', () => {
  it('accepts a well-lit, detailed frame', () => {
    const m = measureFrame(image(320, 200, detailed), 320, 200);
    expect(qualityIssue(m)).toBeNull();
  });

  it('says "too dark" for a dim frame, however sharp', () => {
    const m = measureFrame(
      image(320, 200, (x, y) => detailed(x, y) / 5),
      320,
      200,
    );
    expect(m.brightness).toBeLessThan(40);
    expect(qualityIssue(m)).toBe('dark');
  });

  it('says "blurry" for a smooth frame without detail', () => {
    const m = measureFrame(
      image(320, 200, (x) => 100 + Math.round(x / 8)),
      320,
      200,
    );
    expect(qualityIssue(m)).toBe('blurry');
  });

  it('says "glare" when a spot is blown out', () => {
    const m = measureFrame(
      image(320, 200, (x, y) => ((x - 120) ** 2 + (y - 75) ** 2 < 45 ** 2 ? 255 : detailed(x, y))),
      320,
      200,
    );
    expect(m.glare).toBeGreaterThan(0.4);
    expect(qualityIssue(m)).toBe('glare');
  });

  it('does not call an evenly white page glare', () => {
    const m = measureFrame(
      image(320, 200, (x, y) => (x % 7 < 2 && y % 5 < 3 ? 30 : 252)),
      320,
      200,
    );
    expect(m.glare).toBeLessThan(0.1);
    expect(qualityIssue(m)).not.toBe('glare');
  });

  it('measures only inside the frame guide when given one', () => {
    // Dark outside, detailed inside: judged by the inside.
    const data = image(320, 200, (x, y) => (x > 80 && x < 240 && y > 50 && y < 150 ? detailed(x, y) : 10));
    expect(qualityIssue(measureFrame(data, 320, 200))).toBe('dark');
    expect(qualityIssue(measureFrame(data, 320, 200, { x: 90, y: 60, w: 140, h: 80 }))).toBeNull();
  });
});
