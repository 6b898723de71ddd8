import type { ExtractedDocument, ExtractedField, ExtractedPerson } from '@openidv/domain';
import { type AamvaFields, parseAamvaPayload, readPdf417 } from './barcode/pdf417.ts';
import { decodeImage, type ImageErrorCode, type RgbImage, rotate90 } from './image.ts';
import type { MrzCorrection } from './mrz/correct.ts';
import { type MrzParse, mrzDate, parseMrz } from './mrz/parse.ts';
import { findMrz } from './mrz/read.ts';
import { cropPortrait, type FaceBox } from './portrait/face.ts';

export interface ReadOptions {
  /** Look for a PDF417 barcode (driving-licence backs). Default true. */
  barcode?: boolean;
  /** Look for the holder's portrait. Default true. */
  portrait?: boolean;
  /** Reference date for two-digit years. Default: now. */
  now?: Date;
}

export interface MrzResult {
  format: MrzParse['format'];
  /** The MRZ as read and corrected, '<' fillers included. */
  lines: string[];
  /** What the OCR saw before correction. */
  rawLines: string[];
  checkDigitsValid: boolean;
  checks: MrzParse['checks'];
  corrections: MrzCorrection[];
  /** Mean OCR probability of the MRZ characters. */
  confidence: number;
  problems: string[];
  specimenState: boolean;
  fields: MrzParse['fields'];
}

export interface DocumentReading {
  /** 'read': something was extracted; 'nothing-found': a readable image without MRZ or barcode; 'invalid-image'. */
  status: 'read' | 'nothing-found' | 'invalid-image';
  error?: { code: ImageErrorCode; message: string };
  mrz?: MrzResult;
  barcode?: { format: 'PDF417'; aamva?: AamvaFields };
  person: ExtractedPerson;
  document: ExtractedDocument;
  portrait?: { jpeg: Buffer; box: FaceBox };
  /** Quarter turns clockwise that made the document upright. */
  orientation: number;
  timingsMs: Record<string, number>;
}

/**
 * Reads an identity document from image bytes: MRZ (any ICAO 9303 format), PDF417 (AAMVA) and the
 * portrait. Never throws for bad input: undecodable, truncated, oversized images and PDFs come back
 * as `status: 'invalid-image'` with a stable error code.
 */
export async function readDocument(bytes: Buffer, options: ReadOptions = {}): Promise<DocumentReading> {
  const now = options.now ?? new Date();
  const timingsMs: Record<string, number> = {};
  const time = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await f();
    } finally {
      timingsMs[name] = Math.round(performance.now() - t);
    }
  };
  const decoded = await time('decode', () => decodeImage(bytes));
  if (!decoded.ok) {
    return {
      status: 'invalid-image',
      error: { code: decoded.code, message: decoded.message },
      person: {},
      document: {},
      orientation: 0,
      timingsMs,
    };
  }
  const search = await time('mrz', () => findMrz(decoded.image));
  let mrz: MrzResult | undefined;
  if (search.reading) {
    try {
      const parsed = parseMrz(search.reading.lines);
      mrz = {
        format: parsed.format,
        lines: parsed.lines,
        rawLines: search.reading.rawLines,
        checkDigitsValid: parsed.checkDigitsValid,
        checks: parsed.checks,
        corrections: search.reading.corrections,
        confidence: search.reading.confidence,
        problems: parsed.problems,
        specimenState: parsed.specimenState,
        fields: parsed.fields,
      };
    } catch {
      mrz = undefined;
    }
  }
  const orientation = mrz ? (search.reading?.quarterTurns ?? 0) : 0;
  const upright: RgbImage = orientation ? rotate90(decoded.image, orientation) : decoded.image;

  let barcode: DocumentReading['barcode'];
  if (options.barcode !== false && !mrz) {
    // A decoder failure must not lose the rest of the reading.
    const text = await time('barcode', () => readPdf417(decoded.image).catch(() => undefined));
    if (text) barcode = { format: 'PDF417', aamva: parseAamvaPayload(text) };
  }
  let portrait: DocumentReading['portrait'];
  if (options.portrait !== false) {
    portrait = await time('portrait', () => cropPortrait(upright).catch(() => undefined));
  }

  const { person, document } = toExtracted(mrz, barcode?.aamva, now);
  const found = mrz || barcode;
  return {
    status: found ? 'read' : 'nothing-found',
    ...(mrz ? { mrz } : {}),
    ...(barcode ? { barcode } : {}),
    ...(portrait ? { portrait } : {}),
    person,
    document,
    orientation,
    timingsMs,
  };
}

const DOC_TYPES: Record<string, NonNullable<ExtractedDocument['type']>['value']> = {
  P: 'passport',
  V: 'visa',
  I: 'id_card',
  A: 'id_card',
  C: 'id_card',
};

function docType(code: string, format: MrzParse['format']): NonNullable<ExtractedDocument['type']>['value'] {
  if (format === 'FRENCH_ID') return 'id_card';
  // Residence permits carry I/A/C with a second letter that issuers use for the permit (e.g. IR, AR, RP).
  if (/^(IR|AR|CR|RP|IT)$/.test(code) || code.startsWith('R')) return 'residence_permit';
  return DOC_TYPES[code[0] ?? ''] ?? 'other';
}

function toExtracted(
  mrz: MrzResult | undefined,
  aamva: AamvaFields | undefined,
  now: Date,
): { person: ExtractedPerson; document: ExtractedDocument } {
  const person: ExtractedPerson = {};
  const document: ExtractedDocument = {};
  if (mrz) {
    const f = mrz.fields;
    const check = (name: string) => mrz.checks.find((c) => c.name === name)?.valid;
    // A field whose check digit holds is far more certain than the raw OCR probability says.
    const conf = (checked?: boolean) =>
      checked === true
        ? 1 - (1 - mrz.confidence) / 10
        : checked === false
          ? mrz.confidence * 0.5
          : mrz.confidence;
    const field = <T>(value: T | undefined, confidence: number): ExtractedField<T> | undefined =>
      value === undefined || value === '' ? undefined : { value, source: 'mrz', confidence };
    const set = <K extends string, T>(
      target: Partial<Record<K, ExtractedField<T>>>,
      key: K,
      v: ExtractedField<T> | undefined,
    ) => {
      if (v) target[key] = v;
    };
    set(person, 'lastName', field(f.lastName, conf()));
    set(person, 'firstName', field(f.firstName, conf()));
    set(
      person,
      'dateOfBirth',
      field(f.birthDate ? mrzDate(f.birthDate, 'birth', now) : undefined, conf(check('birthDate'))),
    );
    set(person, 'sex', field(f.sex, conf()));
    set(person, 'nationality', field(f.nationality, conf()));
    set(person, 'personalNumber', field(f.personalNumber || undefined, conf(check('personalNumber'))));
    set(document, 'number', field(f.documentNumber, conf(check('documentNumber'))));
    set(document, 'type', field(docType(f.documentCode ?? '', mrz.format), conf()));
    set(document, 'country', field(f.issuingState, conf()));
    set(
      document,
      'expiryDate',
      field(
        f.expirationDate ? mrzDate(f.expirationDate, 'expiry', now) : undefined,
        conf(check('expirationDate')),
      ),
    );
    document.mrz = { value: mrz.lines, source: 'mrz', confidence: mrz.confidence };
  }
  if (aamva) {
    // A decoded PDF417 has its own error correction: what it says is what was encoded.
    const bc = <T>(value: T | undefined): ExtractedField<T> | undefined =>
      value === undefined ? undefined : { value, source: 'barcode', confidence: 0.99 };
    const put = <K extends string, T>(
      target: Partial<Record<K, ExtractedField<T>>>,
      key: K,
      v: ExtractedField<T> | undefined,
    ) => {
      if (v && !target[key]) target[key] = v;
    };
    const first = [aamva.firstName, aamva.middleName].filter(Boolean).join(' ') || undefined;
    put(person, 'firstName', bc(first));
    put(person, 'lastName', bc(aamva.lastName));
    put(person, 'dateOfBirth', bc(aamva.dateOfBirth));
    put(person, 'sex', bc(aamva.sex));
    put(document, 'number', bc(aamva.documentNumber));
    put(document, 'type', bc<NonNullable<ExtractedDocument['type']>['value']>('driving_licence'));
    put(document, 'country', bc(aamva.country));
    put(document, 'expiryDate', bc(aamva.expiryDate));
    put(document, 'issueDate', bc(aamva.issueDate));
  }
  return { person, document };
}
