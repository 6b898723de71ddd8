import { type RgbImage, rotate90, toInkGray } from '../image.ts';
import { type Emissions, type ExactLine, exactDecode, greedyDecode, reconcile } from '../ocr/ctc.ts';
import { getOcrEngine, type RecognizedChar, type RecognizedLine } from '../ocr/engine.ts';
import { cropLine, detectLines, type TextLine } from '../ocr/lines.ts';
import { type CorrectedMrz, correctMrz, type MrzCorrection } from './correct.ts';
import { type CharClass, guessFormat, type MrzTemplate, TEMPLATES } from './templates.ts';

/** Horizontal stretch of line crops before recognition; narrower crops were faster but lost '<' runs. */
const STRETCH = Number(process.env['OPENIDV_MRZ_STRETCH'] ?? 1);
/** Blank margin at both ends of a line crop, in line thicknesses: the first and last characters must be whole. */
const PAD = Number(process.env['OPENIDV_MRZ_PAD'] ?? 1);
/** Framing of the second reading of an uncertain line: same height, glyphs sampled 30% wider. */
const PAD_AGAIN = Number(process.env['OPENIDV_MRZ_PAD_AGAIN'] ?? 1);
const STRETCH_AGAIN = Number(process.env['OPENIDV_MRZ_STRETCH_AGAIN'] ?? 1.3);
const MARGIN = Number(process.env['OPENIDV_MRZ_MARGIN'] ?? 1);

export const MRZ_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';

export interface MrzReading extends CorrectedMrz {
  /** Quarter turns clockwise applied to the decoded image before reading (0–3). */
  quarterTurns: number;
  /** Rotated rectangles of the MRZ lines in the rotated image. */
  geometry: TextLine[];
  /** The OCR text before correction. */
  rawLines: string[];
  /** Mean OCR probability over the MRZ characters. */
  confidence: number;
}

export interface MrzSearch {
  reading?: MrzReading;
  /** All text lines found on the page (in the final orientation), for the portrait and visual zone. */
  lines: TextLine[];
  quarterTurns: number;
  image: RgbImage;
}

interface Row {
  v: number;
  u0: number;
  u1: number;
  thickness: number;
}

/**
 * Finds and reads the MRZ. Text lines come from the detector; the longest ones anchor candidate
 * MRZ bands; pieces of the same row are merged (the detector often splits long '<' runs); every row
 * is cropped over the band's common width (MRZ lines are all the same length, left-aligned), read
 * with the recogniser restricted to the MRZ alphabet, and corrected with the check digits.
 * A band read upside down is read again turned 180°; a page with only vertical text is turned 90°.
 */
export async function findMrz(image: RgbImage): Promise<MrzSearch> {
  let fallback: MrzSearch | undefined;
  for (const quarter of [0, 1]) {
    const img = quarter ? rotate90(image, quarter) : image;
    const lines = await detectLines(img);
    const horizontal = lines.filter((l) => Math.abs(l.angle) < Math.PI / 4 && l.length / l.thickness >= 4);
    const vertical = lines.filter((l) => Math.abs(l.angle) >= Math.PI / 4 && l.length / l.thickness >= 4);
    if (quarter === 0 && vertical.length > horizontal.length * 1.5) continue;
    const reading = await readBand(img, lines);
    const search: MrzSearch = { lines, quarterTurns: quarter, image: img };
    if (reading) {
      const result = {
        ...search,
        reading: { ...reading, quarterTurns: (quarter + reading.quarterTurns) % 4 },
      };
      // A confidently read MRZ is the MRZ: a check digit that fails is reported, not a reason to turn
      // the page and read it all again.
      if (!reading.failedChecks.length || reading.confidence > 0.8) return result;
      if (!fallback?.reading || score(reading) > score(fallback.reading)) fallback = result;
    } else fallback ??= search;
  }
  return fallback!;
}

function score(r: CorrectedMrz & { confidence: number }): number {
  return -r.failedChecks.length * 10 - r.corrections.length * 0.1 + r.confidence;
}

type BandRead = {
  v: number;
  line: TextLine;
  e: Emissions;
  rec: RecognizedLine;
  /** Reads the same row again from a differently framed crop (a second opinion). */
  again: () => Promise<Emissions>;
};
type Candidate = CorrectedMrz & Omit<MrzReading, keyof CorrectedMrz> & { group: BandRead[] };

async function readBand(
  img: RgbImage,
  lines: TextLine[],
): Promise<(CorrectedMrz & Omit<MrzReading, keyof CorrectedMrz>) | undefined> {
  const engine = await getOcrEngine();
  const gray = toInkGray(img);
  const anchors = lines
    .filter((l) => l.length / l.thickness >= 10)
    .sort((a, b) => b.length - a.length)
    .slice(0, 4);
  let best: Candidate | undefined;
  const tried: Row[] = [];
  for (const anchor of anchors) {
    // Skip anchors on a row already read as part of a band.
    if (tried.some((r) => sameRow(r, anchor))) continue;
    const rows = rowsAround(anchor, lines);
    const read = async (row: Row, flip: boolean, u0: number, u1: number): Promise<BandRead> => {
      const line = rowLine(anchor, row, u0, u1);
      const crop = cropLine(gray, img.width, img.height, line, { flip, stretch: STRETCH, pad: PAD });
      const e = await engine.emissions(crop.gray, crop.width, MRZ_ALPHABET);
      const again = async () => {
        // Sampled wider: small, tightly set glyphs (D beside 0, I beside 1) come apart.
        const alt = cropLine(gray, img.width, img.height, line, {
          flip,
          stretch: STRETCH * STRETCH_AGAIN,
          pad: PAD_AGAIN,
        });
        return engine.emissions(alt.gray, alt.width, MRZ_ALPHABET);
      };
      return { v: row.v, line, e, rec: greedyDecode(e), again };
    };
    const anchorRow = rows.find((r) => r.v === 0)!;
    // The band: rows whose extent overlaps the anchor's most and lie within a few line pitches.
    const band = rows.filter((r) => overlap(r, anchorRow) > 0.5 * (anchorRow.u1 - anchorRow.u0));
    const u0 = Math.min(...band.map((r) => r.u0));
    const u1 = Math.max(...band.map((r) => r.u1));
    // The anchor row first, over the band's width (it is read once and kept).
    const up = await read(anchorRow, false, u0, u1);
    // Upside-down text reads with low confidence; only then is the other direction worth a try.
    const down = up.rec.confidence < 0.85 ? await read(anchorRow, true, u0, u1) : undefined;
    const flip = down !== undefined && down.rec.confidence > up.rec.confidence + 0.05;
    const first = flip && down ? down : up;
    tried.push(...band.map((r) => toAbsRow(anchor, r)));
    if (first.rec.text.length < 20 || first.rec.confidence < 0.5) continue;
    const reads: BandRead[] = [first];
    // Nearest rows first: MRZ lines sit one pitch apart, and once the lines read make a whole MRZ
    // whose check digits hold, the rows further away (the visual zone) need not be read.
    const order = band.filter((r) => r !== anchorRow).sort((a, b) => Math.abs(a.v) - Math.abs(b.v));
    let candidate: ReturnType<typeof chooseLines>;
    for (const row of order) {
      const r = await read(row, flip, u0, u1);
      if (r.rec.text.length < 20 || r.rec.confidence < 0.5) continue;
      reads.push(r);
      reads.sort((a, b) => (flip ? b.v - a.v : a.v - b.v));
      candidate = chooseLines(reads, flip);
      if (candidate && !candidate.failedChecks.length) break;
    }
    candidate ??= chooseLines(reads, flip);
    if (!candidate) {
      // The detector sometimes misses a whole MRZ line (long '<' runs give it little to hold on to):
      // probe one line pitch above and below the rows we have.
      for (const side of [-1, 1]) {
        const edge = side < 0 ? Math.min(...band.map((r) => r.v)) : Math.max(...band.map((r) => r.v));
        let bestProbe: BandRead | undefined;
        for (const pitch of [1.3, 1.6]) {
          const v = edge + side * pitch * anchor.thickness;
          const r = await read({ v, u0, u1, thickness: anchor.thickness }, flip, u0, u1);
          if (r.rec.text.length < 20 || r.rec.confidence < 0.6) continue;
          if (!bestProbe || r.rec.confidence > bestProbe.rec.confidence) bestProbe = r;
        }
        if (bestProbe) reads.push(bestProbe);
      }
      reads.sort((a, b) => (flip ? b.v - a.v : a.v - b.v));
      candidate = chooseLines(reads, flip);
    }
    if (!candidate) continue;
    candidate = await secondOpinion(candidate);
    if (!best || score(candidate) > score(best)) best = candidate;
    // A complete MRZ read with confidence is the MRZ, even when a check digit fails (some are printed wrong).
    if (!candidate.failedChecks.length || candidate.confidence > 0.8) break;
  }
  if (!best) return undefined;
  const { group: _, ...reading } = best;
  return reading;

  function candidateOf(group: BandRead[], corrected: CorrectedMrz, flip: boolean): Candidate {
    const probs = corrected.probs.flat();
    const confidence = probs.reduce((s, p) => s + p, 0) / Math.max(1, probs.length);
    return {
      ...corrected,
      quarterTurns: flip ? 2 : 0,
      geometry: group.map((g) => g.line),
      rawLines: group.map((g) => g.rec.text),
      confidence,
      group,
    };
  }

  function chooseLines(reads: BandRead[], flip: boolean): Candidate | undefined {
    let result: Candidate | undefined;
    for (const count of [3, 2]) {
      for (let i = 0; i + count <= reads.length; i++) {
        const group = reads.slice(i, i + count);
        const corrected = decodeMrz(group);
        if (!corrected) continue;
        const cand = candidateOf(group, corrected, flip);
        if (!result || score(cand) > score(result)) result = cand;
      }
    }
    return result;
  }

  /**
   * Lines the first reading was unsure of (greedy length off, a weak character, or under a failing
   * check digit) are read again from a differently framed crop, and the two readings reconciled.
   * Clean reads, most of them, cost nothing more.
   */
  async function secondOpinion(c: Candidate): Promise<Candidate> {
    const t = TEMPLATES[c.format];
    const exact = c.group.map((g, i) => exactLine(g.e, t, i));
    if (exact.some((x) => !x)) return c;
    const failing = new Set(
      t.checks.filter((d) => c.failedChecks.includes(d.name)).flatMap((d) => d.ranges.map((r) => r[0])),
    );
    let changed = false;
    for (const [i, g] of c.group.entries()) {
      const x = exact[i]!;
      const weak = x.chars.some((ch) => ch.prob < WEAK);
      if (g.rec.text.length === t.lineLength && !weak && !failing.has(i)) continue;
      const y = exactLine(await g.again(), t, i);
      if (!y) continue;
      exact[i] = reconcile(x, y, (k, sym) => classPrior(t.classes[i]?.[k] ?? 'X', sym));
      changed = true;
    }
    if (!changed) return c;
    const corrected = finish(
      t,
      c.group.map((g) => g.rec.text),
      exact as ExactLine[],
    );
    if (!corrected) return c;
    // Two readings know more than one: the reconciled lines stand even if a check digit now fails
    // that a single reading's fix had satisfied.
    return candidateOf(c.group, corrected, c.quarterTurns === 2);
  }
}

/** A character whose probability is under this sends its line to a second reading. */
const WEAK = 0.6;

const LETTERS = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZ<');
const DIGITS = new Set('0123456789<');

/** Log prior of a symbol at a position of the layout: forbidden outside its class. */
function classPrior(cls: CharClass, symbol: string): number {
  switch (cls) {
    case 'A':
      return LETTERS.has(symbol) ? 0 : -Infinity;
    case 'N':
    case 'C':
      return DIGITS.has(symbol) ? 0 : -Infinity;
    case 'L':
      // A digit here must be clearly what the model saw (e^3 ≈ 20 times likelier than any letter).
      return LETTERS.has(symbol) ? 0 : -3;
    default:
      return 0;
  }
}

/**
 * Lines of a candidate MRZ: the layout from the greedy readings' shape, then every line decoded again
 * to exactly the layout's length with each position held to its character class, and the check digits
 * used to settle what the model left uncertain.
 */
export function decodeMrz(group: { e: Emissions; rec: RecognizedLine }[]): CorrectedMrz | undefined {
  const format = guessFormat(group.map((g) => g.rec.text));
  if (!format) return undefined;
  const t = TEMPLATES[format];
  if (group.length !== t.lineCount) return undefined;
  const exact: ExactLine[] = [];
  for (const [i, g] of group.entries()) {
    const x = exactLine(g.e, t, i);
    if (!x) return undefined;
    exact.push(x);
  }
  return finish(
    t,
    group.map((g) => g.rec.text),
    exact,
  );
}

function exactLine(e: Emissions, t: MrzTemplate, line: number): ExactLine | undefined {
  const classes = t.classes[line]!;
  return exactDecode(e, t.lineLength, (k, symbol) => classPrior(classes[k] ?? 'X', symbol));
}

function finish(t: MrzTemplate, greedy: string[], exact: ExactLine[]): CorrectedMrz | undefined {
  const format = t.format;
  const corrected = correctMrz(
    exact.map((x) => x.chars),
    format,
  );
  if (!corrected) return undefined;
  const noted: MrzCorrection[] = [];
  exact.forEach((x, line) => {
    const raw = greedy[line]!;
    if (raw.length !== t.lineLength) {
      noted.push({ line, column: 0, from: raw, to: x.text, reason: 'length' });
    }
    for (const c of x.classChanges) noted.push({ line, ...c, reason: 'class' });
  });
  corrected.corrections.unshift(...noted);
  return corrected;
}

/** Rows (in the anchor's frame: u along the line, v across it) of the detected pieces near the anchor. */
function rowsAround(anchor: TextLine, lines: TextLine[]): Row[] {
  const ux = Math.cos(anchor.angle);
  const uy = Math.sin(anchor.angle);
  const half = anchor.length / 2;
  const pieces: Row[] = [];
  for (const l of lines) {
    const dx = l.cx - anchor.cx;
    const dy = l.cy - anchor.cy;
    const u = dx * ux + dy * uy;
    const v = -dx * uy + dy * ux;
    if (Math.abs(v) > 4.5 * anchor.thickness) continue;
    if (u < -half * 1.3 || u > half * 1.3) continue;
    let da = Math.abs(l.angle - anchor.angle);
    if (da > Math.PI / 2) da = Math.PI - da;
    if (l.length > 3 * l.thickness && da > (8 * Math.PI) / 180) continue;
    if (l.thickness > 1.6 * anchor.thickness || l.thickness < 0.5 * anchor.thickness) continue;
    const along = l.length / 2;
    pieces.push({ v: l === anchor ? 0 : v, u0: u - along, u1: u + along, thickness: l.thickness });
  }
  pieces.sort((a, b) => a.v - b.v);
  const rows: Row[] = [];
  for (const p of pieces) {
    const row = rows.find((r) => Math.abs(r.v - p.v) < 0.45 * anchor.thickness);
    if (row) {
      if (p.v === 0) row.v = 0;
      row.u0 = Math.min(row.u0, p.u0);
      row.u1 = Math.max(row.u1, p.u1);
      row.thickness = Math.max(row.thickness, p.thickness);
    } else rows.push({ ...p });
  }
  // The anchor row's v is exactly 0 so it can be found again.
  return rows;
}

function overlap(a: Row, b: Row): number {
  return Math.max(0, Math.min(a.u1, b.u1) - Math.max(a.u0, b.u0));
}

function rowLine(anchor: TextLine, row: Row, u0: number, u1: number): TextLine {
  const ux = Math.cos(anchor.angle);
  const uy = Math.sin(anchor.angle);
  const uc = (u0 + u1) / 2;
  // A little margin on both ends: the first and last characters must be whole.
  const margin = MARGIN * anchor.thickness;
  return {
    cx: anchor.cx + uc * ux - row.v * uy,
    cy: anchor.cy + uc * uy + row.v * ux,
    angle: anchor.angle,
    length: u1 - u0 + 2 * margin,
    thickness: anchor.thickness,
    score: 1,
  };
}

function toAbsRow(anchor: TextLine, row: Row): Row {
  const line = rowLine(anchor, row, row.u0, row.u1);
  return {
    v: line.cy,
    u0: line.cx - line.length / 2,
    u1: line.cx + line.length / 2,
    thickness: line.thickness,
  };
}

function sameRow(r: Row, l: TextLine): boolean {
  return Math.abs(r.v - l.cy) < r.thickness * 0.5 && l.cx > r.u0 && l.cx < r.u1;
}

export type { RecognizedChar };
