import { type RgbImage, rotate90, toGray } from '../image.ts';
import { getOcrEngine, type RecognizedChar, type RecognizedLine } from '../ocr/engine.ts';
import { cropLine, detectLines, type TextLine } from '../ocr/lines.ts';
import { type CorrectedMrz, correctMrz } from './correct.ts';

/** Horizontal stretch of line crops before recognition; narrower crops were faster but lost '<' runs. */
const STRETCH = Number(process.env['OPENIDV_MRZ_STRETCH'] ?? 1);

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
      if (!reading.failedChecks.length) return result;
      if (!fallback?.reading || score(reading) > score(fallback.reading)) fallback = result;
    } else fallback ??= search;
  }
  return fallback!;
}

function score(r: CorrectedMrz & { confidence: number }): number {
  return -r.failedChecks.length * 10 - r.corrections.length * 0.1 + r.confidence;
}

async function readBand(
  img: RgbImage,
  lines: TextLine[],
): Promise<(CorrectedMrz & Omit<MrzReading, keyof CorrectedMrz>) | undefined> {
  const engine = await getOcrEngine();
  const charset = engine.charset(MRZ_ALPHABET);
  const gray = toGray(img);
  const anchors = lines
    .filter((l) => l.length / l.thickness >= 10)
    .sort((a, b) => b.length - a.length)
    .slice(0, 4);
  let best: (CorrectedMrz & Omit<MrzReading, keyof CorrectedMrz>) | undefined;
  const tried: Row[] = [];
  for (const anchor of anchors) {
    // Skip anchors on a row already read as part of a band.
    if (tried.some((r) => sameRow(r, anchor))) continue;
    const rows = rowsAround(anchor, lines);
    const read = async (row: Row, flip: boolean, u0: number, u1: number) => {
      const line = rowLine(anchor, row, u0, u1);
      const crop = cropLine(gray, img.width, img.height, line, { flip, stretch: STRETCH });
      return { row, line, rec: await engine.recognize(crop.gray, crop.width, charset) };
    };
    const anchorRow = rows.find((r) => r.v === 0)!;
    const up = await read(anchorRow, false, anchorRow.u0, anchorRow.u1);
    // Upside-down text reads with low confidence; only then is the other direction worth a try.
    const down =
      up.rec.confidence < 0.85 ? await read(anchorRow, true, anchorRow.u0, anchorRow.u1) : undefined;
    const flip = down !== undefined && down.rec.confidence > up.rec.confidence + 0.05;
    const first = flip && down ? down : up;
    if (first.rec.text.length < 20 || first.rec.confidence < 0.5) continue;
    // In reading order: top to bottom on the upright page.
    // The band: rows whose extent overlaps the anchor's most and lie within a few line pitches.
    const band = rows.filter((r) => overlap(r, anchorRow) > 0.5 * (anchorRow.u1 - anchorRow.u0));
    const u0 = Math.min(...band.map((r) => r.u0));
    const u1 = Math.max(...band.map((r) => r.u1));
    const reads: { v: number; line: TextLine; rec: RecognizedLine }[] = [];
    for (const row of band) {
      const r = await read(row, flip, u0, u1);
      if (r.rec.text.length >= 20 && r.rec.confidence >= 0.5)
        reads.push({ v: row.v, line: r.line, rec: r.rec });
    }
    reads.sort((a, b) => (flip ? b.v - a.v : a.v - b.v));
    tried.push(...band.map((r) => toAbsRow(anchor, r)));
    let candidate = chooseLines(reads, flip);
    if (!candidate || candidate.failedChecks.length) {
      // The detector sometimes misses a whole MRZ line (long '<' runs give it little to hold on to):
      // probe one line pitch above and below the rows we have.
      for (const side of [-1, 1]) {
        const edge = side < 0 ? Math.min(...band.map((r) => r.v)) : Math.max(...band.map((r) => r.v));
        let bestProbe: { v: number; line: TextLine; rec: RecognizedLine } | undefined;
        for (const pitch of [1.3, 1.6]) {
          const v = edge + side * pitch * anchor.thickness;
          const r = await read({ v, u0, u1, thickness: anchor.thickness }, flip, u0, u1);
          if (r.rec.text.length < 20 || r.rec.confidence < 0.6) continue;
          if (!bestProbe || r.rec.confidence > bestProbe.rec.confidence)
            bestProbe = { v, line: r.line, rec: r.rec };
        }
        if (bestProbe) reads.push(bestProbe);
      }
      reads.sort((a, b) => (flip ? b.v - a.v : a.v - b.v));
      candidate = chooseLines(reads, flip) ?? candidate;
    }
    if (!candidate) continue;
    if (!best || score(candidate) > score(best)) best = candidate;
    if (!candidate.failedChecks.length) break;
  }
  return best;

  function chooseLines(
    reads: { v: number; line: TextLine; rec: RecognizedLine }[],
    flip: boolean,
  ): (CorrectedMrz & Omit<MrzReading, keyof CorrectedMrz>) | undefined {
    let result: (CorrectedMrz & Omit<MrzReading, keyof CorrectedMrz>) | undefined;
    for (const count of [3, 2]) {
      for (let i = 0; i + count <= reads.length; i++) {
        const group = reads.slice(i, i + count);
        const corrected = correctMrz(group.map((g) => g.rec.chars));
        if (!corrected) continue;
        const probs = corrected.probs.flat();
        const confidence = probs.reduce((s, p) => s + p, 0) / Math.max(1, probs.length);
        const cand = {
          ...corrected,
          quarterTurns: flip ? 2 : 0,
          geometry: group.map((g) => g.line),
          rawLines: group.map((g) => g.rec.text),
          confidence,
        };
        if (!result || score(cand) > score(result)) result = cand;
      }
    }
    return result;
  }
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
  const margin = 0.6 * anchor.thickness;
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
