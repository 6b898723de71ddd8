import type { Session } from '@openidv/domain';
import type { PDFDocument, PDFFont, PDFPage, RGB } from 'pdf-lib';
import type { EmploymentResult } from './employment-result.ts';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;
const STATUS_LABEL = { verified: 'Verified', partly_verified: 'Partly verified', unverified: 'Unverified' };
// pdf-lib is loaded on the first report: it costs over a second of start-up otherwise, for every CLI command.
const pdfLib = () => import('pdf-lib');
const COLOUR = {
  text: [0.1, 0.1, 0.1],
  muted: [0.35, 0.35, 0.35],
  rule: [0.7, 0.7, 0.7],
  verified: [0.1, 0.5, 0.2],
  partly_verified: [0.75, 0.45, 0],
  unverified: [0.7, 0.1, 0.1],
} as const;
type Colour = keyof typeof COLOUR;

/**
 * The standard PDF fonts only encode Windows-1252: accents are folded (Zoë → Zoe when needed) and anything else
 * becomes "?", rather than failing the whole report on one name.
 */
function printable(font: PDFFont, text: string): string {
  try {
    font.encodeText(text);
    return text;
  } catch {
    return [...text]
      .map((c) => {
        try {
          font.encodeText(c);
          return c;
        } catch {
          const folded = c.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
          return folded && folded !== c ? folded : '?';
        }
      })
      .join('');
  }
}

class Writer {
  page: PDFPage;
  y: number;
  readonly doc: PDFDocument;
  readonly font: PDFFont;
  readonly bold: PDFFont;
  readonly #rgb: (r: number, g: number, b: number) => RGB;
  constructor(doc: PDFDocument, font: PDFFont, bold: PDFFont, rgb: (r: number, g: number, b: number) => RGB) {
    this.#rgb = rgb;
    this.doc = doc;
    this.font = font;
    this.bold = bold;
    this.page = doc.addPage(A4);
    this.y = A4[1] - MARGIN;
  }
  line(text: string, opts: { size?: number; bold?: boolean; colour?: Colour; indent?: number } = {}) {
    const size = opts.size ?? 10;
    const font = opts.bold ? this.bold : this.font;
    const x = MARGIN + (opts.indent ?? 0);
    const width = A4[0] - MARGIN - x;
    for (const part of wrap(font, printable(font, text), size, width)) {
      if (this.y < MARGIN + size) {
        this.page = this.doc.addPage(A4);
        this.y = A4[1] - MARGIN;
      }
      this.page.drawText(part, {
        x,
        y: this.y - size,
        size,
        font,
        color: this.colour(opts.colour ?? 'text'),
      });
      this.y -= size * 1.45;
    }
  }
  colour(name: Colour): RGB {
    const [r, g, b] = COLOUR[name];
    return this.#rgb(r, g, b);
  }
  gap(h = 8) {
    this.y -= h;
  }
  rule() {
    this.page.drawLine({
      start: { x: MARGIN, y: this.y },
      end: { x: A4[0] - MARGIN, y: this.y },
      thickness: 0.5,
      color: this.colour('rule'),
    });
    this.y -= 10;
  }
}

function wrap(font: PDFFont, text: string, size: number, width: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/)) {
    const next = current ? `${current} ${word}` : word;
    if (current && font.widthOfTextAtSize(next, size) > width) {
      out.push(current);
      current = word;
    } else current = next;
  }
  out.push(current);
  return out;
}

/** An amount, with its currency code where the declaration or the evidence gives one. */
const money = (n: number | null | undefined, currency?: string | null) =>
  n === null || n === undefined
    ? '-'
    : `${currency ? `${currency} ` : ''}${n.toLocaleString('en-GB', {
        minimumFractionDigits: Number.isInteger(n) ? 0 : 2,
        maximumFractionDigits: 2,
      })}`;

/** The report a business downloads: the comparison with the declaration, the timeline and its evidence. */
export async function renderEmploymentReport(
  session: Session,
  result: EmploymentResult,
  businessName: string,
): Promise<Buffer> {
  const { PDFDocument, StandardFonts, rgb } = await pdfLib();
  const doc = await PDFDocument.create();
  doc.setTitle(`Employment verification ${session.id}`);
  doc.setProducer('openidv');
  doc.setCreationDate(new Date(result.computedAt));
  const w = new Writer(
    doc,
    await doc.embedFont(StandardFonts.Helvetica),
    await doc.embedFont(StandardFonts.HelveticaBold),
    rgb,
  );

  w.line(session.type === 'income' ? 'Income verification report' : 'Employment verification report', {
    size: 18,
    bold: true,
  });
  w.line(
    `For ${businessName} - session ${session.id}${session.vendorData ? ` (${session.vendorData})` : ''}`,
  );
  w.line(`Computed ${result.computedAt.slice(0, 16).replace('T', ' ')} UTC`, { colour: 'muted' });
  w.gap();
  w.rule();

  w.line('Declared history compared with the evidence', { size: 13, bold: true });
  w.gap(4);
  for (const c of result.comparison) {
    const d = result.declared.find((x) => x.id === c.declaredId);
    w.line(`${c.employer}  -  ${STATUS_LABEL[c.status]}`, { bold: true, colour: c.status });
    if (d) {
      w.line(
        `Declared ${d.startDate} to ${d.endDate ?? 'now'}${d.jobTitle ? `, ${d.jobTitle}` : ''}${d.annualIncome !== undefined ? `, ${money(d.annualIncome, d.currency)} a year` : ''}`,
        { indent: 12 },
      );
    }
    for (const diff of c.differences) w.line(`- ${diff}`, { indent: 12 });
    const sources = c.evidence.flatMap((i) => result.timeline[i]?.sources ?? []);
    if (sources.length) {
      w.line(
        `Evidence: ${sources.map((s) => (s.kind === 'connector' ? `data source ${s.sourceName}` : `${s.documentKind} ${s.mediaId}`)).join(', ')}`,
        { indent: 12, colour: 'muted' },
      );
    }
    w.gap(4);
  }
  const undeclared = result.undeclared.flatMap((i) => result.timeline[i] ?? []);
  if (undeclared.length) {
    w.line('Shown by the evidence but not declared', { size: 13, bold: true });
    for (const u of undeclared) {
      w.line(`${u.employer}, ${u.startDate ?? '?'} to ${u.endDate ?? '?'}`, {
        indent: 12,
        colour: 'partly_verified',
      });
    }
    w.gap(4);
  }
  if (result.gaps.length) {
    w.line(`Gaps longer than ${result.maxGapDays} days`, { size: 13, bold: true });
    for (const g of result.gaps) w.line(`${g.from} to ${g.to}: ${g.days} days`, { indent: 12 });
  } else {
    w.line(`No gaps longer than ${result.maxGapDays} days in the declared history.`);
  }
  w.gap();
  w.rule();

  w.line('Timeline of verified employment and income', { size: 13, bold: true });
  w.gap(4);
  if (!result.timeline.length) w.line('Nothing was verified.');
  for (const item of result.timeline) {
    w.line(
      `${item.startDate ?? '?'} to ${item.endDate ?? '?'}   ${item.employer}${item.jobTitle ? `, ${item.jobTitle}` : ''}`,
      {
        bold: true,
      },
    );
    w.line(
      `Annual gross ${money(item.annualGross, item.currency)}; ${item.payments.length} payment(s)${item.payments.length ? `, last ${item.payments.at(-1)!.date} net ${money(item.payments.at(-1)!.net, item.currency)}` : ''}; confidence ${item.confidence.toFixed(2)}`,
      { indent: 12 },
    );
    w.gap(3);
  }
  const flagged = result.documents.filter((d) => d.flags.length);
  if (flagged.length) {
    w.gap();
    w.rule();
    w.line('Documents flagged', { size: 13, bold: true });
    for (const d of flagged) {
      for (const f of d.flags)
        w.line(`${d.kind} ${d.mediaId}: ${f.message}`, { indent: 12, colour: 'unverified' });
    }
  }
  const failed = result.connections.filter((c) => c.status === 'failed');
  if (failed.length) {
    w.gap();
    w.line('Data sources that failed', { size: 13, bold: true });
    for (const c of failed) w.line(`${c.sourceName}: ${c.errorCode ?? 'error'}`, { indent: 12 });
  }
  return Buffer.from(await doc.save());
}
