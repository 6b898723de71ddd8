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
