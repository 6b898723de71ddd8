import { decodeImage, type RgbImage, readPageText } from '@openidv/document-reader';
import { findPdfEdits, type PdfEditSignal } from './pdf-edits.ts';

/** A line of a document's text with how sure the reader is of it (1 for a PDF's own text layer). */
export interface DocumentLine {
  text: string;
  confidence: number;
}

export interface DocumentText {
  /** Where the text came from: the PDF's text layer, or OCR of a scan or photo. */
  source: 'pdf-text' | 'ocr';
  lines: DocumentLine[];
  pages: number;
  /**
   * Pages that carry both a text layer and a picture of themselves (a scan with searchable text, or a
   * "print to PDF" of an image), with the OCR of that picture: the text layer should say what the picture shows.
   */
  pictured: { page: number; textLayer: DocumentLine[]; picture: DocumentLine[] }[];
  /** Signs in a PDF's own records (revisions, metadata, text placement) that it was edited after it was made. */
  edits: PdfEditSignal[];
}

export type DocumentTextError = { code: 'UNSUPPORTED_FORMAT' | 'CORRUPT_DOCUMENT'; message: string };

/** A picture covering at least this share of the page's pixels counts as a picture of the page. */
const MIN_PICTURE_PIXELS = 400_000;
const MAX_PAGES = 20;

/** Reads the text of a PDF (its text layer, or OCR of its scanned pages) or of a photo (OCR). */
export async function readDocumentText(
  bytes: Buffer,
  mimeType: string,
): Promise<{ ok: true; text: DocumentText } | { ok: false; error: DocumentTextError }> {
  if (mimeType === 'application/pdf' || bytes.subarray(0, 5).toString('latin1') === '%PDF-') {
    return readPdf(bytes);
  }
  const decoded = await decodeImage(bytes);
  if (!decoded.ok) {
    return { ok: false, error: { code: 'UNSUPPORTED_FORMAT', message: `Not a PDF or a readable image.` } };
  }
  const lines = await ocr(decoded.image);
  return { ok: true, text: { source: 'ocr', lines, pages: 1, pictured: [], edits: [] } };
}

async function readPdf(
  bytes: Buffer,
): Promise<{ ok: true; text: DocumentText } | { ok: false; error: DocumentTextError }> {
  // pdf.js is loaded on the first PDF: processes that never read one (the CLI) do not pay for it.
  const { extractImages, extractTextItems, getDocumentProxy, getResolvedPDFJS } = await import('unpdf');
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // pdf.js takes ownership of the buffer it is given; a copy keeps the caller's bytes intact.
    pdf = await getDocumentProxy(new Uint8Array(bytes));
  } catch {
    return { ok: false, error: { code: 'CORRUPT_DOCUMENT', message: 'The PDF could not be opened.' } };
  }
  try {
    const { items } = await extractTextItems(pdf);
    const pages = Math.min(pdf.numPages, MAX_PAGES);
    const lines: DocumentLine[] = [];
    const pictured: DocumentText['pictured'] = [];
    let ocred = false;
    for (let page = 1; page <= pages; page++) {
      const textLayer = linesOfItems(items[page - 1] ?? []);
      const pictures = (await extractImages(pdf, page)).filter(
        (i) => i.width * i.height >= MIN_PICTURE_PIXELS,
      );
      const picture: DocumentLine[] = [];
      for (const image of pictures) picture.push(...(await ocr(toRgb(image))));
      if (textLayer.length) {
        lines.push(...textLayer);
        if (picture.length) pictured.push({ page, textLayer, picture });
      } else if (picture.length) {
        // A scan without a text layer: its text is what OCR reads from the picture.
        lines.push(...picture);
        ocred = true;
      }
    }
    const edits = await findPdfEdits(bytes, pdf, pages, await getResolvedPDFJS());
    return { ok: true, text: { source: ocred ? 'ocr' : 'pdf-text', lines, pages, pictured, edits } };
  } catch {
    return { ok: false, error: { code: 'CORRUPT_DOCUMENT', message: 'The PDF could not be read.' } };
  } finally {
    // Frees the parsed pages; the proxy is not used again.
    await pdf.cleanup();
  }
}

interface TextItem {
  str: string;
  x: number;
  y: number;
  height: number;
}

/** Groups a page's text items into lines: items on one baseline (within half a line height), left to right. */
function linesOfItems(items: TextItem[]): DocumentLine[] {
  const rows: { y: number; h: number; items: TextItem[] }[] = [];
  for (const item of items) {
    if (!item.str.trim()) continue;
    const row = rows.find((r) => Math.abs(r.y - item.y) <= Math.max(r.h, item.height, 1) / 2);
    if (row) row.items.push(item);
    else rows.push({ y: item.y, h: item.height, items: [item] });
  }
  // PDF space grows upwards: the top line has the largest y.
  rows.sort((a, b) => b.y - a.y);
  return rows.map((r) => ({
    text: r.items
      .sort((a, b) => a.x - b.x)
      .map((i) => i.str.trim())
      .join(' '),
    confidence: 1,
  }));
}

function toRgb(image: {
  data: Uint8ClampedArray;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}): RgbImage {
  const n = image.width * image.height;
  const out = Buffer.alloc(n * 3);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++)
      out[i * 3 + c] = image.data[i * image.channels + (image.channels === 1 ? 0 : c)]!;
  }
  return { data: out, width: image.width, height: image.height };
}

async function ocr(image: RgbImage): Promise<DocumentLine[]> {
  return (await readPageText(image)).map((l) => ({ text: l.text, confidence: l.confidence }));
}
