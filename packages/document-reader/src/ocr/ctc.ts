import type { RecognizedChar, RecognizedLine } from './engine.ts';

/**
 * The recogniser's output for one line restricted to a small alphabet: `steps` frames (one per 8 px
 * column band of the crop), each with the CTC blank's probability in column 0 and the symbols' after it.
 */
export interface Emissions {
  steps: number;
  symbols: string;
  /** steps × (symbols.length + 1) probabilities; column 0 is the CTC blank. */
  p: Float32Array;
}

/** Probabilities under this are treated as this (logs stay finite, ratios stay bounded). */
const FLOOR = 1e-6;

/** Greedy CTC decoding (best symbol per frame, repeats merged, blanks dropped). */
export function greedyDecode(e: Emissions): RecognizedLine {
  const width = e.symbols.length + 1;
  const chars: RecognizedChar[] = [];
  let prev = 0;
  for (let t = 0; t < e.steps; t++) {
    const row = t * width;
    let best = 0;
    let bestP = e.p[row]!;
    for (let s = 1; s < width; s++) {
      const v = e.p[row + s]!;
      if (v > bestP) {
        bestP = v;
        best = s;
      }
    }
    if (best !== 0 && best !== prev) chars.push(charAt(e, best, [t, t]));
    else if (best !== 0) extend(e, chars[chars.length - 1]!, t);
    prev = best;
  }
  return line(chars);
}

/** Frames [first, last] a decoded character was emitted over, kept to widen its alternatives. */
const SPAN = new WeakMap<RecognizedChar, [number, number]>();

function charAt(e: Emissions, symbol: number, span: [number, number]): RecognizedChar {
  const width = e.symbols.length + 1;
  const best = new Float32Array(width);
  for (let t = span[0]; t <= span[1]; t++) {
    for (let s = 1; s < width; s++) best[s] = Math.max(best[s]!, e.p[t * width + s]!);
  }
  const alternatives: RecognizedChar['alternatives'] = [];
  for (let s = 1; s < width; s++) {
    if (s !== symbol && best[s]! >= FLOOR * 10)
      alternatives.push({ char: e.symbols[s - 1]!, prob: best[s]! });
  }
  alternatives.sort((a, b) => b.prob - a.prob);
  const c: RecognizedChar = {
    char: e.symbols[symbol - 1]!,
    prob: best[symbol]!,
    alternatives,
    alternativesComplete: true,
  };
  SPAN.set(c, span);
  return c;
}

function extend(e: Emissions, c: RecognizedChar, t: number): void {
  const span = SPAN.get(c);
  if (!span) return;
  const symbol = e.symbols.indexOf(c.char) + 1;
  const next = charAt(e, symbol, [span[0], t]);
  c.prob = next.prob;
  c.alternatives = next.alternatives;
  SPAN.set(c, [span[0], t]);
}

function line(chars: RecognizedChar[]): RecognizedLine {
  const text = chars.map((c) => c.char).join('');
  const confidence = chars.length ? chars.reduce((s, c) => s + c.prob, 0) / chars.length : 0;
  return { text, chars, confidence };
}

export interface ExactLine extends RecognizedLine {
  /** Mean log probability per frame of the best path (comparable between readings of one crop). */
  score: number;
  /** Positions where the unconstrained best symbol over the span was outside the allowed class. */
  classChanges: { column: number; from: string; to: string }[];
}

/**
 * Best CTC path that emits exactly `length` symbols, each weighed by `prior(position, symbol)`, a log
 * factor: 0 for any symbol, -Infinity where the layout forbids it, a negative value where it is unlikely.
 * MRZ lines have a fixed length (30, 36 or 44), so a run of '<' whose fillers merged in greedy decoding,
 * or a narrow letter the greedy path skipped, is recovered where the model's evidence for it is least
 * bad, and a digit can never land where only letters may stand. Dynamic programming over
 * (frame, symbols emitted, last symbol): O(frames × length × alphabet).
 */
export function exactDecode(
  e: Emissions,
  length: number,
  prior?: (position: number, symbol: string) => number,
): ExactLine | undefined {
  const S = e.symbols.length;
  const W = S + 1;
  const T = e.steps;
  const N = length;
  if (T < N) return undefined;
  const lp = new Float32Array(T * W);
  for (let i = 0; i < lp.length; i++) lp[i] = Math.log(Math.max(FLOOR, e.p[i]!));
  // masks[k][s]: 1 if symbol s may stand at position k; bias[k][s]: its log prior there.
  const masks: Uint8Array[] = [];
  const bias: Float32Array[] = [];
  for (let k = 0; k < N; k++) {
    const m = new Uint8Array(S).fill(1);
    const b = new Float32Array(S);
    if (prior) {
      for (let s = 0; s < S; s++) {
        const v = prior(k, e.symbols[s]!);
        if (v === -Infinity) m[s] = 0;
        else b[s] = v;
      }
    }
    masks.push(m);
    bias.push(b);
  }
  const NEG = -1e30;
  // E[k][s]: frame t emits symbol s as the k-th label (1-based k); B[k]: frame t is blank after k labels.
  let E = new Float64Array((N + 1) * S).fill(NEG);
  let B = new Float64Array(N + 1).fill(NEG);
  let E2 = new Float64Array((N + 1) * S);
  let B2 = new Float64Array(N + 1);
  // Back-pointers: for E, -1 = continuation, -2 = after blank, s' ≥ 0 = directly after symbol s'.
  const backE = new Int8Array(T * (N + 1) * S);
  // For B: -1 = after blank, s ≥ 0 = after symbol s.
  const backB = new Int8Array(T * (N + 1));
  B[0] = lp[0]!;
  backB[0] = -1;
  for (let s = 0; s < S; s++) {
    if (masks[0]![s]) {
      E[S + s] = lp[s + 1]! + bias[0]![s]!;
      backE[(0 * (N + 1) + 1) * S + s] = -2;
    }
  }
  for (let t = 1; t < T; t++) {
    const row = t * W;
    E2.fill(NEG);
    B2.fill(NEG);
    // Labels still to come must fit in the frames left; labels emitted cannot exceed frames seen.
    const kMin = Math.max(0, N - (T - t));
    const kMax = Math.min(N, t + 1);
    for (let k = kMin; k <= kMax; k++) {
      // Blank at t.
      let bb = B[k]!;
      let bfrom = -1;
      for (let s = 0; s < S; s++) {
        const v = E[k * S + s]!;
        if (v > bb) {
          bb = v;
          bfrom = s;
        }
      }
      if (bb > NEG) {
        B2[k] = bb + lp[row]!;
        backB[t * (N + 1) + k] = bfrom;
      }
      if (k === 0) continue;
      // Best and second-best symbol ending the previous label (k-1) at t-1.
      let b1 = NEG;
      let s1 = -1;
      let b2 = NEG;
      let s2 = -1;
      if (k > 1) {
        for (let s = 0; s < S; s++) {
          const v = E[(k - 1) * S + s]!;
          if (v > b1) {
            b2 = b1;
            s2 = s1;
            b1 = v;
            s1 = s;
          } else if (v > b2) {
            b2 = v;
            s2 = s;
          }
        }
      }
      const blankBefore = B[k - 1]!;
      const mask = masks[k - 1]!;
      const kb = bias[k - 1]!;
      for (let s = 0; s < S; s++) {
        if (!mask[s]) continue;
        let best = E[k * S + s]!;
        let from = -1;
        // A new label pays its prior once, when it starts.
        if (blankBefore > NEG) {
          const v = blankBefore + kb[s]!;
          if (v > best) {
            best = v;
            from = -2;
          }
        }
        const direct = (s1 === s ? b2 : b1) + kb[s]!;
        const directFrom = s1 === s ? s2 : s1;
        if (direct > best && directFrom >= 0) {
          best = direct;
          from = directFrom;
        }
        if (best <= NEG) continue;
        E2[k * S + s] = best + lp[row + s + 1]!;
        backE[(t * (N + 1) + k) * S + s] = from;
      }
    }
    [E, E2] = [E2, E];
    [B, B2] = [B2, B];
  }
  // Best final state with N labels.
  let final = B[N]!;
  let state: { blank: true } | { blank: false; s: number } = { blank: true };
  for (let s = 0; s < S; s++) {
    if (E[N * S + s]! > final) {
      final = E[N * S + s]!;
      state = { blank: false, s };
    }
  }
  if (final <= NEG / 2) return undefined;
  // Trace back: the label sequence and each label's frames.
  const labels: { s: number; first: number; last: number }[] = [];
  let k = N;
  for (let t = T - 1; t >= 0; t--) {
    if (state.blank) {
      const from = backB[t * (N + 1) + k]!;
      state = from === -1 ? { blank: true } : { blank: false, s: from };
    } else {
      const s = state.s;
      const current = labels[0];
      if (current && current.s === s && labels.length === N - k + 1) current.first = t;
      else labels.unshift({ s, first: t, last: t });
      const from = backE[(t * (N + 1) + k) * S + s]!;
      if (from === -1) state = { blank: false, s };
      else {
        k--;
        state = from === -2 ? { blank: true } : { blank: false, s: from };
      }
    }
  }
  const chars: RecognizedChar[] = [];
  const classChanges: ExactLine['classChanges'] = [];
  labels.forEach((l, column) => {
    const c = charAt(e, l.s + 1, [l.first, l.last]);
    chars.push(c);
    // What the unconstrained model preferred over these frames, if the class forbade it.
    const top = c.alternatives[0];
    if (top && top.prob > c.prob && !masks[column]![e.symbols.indexOf(top.char)]) {
      classChanges.push({ column, from: top.char, to: c.char });
    }
  });
  return { ...line(chars), score: final / T, classChanges };
}

/**
 * Two exact-length readings of one line from different crops, made into one. When they mostly agree
 * position by position, each position takes the product of the two distributions (independent
 * opinions); when they do not (one of them slipped a character), the better-scoring reading wins whole.
 */
export function reconcile(
  a: ExactLine,
  b: ExactLine,
  prior?: (position: number, symbol: string) => number,
): ExactLine {
  if (a.chars.length !== b.chars.length) return b.score > a.score ? b : a;
  let same = 0;
  for (let i = 0; i < a.chars.length; i++) if (a.chars[i]!.char === b.chars[i]!.char) same++;
  if (same < 0.8 * a.chars.length) return b.score > a.score ? b : a;
  const chars = a.chars.map((ca, i) => {
    const cb = b.chars[i]!;
    const pa = distribution(ca);
    const pb = distribution(cb);
    const symbols = new Set([...pa.keys(), ...pb.keys()]);
    const joint: { char: string; prob: number }[] = [];
    let total = 0;
    for (const s of symbols) {
      if (prior?.(i, s) === -Infinity) continue;
      const v = Math.max(pa.get(s) ?? 0, FLOOR * 10) * Math.max(pb.get(s) ?? 0, FLOOR * 10);
      joint.push({ char: s, prob: v });
      total += v;
    }
    for (const j of joint) j.prob /= total;
    joint.sort((x, y) => y.prob - x.prob);
    const [top, ...rest] = joint;
    return {
      char: top!.char,
      prob: top!.prob,
      alternatives: rest.filter((r) => r.prob >= FLOOR * 10),
      alternativesComplete: true,
    } satisfies RecognizedChar;
  });
  const classChanges = [...a.classChanges];
  return { ...line(chars), score: Math.max(a.score, b.score), classChanges };
}

function distribution(c: RecognizedChar): Map<string, number> {
  const m = new Map<string, number>([[c.char, c.prob]]);
  for (const a of c.alternatives) m.set(a.char, a.prob);
  return m;
}
