import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';

/** Test documents: income documents drawn with pdf-lib (text layer) or rendered to a picture (a scan). */

export interface PayslipContent {
  employer: string;
  employee: string;
  payDate: string;
  gross: string;
  net: string;
  taxReference?: string;
  jobTitle?: string;
}

export function payslipLines(p: PayslipContent): string[] {
  return [
    p.employer,
    'Payslip',
    `Employee: ${p.employee}`,
    ...(p.jobTitle ? [`Job title: ${p.jobTitle}`] : []),
    `Pay date: ${p.payDate}`,
    `Employer PAYE reference: ${p.taxReference ?? '123/AB45678'}`,
    `Gross pay: ${p.gross}`,
    `Net pay: ${p.net}`,
  ];
}

/** A PDF whose text layer carries the lines, as payroll software writes it. */
export async function textPdf(lines: string[]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  for (const [i, line] of lines.entries()) {
    page.drawText(line, { x: 50, y: 780 - i * 28, size: 14, font, color: rgb(0, 0, 0) });
  }
  return Buffer.from(await doc.save());
}

/** The lines drawn as a picture (a scan or a phone photo of the page), PNG. */
export async function pagePicture(lines: string[]): Promise<Buffer> {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const text = lines.map((l, i) => `<text x="60" y="${90 + i * 56}">${esc(l)}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1190" height="${160 + lines.length * 56}"><rect width="100%" height="100%" fill="white"/><g font-family="DejaVu Sans" font-size="30" fill="black">${text}</g></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/**
 * A scanned page in a PDF: the picture fills the page; `textLayer` adds searchable text over it, drawn invisibly
 * (as scanners' OCR does). A text layer that says something else than the picture is an edited document.
 */
export async function scannedPdf(pictureLines: string[], textLayer?: string[]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const png = await doc.embedPng(await pagePicture(pictureLines));
  const page = doc.addPage([595, (595 * png.height) / png.width]);
  page.drawImage(png, { x: 0, y: 0, width: page.getWidth(), height: page.getHeight() });
  if (textLayer) {
    const font = await doc.embedFont(StandardFonts.Helvetica);
    for (const [i, line] of textLayer.entries()) {
      page.drawText(line, { x: 30, y: page.getHeight() - 45 - i * 28, size: 14, font, opacity: 0 });
    }
  }
  return Buffer.from(await doc.save());
}

/** Text as pdf-lib writes it with a standard font: inside a hex string, two hex digits per character. */
const hexOf = (s: string) => Buffer.from(s, 'latin1').toString('hex').toUpperCase();

/**
 * The same PDF saved again as PDF editors save by default: the original bytes untouched, then an incremental
 * update (new objects, a cross-reference section pointing back to the previous one, a second `%%EOF`). Here the
 * update replaces page 1's content stream with one in which `from` is drawn as `to`.
 */
export async function incrementallyEdited(original: Buffer, from: string, to: string): Promise<Buffer> {
  const { decodePDFRawStream, PDFArray, PDFName, PDFRawStream, PDFRef } = await import('pdf-lib');
  const doc = await PDFDocument.load(original, { updateMetadata: false });
  const contents = doc.getPages()[0]!.node.get(PDFName.of('Contents'));
  const refs = contents instanceof PDFArray ? contents.asArray() : [contents];
  // The content stream that draws `from`: the update replaces that object, as an editor's save does.
  const found = refs.flatMap((ref) => {
    const stream = ref instanceof PDFRef ? doc.context.lookup(ref) : undefined;
    if (!(ref instanceof PDFRef) || !(stream instanceof PDFRawStream)) return [];
    const content = Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1');
    return content.includes(hexOf(from)) ? [{ ref, content }] : [];
  })[0];
  if (!found) throw new Error(`"${from}" is not drawn on page 1`);
  const { ref, content } = found;
  const changed = Buffer.from(content.replace(hexOf(from), hexOf(to)), 'latin1');
  const object = Buffer.concat([
    Buffer.from(`<< /Length ${changed.length} >>\nstream\n`, 'latin1'),
    changed,
    Buffer.from('\nendstream', 'latin1'),
  ]);
  return appendRevision(original, doc, [{ number: ref.objectNumber, body: object }]);
}

/**
 * An update that changes nothing printed, as a reader saving a comment does: a text annotation added to page 1
 * (a new object, and the page object again with its `/Annots`).
 */
export async function incrementallyAnnotated(original: Buffer, comment: string): Promise<Buffer> {
  const { PDFName, PDFRef } = await import('pdf-lib');
  const doc = await PDFDocument.load(original, { updateMetadata: false });
  const page = doc.getPages()[0]!;
  const number = sizeOf(original, doc);
  const note = `<< /Type /Annot /Subtype /Text /Rect [400 780 420 800] /Contents (${comment}) >>`;
  page.node.set(PDFName.of('Annots'), doc.context.obj([PDFRef.of(number)]));
  const pageBody = page.node.toString();
  return appendRevision(original, doc, [
    { number, body: Buffer.from(note, 'latin1') },
    { number: page.ref.objectNumber, body: Buffer.from(pageBody, 'latin1') },
  ]);
}

/** The next free object number: the original's trailer /Size also counts its cross-reference stream, which pdf-lib drops. */
function sizeOf(original: Buffer, doc: PDFDocument): number {
  const sizes = [...original.toString('latin1').matchAll(/\/Size (\d+)/g)].map((m) => Number(m[1]));
  return Math.max(doc.context.largestObjectNumber + 1, ...sizes);
}

/** Appends objects to a PDF as one incremental update: the objects, a cross-reference section, a trailer. */
function appendRevision(
  original: Buffer,
  doc: PDFDocument,
  objects: { number: number; body: Buffer }[],
): Buffer {
  const prev = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(original.toString('latin1'))?.[1]);
  const trailer = doc.context.trailerInfo;
  const parts: Buffer[] = [original, Buffer.from('\n', 'latin1')];
  let at = original.length + 1;
  const entries: string[] = [];
  for (const o of objects) {
    const bytes = Buffer.concat([
      Buffer.from(`${o.number} 0 obj\n`, 'latin1'),
      o.body,
      Buffer.from('\nendobj\n', 'latin1'),
    ]);
    entries.push(`${o.number} 1\n${String(at).padStart(10, '0')} 00000 n \n`);
    parts.push(bytes);
    at += bytes.length;
  }
  const size = Math.max(sizeOf(original, doc), ...objects.map((o) => o.number + 1));
  parts.push(
    Buffer.from(
      `xref\n0 1\n0000000000 65535 f \n${entries.join('')}` +
        `trailer\n<< /Size ${size} /Root ${trailer.Root} /Info ${trailer.Info} /Prev ${prev} >>\nstartxref\n${at}\n%%EOF\n`,
      'latin1',
    ),
  );
  return Buffer.concat(parts);
}

/** The PDF opened in a PDF editor and saved again: the editor names itself as Producer and stamps ModDate. */
export async function resavedBy(original: Buffer, producer: string, modified: Date): Promise<Buffer> {
  const doc = await PDFDocument.load(original, { updateMetadata: false });
  doc.setProducer(producer);
  doc.setModificationDate(modified);
  return Buffer.from(await doc.save());
}

/**
 * The classic amount edit: a white box drawn over the text `from` of line `lineIndex` (as {@link textPdf} places
 * it) on page 1, and `to` written on the box in the same font and size.
 */
export async function paintedOver(
  original: Buffer,
  line: string,
  lineIndex: number,
  from: string,
  to: string,
): Promise<Buffer> {
  const doc = await PDFDocument.load(original, { updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.getPages()[0]!;
  const y = 780 - lineIndex * 28;
  const x = 50 + font.widthOfTextAtSize(line.slice(0, line.indexOf(from)), 14);
  page.drawRectangle({
    x: x - 1,
    y: y - 4,
    width: font.widthOfTextAtSize(from, 14) + 2,
    height: 18,
    color: rgb(1, 1, 1),
  });
  page.drawText(to, { x, y, size: 14, font, color: rgb(0, 0, 0) });
  return Buffer.from(await doc.save());
}

/** A US earnings statement (pay stub) as payroll services print it: MM/DD/YYYY dates, $ amounts, FICA lines. */
export interface PayStubContent {
  employer: string;
  employee: string;
  periodBegin: string;
  periodEnd: string;
  checkDate: string;
  gross: string;
  net: string;
  ytdGross?: string;
  ytdNet?: string;
}

export function payStubLines(p: PayStubContent): string[] {
  return [
    p.employer,
    '1200 Congress Avenue, Austin, TX 78701',
    'Earnings Statement',
    `Employee: ${p.employee}   SSN: XXX-XX-6789`,
    `Pay period begin: ${p.periodBegin}   Pay period end: ${p.periodEnd}`,
    `Check date: ${p.checkDate}`,
    `Gross pay: $${p.gross}   YTD: $${p.ytdGross ?? p.gross}`,
    'Federal Income Tax: -$512.40   Social Security: -$202.69   Medicare: -$47.40',
    'State Income Tax: -$0.00   401(k): -$163.46',
    `Net pay: $${p.net}   YTD: $${p.ytdNet ?? p.net}`,
  ];
}

/** The employee's copy of a Form W-2: each box's caption on one line and its value under it. */
export interface W2Content {
  taxYear: string;
  ssn: string;
  ein: string;
  employer: string;
  employee: string;
  wages: string;
}

export function w2Lines(w: W2Content): string[] {
  return [
    `Form W-2 Wage and Tax Statement ${w.taxYear}`,
    "a Employee's social security number",
    w.ssn,
    'b Employer identification number (EIN)',
    w.ein,
    "c Employer's name, address, and ZIP code",
    w.employer,
    '1200 Congress Avenue, Austin, TX 78701',
    "e Employee's first name and initial   Last name",
    w.employee,
    '1 Wages, tips, other compensation   2 Federal income tax withheld',
    `${w.wages}   12,750.00`,
    '3 Social security wages   4 Social security tax withheld',
    `${w.wages}   5,270.00`,
    'Copy B-To Be Filed With Employee’s FEDERAL Tax Return',
  ];
}

/** An offer letter on the employer's letterhead, its terms set out as a list. */
export function offerLetterLines(o: {
  employer: string;
  employee: string;
  letterDate: string;
  jobTitle: string;
  startDate: string;
  salary: string;
}): string[] {
  return [
    o.employer,
    '1200 Congress Avenue, Austin, TX 78701',
    o.letterDate,
    `Dear ${o.employee},`,
    'Offer of Employment',
    `We are pleased to offer you employment with ${o.employer} on the terms below.`,
    `Employee name: ${o.employee}`,
    `Position: ${o.jobTitle}`,
    `Start date: ${o.startDate}`,
    `Annual base salary: $${o.salary}`,
    'This offer is contingent on verification of your eligibility to work in the United States.',
  ];
}
