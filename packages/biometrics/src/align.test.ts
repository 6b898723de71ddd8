import { describe, expect, it } from 'vitest';
import { ARCFACE_TEMPLATE_112, estimateSimilarity, type Point } from './align.ts';

describe('estimateSimilarity', () => {
  it('recovers a known rotation, scale and shift from five points', () => {
    const angle = 0.4;
    const scale = 2.5;
    const a = scale * Math.cos(angle);
    const b = scale * Math.sin(angle);
    const from = ARCFACE_TEMPLATE_112.map(([x, y]): Point => [a * x - b * y + 30, b * x + a * y - 12]);
    const t = estimateSimilarity(ARCFACE_TEMPLATE_112, from);
    expect(t.a).toBeCloseTo(a, 6);
    expect(t.b).toBeCloseTo(b, 6);
    expect(t.tx).toBeCloseTo(30, 4);
    expect(t.ty).toBeCloseTo(-12, 4);
  });
});
