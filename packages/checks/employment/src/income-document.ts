import type { Reason } from '@openidv/domain';
import anyAscii from 'any-ascii';
import { findAmounts, findDates, type IncomeDocumentFields, readFields } from './document-fields.ts';
import { type DocumentLine, type DocumentTextError, readDocumentText } from './document-text.ts';
import { PDF_EDIT_CODES } from './pdf-edits.ts';

/** A flag on a document: a reason, with what was found when the reason rests on the file's own records. */
export type DocumentFlag = Reason & { evidence?: Record<string, unknown> };

export interface IncomeDocumentReading {
  source: 'pdf-text' | 'ocr';
  pages: number;
  fields: IncomeDocumentFields;
  /** What is wrong with the document, if anything; empty when it looks sound. */
  flags: DocumentFlag[];
}

export interface ReadIncomeDocumentOptions {
  now: Date;
  /** The candidate: a document naming someone else is flagged. */
  expectedName?: { firstName?: string | undefined; lastName?: string | undefined } | undefined;
  /** Dates up to this many days ahead are tolerated (a payslip issued before pay day). */
  futureToleranceDays?: number;
}

export const FLAG_CODES = {
  OTHER_PERSON: 'EMPLOYMENT_DOCUMENT_OTHER_PERSON',
  EDITED: 'EMPLOYMENT_DOCUMENT_EDITED',
  FUTURE_DATE: 'EMPLOYMENT_DOCUMENT_FUTURE_DATE',
  PDF_UPDATED: PDF_EDIT_CODES.UPDATED,
  PDF_EDITOR: PDF_EDIT_CODES.EDITOR,
  PDF_MODIFIED: PDF_EDIT_CODES.MODIFIED,
  TEXT_OVERLAID: PDF_EDIT_CODES.OVERLAID,
} as const;

/** Reads a payslip or pay stub, P60, W-2, contract or letter, bank statement or SA302 and flags what makes it untrustworthy. */
export async function readIncomeDocument(
  bytes: Buffer,
  mimeType: string,
  options: ReadIncomeDocumentOptions,
): Promise<{ ok: true; reading: IncomeDocumentReading } | { ok: false; error: DocumentTextError }> {
  const read = await readDocumentText(bytes, mimeType);
  if (!read.ok) return read;
  const { text } = read;
  const fields = readFields(text.lines, text.source);
  const flags: DocumentFlag[] = [];

  const person = options.expectedName;
  if (person?.lastName && fields.employeeName && !sameName(fields.employeeName.value, person)) {
    flags.push({
      code: FLAG_CODES.OTHER_PERSON,
      message: `The document is made out to "${fields.employeeName.value}", not to the candidate.`,
    });
  }

  for (const page of text.pictured) {
    const diff = differences(page.textLayer, page.picture);
    if (diff.length) {
      flags.push({
        code: FLAG_CODES.EDITED,
        message: `Page ${page.page}: the PDF's text does not match its image (${diff.slice(0, 3).join('; ')}).`,
      });
    }
  }

  for (const edit of text.edits)
    flags.push({ code: edit.code, message: edit.message, evidence: edit.evidence });

  const tolerance = (options.futureToleranceDays ?? 1) * 86_400_000;
  const limit = new Date(options.now.getTime() + tolerance).toISOString().slice(0, 10);
  // A contract's start and end may lie ahead (a fixed term, a job not started yet); every other date is history.
  const ahead = new Set([fields.startDate?.value, fields.endDate?.value]);
  const future = [...new Set(fields.dates.map((d) => d.value).filter((d) => d > limit && !ahead.has(d)))];
  if (future.length) {
    flags.push({
      code: FLAG_CODES.FUTURE_DATE,
      message: `The document is dated in the future (${future.slice(0, 3).join(', ')}).`,
    });
  }
  return { ok: true, reading: { source: text.source, pages: text.pages, fields, flags } };
}

function tokens(name: string): string[] {
  return anyAscii(name.normalize('NFC'))
    .toUpperCase()
    .replace(/[^A-Z]+/g, ' ')
    .trim()
    .split(' ')
    .filter((t) => t && !['MR', 'MRS', 'MS', 'MISS', 'DR'].includes(t));
}

/** Every part of the surname appears, and the first name appears whole or as an initial. */
export function sameName(
  printed: string,
  person: { firstName?: string | undefined; lastName?: string | undefined },
): boolean {
  const got = tokens(printed);
  const last = tokens(person.lastName ?? '');
  if (!last.every((t) => got.includes(t))) return false;
  const first = tokens(person.firstName ?? '')[0];
  if (!first) return true;
  return got.some((t) => t === first || (t.length === 1 && t === first[0]));
}

/**
 * The figures (amounts and dates) the text layer and the picture of the page disagree on. Words are left out:
 * OCR misreads letters far more often than digits, and an edit worth making changes a figure.
 */
function differences(textLayer: DocumentLine[], picture: DocumentLine[]): string[] {
  const figures = (lines: DocumentLine[]) => {
    const all = lines.map((l) => l.text).join('\n');
    return new Set([...findAmounts(all).map((a) => a.toFixed(2)), ...findDates(all)]);
  };
  const text = figures(textLayer);
  const seen = figures(picture);
  const out: string[] = [];
  for (const f of text) if (!seen.has(f)) out.push(`text says ${f}, not in the image`);
  for (const f of seen) if (!text.has(f)) out.push(`image shows ${f}, not in the text`);
  return out;
}
