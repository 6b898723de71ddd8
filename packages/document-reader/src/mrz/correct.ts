import type { RecognizedChar } from '../ocr/engine.ts';
import {
  type CharClass,
  type CheckDigitDef,
  checkHolds,
  guessFormat,
  type MrzFormat,
  type MrzTemplate,
  TEMPLATES,
} from './templates.ts';

export interface MrzCorrection {
  line: number;
  column: number;
  from: string;
  to: string;
  /**
   * 'class': a letter where only digits may stand (or the reverse); 'check-digit': chosen so a check
   * digit holds; 'length': the line brought to its layout's length; 'filler': a speck in the names filler.
   */
  reason: 'class' | 'check-digit' | 'length' | 'filler';
}

export interface CorrectedMrz {
  format: MrzFormat;
  lines: string[];
  /** Probability of each character as read (corrected characters get the model's probability of the new one). */
  probs: number[][];
  corrections: MrzCorrection[];
  failedChecks: CheckDigitDef['name'][];
}

/** Confusions of OCR on OCR-B that the check digits can settle. */
const CONFUSIONS: Record<string, string[]> = {
  '0': ['O', 'D', 'Q'],
  O: ['0', 'D', 'Q'],
  D: ['0', 'O'],
  Q: ['0', 'O'],
  '1': ['I', 'L', 'T'],
  I: ['1', 'L', 'T'],
  L: ['1', 'I'],
  '5': ['S'],
  S: ['5'],
  '8': ['B'],
  B: ['8'],
  '2': ['Z'],
  Z: ['2'],
  '6': ['G'],
  G: ['6'],
  '4': ['A'],
  A: ['4'],
  '7': ['T'],
  T: ['7', '1', 'I'],
};

/** Largest total cost (−log likelihood ratio plus confusion penalty) of a check-digit fix. */
const MAX_FIX_COST = 5;

/**
 * Extra cost of reading `to` where `from` was seen: 0 for the classic OCR-B pairs, 1 for rarer
 * look-alikes, 3 for anything else (a '3' misread as '6' is not a typical confusion).
 */
function confusionCost(from: string, to: string): number {
  if (PRIMARY.has(from + to)) return 0;
  if (CONFUSIONS[from]?.includes(to)) return 1;
  return 3;
}

const PRIMARY = new Set(['0O', 'O0', '1I', 'I1', '5S', 'S5', '8B', 'B8', '2Z', 'Z2']);

const DIGIT_TO_LETTER: Record<string, string> = {
  '0': 'O',
  '1': 'I',
  '2': 'Z',
  '4': 'A',
  '5': 'S',
  '6': 'G',
  '7': 'T',
  '8': 'B',
};
const LETTER_TO_DIGIT: Record<string, string> = {
  O: '0',
  Q: '0',
  D: '0',
  U: '0',
  C: '0',
  I: '1',
  L: '1',
  T: '7',
  Z: '2',
  S: '5',
  B: '8',
  G: '6',
  A: '4',
};

const isDigit = (c: string) => c >= '0' && c <= '9';
const isLetter = (c: string) => c >= 'A' && c <= 'Z';

function allowed(cls: CharClass, c: string): boolean {
  if (cls === 'A') return isLetter(c) || c === '<';
  if (cls === 'N') return isDigit(c) || c === '<';
  if (cls === 'C') return isDigit(c) || c === '<';
  if (cls === 'L') return isLetter(c) || c === '<' || isDigit(c);
  return true;
}

/**
 * Turns OCR lines (with per-character alternatives) into MRZ lines of the right layout: fixes the
 * line length, forces every position into its character class, then uses each failing check digit
 * to choose between confusable characters. Every change is reported.
 */
export function correctMrz(raw: RecognizedChar[][], format?: MrzFormat): CorrectedMrz | undefined {
  const fmt = format ?? guessFormat(raw.map((l) => l.map((c) => c.char).join('')));
  if (!fmt) return undefined;
  const t = TEMPLATES[fmt];
  if (raw.length !== t.lineCount) return undefined;
  const perLine = raw.map((chars, i) => lengthCandidates(chars, t.lineLength, t.namesLines.includes(i)));
  let best: CorrectedMrz | undefined;
  let bestScore = -Infinity;
  for (const combo of cartesian(perLine)) {
    const candidate = typeAndCheck(
      t,
      combo.map((c) => c.chars),
    );
    candidate.corrections.unshift(...combo.flatMap((c, line) => c.changes.map((ch) => ({ ...ch, line }))));
    const score =
      -candidate.failedChecks.length * 100 -
      candidate.corrections.length * 0.5 -
      combo.reduce((s, c) => s + c.changes.length, 0);
    if (score > bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  return best;
}

interface LengthCandidate {
  chars: RecognizedChar[];
  changes: Omit<MrzCorrection, 'line'>[];
}

const FILLER: RecognizedChar = { char: '<', prob: 0.5, alternatives: [] };

/** Ways to bring a line to its length: OCR drops or doubles '<' in runs, and misses trailing fillers. */
function lengthCandidates(chars: RecognizedChar[], length: number, isNames: boolean): LengthCandidate[] {
  const n = chars.length;
  if (n === length) return [{ chars, changes: [] }];
  const out: LengthCandidate[] = [];
  if (n < length) {
    const missing = length - n;
    const atEnd = [...chars, ...Array.from({ length: missing }, () => FILLER)];
    out.push({ chars: atEnd, changes: [{ column: n, from: '', to: '<'.repeat(missing), reason: 'length' }] });
    if (!isNames) {
      const run = longestFillerRun(chars);
      if (run && run.length >= 1) {
        const inserted = [
          ...chars.slice(0, run.end),
          ...Array.from({ length: missing }, () => FILLER),
          ...chars.slice(run.end),
        ];
        out.push({
          chars: inserted,
          changes: [{ column: run.end, from: '', to: '<'.repeat(missing), reason: 'length' }],
        });
      }
    }
  } else {
    const extra = n - length;
    const tail = chars.slice(length);
    if (tail.every((c) => c.char === '<') || isNames) {
      out.push({
        chars: chars.slice(0, length),
        changes: [{ column: length, from: tail.map((c) => c.char).join(''), to: '', reason: 'length' }],
      });
    }
    const run = longestFillerRun(chars);
    if (run && run.length > extra) {
      out.push({
        chars: [...chars.slice(0, run.end - extra), ...chars.slice(run.end)],
        changes: [{ column: run.end - extra, from: '<'.repeat(extra), to: '', reason: 'length' }],
      });
    }
    if (!out.length) {
      // Drop the least confident characters.
      const drop = new Set(
        chars
          .map((c, i) => ({ p: c.prob, i }))
          .sort((a, b) => a.p - b.p)
          .slice(0, extra)
          .map((x) => x.i),
      );
      out.push({
        chars: chars.filter((_, i) => !drop.has(i)),
        changes: [...drop].map((i) => ({
          column: i,
          from: chars[i]!.char,
          to: '',
          reason: 'length' as const,
        })),
      });
    }
  }
  return out;
}

function longestFillerRun(chars: RecognizedChar[]): { end: number; length: number } | undefined {
  let best: { end: number; length: number } | undefined;
  let len = 0;
  for (let i = 0; i <= chars.length; i++) {
    if (i < chars.length && chars[i]!.char === '<') len++;
    else {
      if (len && (!best || len > best.length)) best = { end: i, length: len };
      len = 0;
    }
  }
  return best;
}

function* cartesian<T>(lists: T[][]): Generator<T[]> {
  if (!lists.length) {
    yield [];
    return;
  }
  const [head, ...rest] = lists;
  for (const h of head!) for (const r of cartesian(rest)) yield [h, ...r];
}

function typeAndCheck(t: MrzTemplate, raw: RecognizedChar[][]): CorrectedMrz {
  const corrections: MrzCorrection[] = [];
  const lines: string[][] = [];
  const probs: number[][] = [];
  const alts: RecognizedChar['alternatives'][][] = [];
  const complete: boolean[][] = [];
  raw.forEach((chars, li) => {
    const cls = t.classes[li]!;
    const line: string[] = [];
    const p: number[] = [];
    chars.forEach((c, col) => {
      const k = cls[col] ?? 'X';
      let ch = c.char;
      let prob = c.prob;
      if (!allowed(k, ch)) {
        const alt = c.alternatives.find((a) => allowed(k, a.char) && a.prob > 0.01);
        const mapped = k === 'A' ? DIGIT_TO_LETTER[ch] : LETTER_TO_DIGIT[ch];
        const to = alt?.char ?? mapped ?? (k === 'A' ? '<' : '0');
        prob = alt?.prob ?? prob * 0.5;
        corrections.push({ line: li, column: col, from: ch, to, reason: 'class' });
        ch = to;
      }
      line.push(ch);
      p.push(prob);
    });
    lines.push(line);
    probs.push(p);
    alts.push(chars.map((c) => c.alternatives));
    complete.push(chars.map((c) => c.alternativesComplete === true));
  });

  // A lone character inside the names field's trailing filler ('<<<A<<<') is a speck the OCR read
  // as a letter: a name part never follows three fillers, and a one-letter part stands after '<' or '<<'.
  for (const li of t.namesLines) {
    const l = lines[li]!;
    for (let i = 3; i + 3 < l.length; i++) {
      if (l[i] === '<') continue;
      const before = l.slice(i - 3, i).every((c) => c === '<');
      const after = l.slice(i + 1, i + 4).every((c) => c === '<');
      if (before && after) {
        corrections.push({ line: li, column: i, from: l[i]!, to: '<', reason: 'filler' });
        l[i] = '<';
      }
    }
  }

  const asStrings = () => lines.map((l) => l.join(''));
  const failed: CheckDigitDef['name'][] = [];
  // Field checks first: the composite is only meaningful once its fields are settled.
  const ordered = [...t.checks].sort(
    (a, b) => Number(a.name === 'composite') - Number(b.name === 'composite'),
  );
  const settled = new Set<string>();
  for (const def of ordered) {
    if (checkHolds(asStrings(), def)) {
      for (const key of positions(def)) settled.add(key);
      continue;
    }
    const fix = searchFix(t, def, lines, probs, alts, complete, settled);
    if (fix) {
      for (const s of fix) {
        corrections.push({
          line: s.line,
          column: s.col,
          from: lines[s.line]![s.col]!,
          to: s.to,
          reason: 'check-digit',
        });
        lines[s.line]![s.col] = s.to;
        probs[s.line]![s.col] = s.prob;
      }
      for (const key of positions(def)) settled.add(key);
    } else {
      failed.push(def.name);
    }
  }
  return { format: t.format, lines: asStrings(), probs, corrections, failedChecks: failed };
}

function positions(def: CheckDigitDef): string[] {
  const out: string[] = [`${def.at[0]}:${def.at[1]}`];
  for (const [l, s, e] of def.ranges) for (let i = s; i < e; i++) out.push(`${l}:${i}`);
  return out;
}

interface Sub {
  line: number;
  col: number;
  to: string;
  prob: number;
  /** How much less likely the substitution is than what was read (higher = worse). */
  cost: number;
}

/** Smallest-cost set of one or two substitutions that makes the check digit hold, or undefined. */
function searchFix(
  t: MrzTemplate,
  def: CheckDigitDef,
  lines: string[][],
  probs: number[][],
  alts: RecognizedChar['alternatives'][][],
  complete: boolean[][],
  settled: Set<string>,
): Sub[] | undefined {
  const options: Sub[] = [];
  // The composite may only change what no field check covers (the optional data): changing a field
  // that its own check digit rejects, just to please the composite, would hide a real failure.
  const fieldPositions = new Set<string>();
  if (def.name === 'composite') {
    for (const other of t.checks) if (other !== def) for (const k of positions(other)) fieldPositions.add(k);
  }
  const consider = (line: number, col: number) => {
    if (settled.has(`${line}:${col}`) || fieldPositions.has(`${line}:${col}`)) return;
    const cur = lines[line]?.[col];
    if (cur === undefined) return;
    const cls = t.classes[line]?.[col] ?? 'X';
    const p = Math.max(probs[line]![col]!, 1e-3);
    const seen = new Set<string>([cur]);
    // With the model's full distribution, its probabilities alone price a change; a look-alike it
    // gave no weight is not offered (a confident '8' is not turned into 'B' to please a check digit).
    const known = complete[line]?.[col] === true;
    for (const a of alts[line]?.[col] ?? []) {
      if (a.prob < (known ? 1e-5 : 0.02) || seen.has(a.char) || !allowed(cls, a.char)) continue;
      seen.add(a.char);
      options.push({
        line,
        col,
        to: a.char,
        prob: a.prob,
        cost: Math.log(p / a.prob) + confusionCost(cur, a.char),
      });
    }
    // Letter/digit look-alikes are allowed even when the model gave them no weight (X positions only).
    if (cls === 'X' && !known) {
      for (const c of CONFUSIONS[cur] ?? []) {
        if (seen.has(c)) continue;
        seen.add(c);
        // The classic OCR-B pairs (0/O, 1/I, 5/S, 8/B, 2/Z) are preferred over rarer look-alikes.
        const base = PRIMARY.has(cur + c) ? 3 : 4;
        options.push({ line, col, to: c, prob: 0.3, cost: base + Math.log(p / 0.5) });
      }
    }
  };
  for (const [l, s, e] of def.ranges) for (let i = s; i < e; i++) consider(l, i);
  consider(def.at[0], def.at[1]);

  const holds = (subs: Sub[]) => {
    const copy = lines.map((l) => l.join(''));
    for (const s of subs) {
      const l = copy[s.line]!;
      copy[s.line] = l.slice(0, s.col) + s.to + l.slice(s.col + 1);
    }
    return checkHolds(copy, def);
  };
  let best: Sub[] | undefined;
  let bestCost = Infinity;
  for (const o of options) {
    if (o.cost < bestCost && holds([o])) {
      best = [o];
      bestCost = o.cost;
    }
  }
  // Pairs: only changes cheap enough to be part of an acceptable fix.
  const cheap = options.filter((o) => o.cost < MAX_FIX_COST);
  if ((!best || bestCost >= MAX_FIX_COST) && cheap.length <= 400) {
    for (let i = 0; i < cheap.length; i++) {
      for (let j = i + 1; j < cheap.length; j++) {
        const a = cheap[i]!;
        const b = cheap[j]!;
        if (a.line === b.line && a.col === b.col) continue;
        const cost = a.cost + b.cost;
        if (cost < bestCost && holds([a, b])) {
          best = [a, b];
          bestCost = cost;
        }
      }
    }
  }
  // Some change among dozens satisfies a wrong check digit by chance one time in ten: a fix must be
  // both likely to the model and a known confusion (measured on the shared specimens: true fixes cost
  // up to 4.8, chance fixes of check digits printed wrong on purpose from 5.0).
  return best && bestCost < MAX_FIX_COST ? best : undefined;
}
