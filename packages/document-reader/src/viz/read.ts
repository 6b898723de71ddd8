import { type RgbImage, toGray } from '../image.ts';
import { getOcrEngine } from '../ocr/engine.ts';
import { cropLine, type TextLine } from '../ocr/lines.ts';
import type { VizLine } from './fields.ts';

/**
 * Recogniser input budget for the visual zone, in crop columns (time grows with it): about a dozen
 * name/date lines. The MRZ takes ~2,600 columns on a passport. (Crops squeezed narrower cost less
 * but misread proportional print: BRUIJN → BRUIJIN.)
 */
const BUDGET = Number(process.env['OPENIDV_VIZ_BUDGET'] ?? 2400);
const MAX_LINES = 12;
/** Lines read below this mean character probability are noise (guilloches, photo edges). */
const MIN_CONFIDENCE = 0.5;

/**
 * OCR of the printed page around the MRZ with the recogniser's whole dictionary, so accents and
 * stamps are read too. Only lines the detector found are read, not the MRZ's own, largest print first
 * within a budget: labels in small print cost as much per column as the values and matter less, and
 * specimen stamps are large. Reading stops when `enough` says so (every field of the MRZ found on the
 * page). Text running up the page (a vertical "SPECIMEN") is read both ways.
 */
export async function readVisualZone(
  image: RgbImage,
  lines: TextLine[],
  options: { flip: boolean; mrz?: TextLine[]; enough?: (read: VizLine[]) => boolean },
): Promise<VizLine[]> {
  const engine = await getOcrEngine();
  const candidates = lines.filter((l) => {
    if (l.length < 1.5 * l.thickness || l.thickness < 6) return false;
    return !options.mrz?.some((m) => inside(l, m));
  });
  // Bigger print first (values and stamps before labels), then longer lines.
  candidates.sort((a, b) => b.thickness - a.thickness || b.length - a.length);
  const gray = toGray(image);
  const out: VizLine[] = [];
  let spent = 0;
  let count = 0;
  for (const line of candidates) {
    if (count >= MAX_LINES) break;
    const vertical = Math.abs(line.angle) > Math.PI / 3;
    const width = Math.round((line.length * 48) / line.thickness);
    const ways = vertical ? [false, true] : [options.flip];
    if (spent + width * ways.length > BUDGET) continue;
    spent += width * ways.length;
    count++;
    let best: VizLine | undefined;
    for (const flip of ways) {
      const crop = cropLine(gray, image.width, image.height, line, { flip });
      const rec = await engine.recognize(crop.gray, crop.width);
      const text = rec.text.trim();
      if (!text || rec.confidence < MIN_CONFIDENCE) continue;
      if (!best || rec.confidence > best.confidence) {
        best = {
          text,
          confidence: rec.confidence,
          // In the upright page: a page read turned 180° has its lines' order reversed.
          cx: options.flip ? image.width - line.cx : line.cx,
          cy: options.flip ? image.height - line.cy : line.cy,
          length: line.length,
          thickness: line.thickness,
        };
      }
    }
    if (best) {
      out.push(best);
      if (options.enough?.(out)) break;
    }
  }
  return joinRows(out);
}

/**
 * Pieces of one printed row, read apart because the detector split them at wide gaps ("07  03  1971"),
 * joined left to right with a space: a gap under 1.5 line heights is a space, not a column break.
 */
export function joinRows(lines: VizLine[]): VizLine[] {
  const sorted = [...lines].sort((a, b) => a.cx - a.length / 2 - (b.cx - b.length / 2));
  const rows: VizLine[] = [];
  for (const l of sorted) {
    const row = rows.find((r) => {
      const h = Math.max(r.thickness, l.thickness);
      const gap = l.cx - l.length / 2 - (r.cx + r.length / 2);
      return Math.abs(r.cy - l.cy) < 0.4 * h && gap > -0.5 * h && gap < 1.5 * h;
    });
    if (!row) {
      rows.push({ ...l });
      continue;
    }
    const left = row.cx - row.length / 2;
    const right = l.cx + l.length / 2;
    const n = row.text.length + l.text.length;
    row.confidence = (row.confidence * row.text.length + l.confidence * l.text.length) / n;
    row.text = `${row.text} ${l.text}`;
    row.cx = (left + right) / 2;
    row.length = right - left;
    row.thickness = Math.max(row.thickness, l.thickness);
  }
  return rows.sort((a, b) => a.cy - b.cy || a.cx - b.cx);
}

/** Whether a detected piece lies on one of the MRZ's lines (its centre within the line's rectangle). */
function inside(l: TextLine, m: TextLine): boolean {
  const dx = l.cx - m.cx;
  const dy = l.cy - m.cy;
  const u = dx * Math.cos(m.angle) + dy * Math.sin(m.angle);
  const v = -dx * Math.sin(m.angle) + dy * Math.cos(m.angle);
  return Math.abs(u) <= m.length / 2 && Math.abs(v) <= m.thickness * 0.75;
}
