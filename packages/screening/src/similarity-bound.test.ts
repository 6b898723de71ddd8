import { jaroWinkler } from '@skyra/jaro-winkler';
import { distance } from 'fastest-levenshtein';
import { describe, expect, it } from 'vitest';
import { fold } from './normalize.ts';
import { charMask, commonCharsBound, plainSimilarityBound } from './similarity-bound.ts';
import { loadDefaultIndex } from './snapshot.ts';

/** The similarity the bound must never undercut: match.ts's plainSimilarity without its length cut-off. */
function plain(a: string, b: string): number {
  return (1 - distance(a, b) / Math.max(a.length, b.length) + jaroWinkler(a, b)) / 2;
}

function commonChars(a: string, b: string): number {
  const counts = new Map<string, number>();
  for (const ch of a) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let common = 0;
  for (const ch of b) {
    const left = counts.get(ch) ?? 0;
    if (left > 0) {
      common++;
      counts.set(ch, left - 1);
    }
  }
  return common;
}

function bound(a: string, b: string): number {
  const common = commonCharsBound(a.length, charMask(a), b.length, charMask(b));
  return plainSimilarityBound(a.length, b.length, common, a[0] === b[0]);
}

/** Deterministic pseudo-random numbers, so a failure names the same pair every run. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

/** A token with one to three letters changed, dropped, doubled or swapped: the near pairs the bound must let through. */
function misspell(token: string, next: () => number): string {
  let t = token;
  const edits = 1 + Math.floor(next() * 3);
  for (let e = 0; e < edits && t.length > 2; e++) {
    const at = Math.floor(next() * t.length);
    const kind = Math.floor(next() * 4);
    const letter = String.fromCharCode(97 + Math.floor(next() * 26));
    if (kind === 0) t = t.slice(0, at) + letter + t.slice(at + 1);
    else if (kind === 1) t = t.slice(0, at) + t.slice(at + 1);
    else if (kind === 2) t = t.slice(0, at) + t[at] + t.slice(at);
    else if (at + 1 < t.length) t = t.slice(0, at) + t[at + 1] + t[at] + t.slice(at + 2);
  }
  return t;
}

describe('similarity bound: letters alone rule out pairs that cannot be alike', () => {
  const index = loadDefaultIndex();
  if (!index.ok) throw new Error(index.error.message);
  const tokens = index.value.tokens.map((t) => t.text).filter((t) => t.length >= 2 && !/\d/.test(t));
  const next = random(7);
  const pick = () => tokens[Math.floor(next() * tokens.length)]!;
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < 20000; i++) pairs.push([pick(), pick()]);
  for (let i = 0; i < 20000; i++) {
    const t = pick();
    pairs.push([t, misspell(t, next)]);
  }
  for (const [a, b] of [
    ['putin', 'poutine'],
    ['mohammed', 'muhammad'],
    ['abdulrahman', 'abdurrahman'],
    ['aaaa', 'aaab'],
    ['abab', 'baba'],
    ['ab', 'ba'],
    ['ab', 'abcd'],
  ] as const)
    pairs.push([a, b]);

  it('never counts fewer common letters than two tokens share', () => {
    for (const [a, b] of pairs) {
      expect(
        commonCharsBound(a.length, charMask(a), b.length, charMask(b)),
        `${a} / ${b}`,
      ).toBeGreaterThanOrEqual(commonChars(a, b));
    }
  });

  it('is never below the edit-distance and Jaro-Winkler similarity, as spelt and as folded', () => {
    let ruledOut = 0;
    for (const [a, b] of pairs) {
      if (a === b) continue;
      expect(bound(a, b), `${a} / ${b}`).toBeGreaterThanOrEqual(plain(a, b) - 1e-12);
      const [fa, fb] = [fold(a), fold(b)];
      if (fa !== fb && fa.length > 0 && fb.length > 0)
        expect(bound(fa, fb), `${fa} / ${fb}`).toBeGreaterThanOrEqual(plain(fa, fb) - 1e-12);
      if (bound(a, b) < 0.72) ruledOut++;
    }
    // and it is worth having: most pairs of unrelated names are ruled out without comparing them
    expect(ruledOut / pairs.length).toBeGreaterThan(0.4);
  });

  it('gives no bound for a token outside ASCII', () => {
    expect(charMask('müller')).toBe(0);
    expect(commonCharsBound(6, charMask('müller'), 6, charMask('muller'))).toBe(-1);
  });
});
