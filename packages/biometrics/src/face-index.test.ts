import { describe, expect, it } from 'vitest';
import { FaceIndex } from './face-index.ts';

// A deterministic generator so failures reproduce.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}
const randomVector = (next: () => number, d: number) => Float32Array.from({ length: d }, next);

/** A unit vector at cosine `cos` from unit vector `v`. */
function near(v: Float32Array, cos: number, next: () => number): Float32Array {
  const vn = Math.hypot(...v);
  const u = Float32Array.from(v, (x) => x / vn);
  const r = randomVector(next, v.length);
  let p = 0;
  for (let i = 0; i < u.length; i++) p += r[i]! * u[i]!;
  for (let i = 0; i < u.length; i++) r[i] = r[i]! - p * u[i]!;
  const rn = Math.hypot(...r);
  const s = Math.sqrt(1 - cos * cos) / rn;
  return Float32Array.from(u, (x, i) => cos * x + s * r[i]!);
}

describe('FaceIndex', () => {
  it('finds an added face, best first, with its meta, and forgets it when removed', () => {
    const next = rng(1);
    const index = new FaceIndex<{ session: string }>({ dimension: 64 });
    const target = randomVector(next, 64);
    for (let i = 0; i < 50; i++) index.add(`f${i}`, randomVector(next, 64), { session: `s${i}` });
    index.add('me', target, { session: 'mine' });
    index.add('twin', near(target, 0.8, next), { session: 'twin' });
    const hits = index.search(target, 2, 0.5);
    expect(hits.map((h) => h.id)).toEqual(['me', 'twin']);
    expect(hits[0]!.similarity).toBeCloseTo(1, 5);
    expect(hits[1]!.similarity).toBeCloseTo(0.8, 5);
    expect(hits[0]!.meta).toEqual({ session: 'mine' });
    expect(index.remove('me')).toBe(true);
    expect(index.remove('me')).toBe(false);
    expect(index.search(target, 2, 0.5).map((h) => h.id)).toEqual(['twin']);
    expect(index.size).toBe(51);
  });

  it('keeps the other entries reachable after a removal moves the last one', () => {
    const next = rng(2);
    const index = new FaceIndex<number>({ dimension: 16 });
    const vs = Array.from({ length: 10 }, () => randomVector(next, 16));
    for (const [i, v] of vs.entries()) index.add(`f${i}`, v, i);
    index.remove('f3');
    for (const i of [0, 9, 5]) expect(index.search(vs[i]!, 1)[0]).toMatchObject({ id: `f${i}`, meta: i });
  });

  it('replaces an entry added twice under one id', () => {
    const next = rng(3);
    const index = new FaceIndex<string>({ dimension: 8 });
    const a = randomVector(next, 8);
    index.add('x', randomVector(next, 8), 'old');
    index.add('x', a, 'new');
    expect(index.size).toBe(1);
    expect(index.search(a, 1)[0]).toMatchObject({ id: 'x', meta: 'new' });
  });

  it('finds planted near-duplicates through the sign-bit prefilter on a large index', () => {
    const next = rng(4);
    const index = new FaceIndex<null>({ dimension: 128, exactScanLimit: 100, minCandidates: 50 });
    for (let i = 0; i < 5000; i++) index.add(`r${i}`, randomVector(next, 128), null);
    const queries = Array.from({ length: 20 }, () => randomVector(next, 128));
    for (const [i, q] of queries.entries()) index.add(`dup${i}`, near(q, 0.6, next), null);
    const found = queries.filter((q, i) => index.search(q, 1, 0.4)[0]?.id === `dup${i}`).length;
    expect(found).toBe(20);
  });

  it('rejects embeddings of the wrong length or with no direction', () => {
    const index = new FaceIndex({ dimension: 4 });
    expect(() => index.add('a', [1, 2, 3], null)).toThrow(/expected 4/);
    expect(() => index.add('a', [0, 0, 0, 0], null)).toThrow(/zero or not finite/);
    expect(() => index.search([Number.NaN, 0, 0, 1], 1)).toThrow(/not finite/);
  });
});
