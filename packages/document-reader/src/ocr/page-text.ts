import type { RgbImage } from '../image.ts';
import { toGray } from '../image.ts';
import { getOcrEngine } from './engine.ts';
import { cropLine, detectLines, type TextLine } from './lines.ts';

/** One line of text read from a page image, top to bottom. */
export interface PageTextLine {
  text: string;
  /** Mean probability of the line's characters (0..1). */
  confidence: number;
  /** Centre of the line in the source image, for reading order. */
  cx: number;
  cy: number;
}

/**
 * Reads every text line of a document page (a scanned payslip, a photo of a letter) with the same PP-OCRv4
 * models as the MRZ reader, over the model's whole dictionary. Lines come back in reading order: by row,
 * then left to right. Pages are detected at a larger side than an MRZ band because body text is small.
 */
export async function readPageText(image: RgbImage, detSide = 1280): Promise<PageTextLine[]> {
  const engine = await getOcrEngine();
  const gray = toGray(image);
  const lines = (await detectLines(image, detSide)).filter((l) => l.length > l.thickness * 0.8);
  const out: PageTextLine[] = [];
  for (const line of lines) {
    // Detected boxes hug the glyphs; a little padding keeps ascenders and descenders whole.
    const crop = cropLine(gray, image.width, image.height, line, { pad: 1.2 });
    const read = await engine.recognize(crop.gray, crop.width);
    const text = read.text.trim();
    if (text) out.push({ text, confidence: read.confidence, cx: line.cx, cy: line.cy });
  }
  return inReadingOrder(out, lines);
}

function inReadingOrder(read: PageTextLine[], lines: TextLine[]): PageTextLine[] {
  const rowHeight = lines.length ? median(lines.map((l) => l.thickness)) : 1;
  return read.sort((a, b) => (Math.abs(a.cy - b.cy) < rowHeight / 2 ? a.cx - b.cx : a.cy - b.cy));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
