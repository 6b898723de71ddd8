import { describe, expect, it } from 'vitest';
import { type Emissions, exactDecode, greedyDecode, reconcile } from './ctc.ts';

const SYMBOLS = 'AB<0O';

/** Emissions from a frame script: each frame names its best symbol ('.' = blank) and that symbol's probability. */
function frames(script: string, p = 0.9, extra: Record<number, Record<string, number>> = {}): Emissions {
  const W = SYMBOLS.length + 1;
  const out = new Float32Array(script.length * W);
  [...script].forEach((c, t) => {
    const col = c === '.' ? 0 : SYMBOLS.indexOf(c) + 1;
    const rest = (1 - p) / (W - 1);
    for (let j = 0; j < W; j++) out[t * W + j] = j === col ? p : rest;
    for (const [sym, v] of Object.entries(extra[t] ?? {}))
      out[t * W + (sym === '.' ? 0 : SYMBOLS.indexOf(sym) + 1)] = v;
  });
  return { steps: script.length, symbols: SYMBOLS, p: out };
}

describe('exact-length CTC decoding', () => {
  it('agrees with greedy decoding when the length is already right', () => {
    const e = frames('.A..B..<..<..0.');
    expect(greedyDecode(e).text).toBe('AB<<0');
    expect(exactDecode(e, 5)?.text).toBe('AB<<0');
  });

  it('recovers a filler the greedy path merged into its neighbour', () => {
    // The blank between two '<' lost to them by a little, so greedy decoding collapses them into one.
    const e = frames('.A..B..<<<..0..', 0.9, { 8: { '<': 0.5, '.': 0.4 } });
    expect(greedyDecode(e).text).toBe('AB<0');
    expect(exactDecode(e, 5)?.text).toBe('AB<<0');
  });

  it('keeps each position inside its class (a letter field never gets a digit)', () => {
    const e = frames('.A..0..', 0.9, { 4: { O: 0.08 } });
    const letters = new Set('AB<O');
    const x = exactDecode(e, 2, (_k, s) => (letters.has(s) ? 0 : -Infinity))!;
    expect(x.text).toBe('AO');
    expect(x.classChanges).toEqual([{ column: 1, from: '0', to: 'O' }]);
  });

  it('gives every character its full distribution for the check digits to weigh', () => {
    const x = exactDecode(frames('.0..', 0.7, { 1: { O: 0.25 } }), 1)!;
    expect(x.chars[0]).toMatchObject({ char: '0', alternativesComplete: true });
    expect(x.chars[0]!.alternatives[0]).toMatchObject({ char: 'O' });
    expect(x.chars[0]!.alternatives[0]!.prob).toBeCloseTo(0.25, 2);
  });

  it('reconciles two readings position by position', () => {
    const a = exactDecode(frames('.A..B..0.', 0.9, { 7: { O: 0.5, '0': 0.4 } }), 3)!; // unsure: 'O' 0.5, '0' 0.4
    const b = exactDecode(frames('.A..B..0.', 0.9), 3)!; // reads 'AB0' with confidence
    expect(a.text).toBe('ABO');
    expect(reconcile(a, b).text).toBe('AB0');
  });
});
