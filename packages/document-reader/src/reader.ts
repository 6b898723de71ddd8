import type { ExtractedDocument, ExtractedField, ExtractedPerson } from '@openidv/domain';
import { type AamvaFields, parseAamvaPayload, readPdf417 } from './barcode/pdf417.ts';
import { decodeImage, type ImageErrorCode, type RgbImage, rotate90 } from './image.ts';
import type { MrzCorrection } from './mrz/correct.ts';
import { type MrzParse, mrzDate, parseMrz } from './mrz/parse.ts';
import { findMrz } from './mrz/read.ts';
import { cropPortrait, type FaceBox } from './portrait/face.ts';
import {
  sameDay,
  specimenMarks,
  type VizFields,
  type VizGuide,
  type VizLine,
  visualFields,
} from './viz/fields.ts';
import { readVisualZone } from './viz/read.ts';

export interface ReadOptions {
  /** Look for a PDF417 barcode (driving-licence backs). Default true. */
  barcode?: boolean;
  /** Look for the holder's portrait. Default true. */
  portrait?: boolean;
  /** OCR the printed page (names, dates, number, specimen marks). Default true. */
  visualZone?: boolean;
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

export interface VisualZone {
  /** Fields as printed on the page; with an MRZ or barcode, the printed counterpart of each of its fields. */
  fields: VizFields;
  /** Specimen marks printed or stamped on the page (SPECIMEN, MUSTER, SPÉCIMEN → SPECIMEN, …), folded. */
  specimenMarks: string[];
  /** How many text lines of the page were read. */
  linesRead: number;
  /** The lines read (personal data: for finding fields against another side's MRZ, not for logs). */
  lines: VizLine[];
}

export interface DocumentReading {
  /**
   * 'read': an MRZ or barcode was read; 'nothing-found': a readable image without MRZ or barcode (the
   * visual zone may still have given fields); 'invalid-image'.
   */
  status: 'read' | 'nothing-found' | 'invalid-image';
  error?: { code: ImageErrorCode; message: string };
  mrz?: MrzResult;
  barcode?: { format: 'PDF417'; aamva?: AamvaFields };
  visualZone?: VisualZone;
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
  let visualZone: VisualZone | undefined;
  if (options.visualZone !== false) {
    const flip = mrz ? ((search.reading?.quarterTurns ?? 0) - search.quarterTurns + 4) % 4 === 2 : false;
    const guide = guideOf(mrz, barcode?.aamva, now);
    const wanted = Object.entries(guide);
    const vizLines = await time('visualZone', () =>
      readVisualZone(search.image, search.lines, {
        flip,
        ...(mrz ? { mrz: search.reading?.geometry } : {}),
        // Once the page has shown every machine-read field as printed, the rest of it adds nothing to
        // compare (specimen stamps are large print, read first).
        ...(wanted.length
          ? {
              enough: (read) => {
                const f = visualFields(read, guide);
                return wanted.every(([k, v]) => f[k as keyof VizGuide]?.value === v);
              },
            }
          : {}),
      }),
    );
    visualZone = {
      fields: visualFields(vizLines, guide),
      specimenMarks: specimenMarks(vizLines),
      linesRead: vizLines.length,
      lines: vizLines,
    };
  }
  let portrait: DocumentReading['portrait'];
  if (options.portrait !== false) {
    portrait = await time('portrait', () => cropPortrait(upright).catch(() => undefined));
  }

  const { person, document } = toExtracted(mrz, barcode?.aamva, visualZone?.fields, now);
  // The MRZ's two-digit birth year guesses the century; the page prints all four digits.
  const printedBirth = visualZone?.fields.dateOfBirth?.value;
  if (person.dateOfBirth?.source === 'mrz' && printedBirth && printedBirth !== person.dateOfBirth.value) {
    if (sameDay(printedBirth, person.dateOfBirth.value)) person.dateOfBirth.value = printedBirth;
  }
  const found = mrz || barcode;
  return {
    status: found ? 'read' : 'nothing-found',
    ...(mrz ? { mrz } : {}),
    ...(barcode ? { barcode } : {}),
    ...(visualZone ? { visualZone } : {}),
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

/** The machine-readable fields the visual zone is read against. */
function guideOf(mrz: MrzResult | undefined, aamva: AamvaFields | undefined, now: Date): VizGuide {
  const guide: VizGuide = {};
  const put = (key: keyof VizGuide, value: string | undefined) => {
    if (value) guide[key] = value;
  };
  if (mrz) {
    const f = mrz.fields;
    put('lastName', f.lastName);
    put('firstName', f.firstName);
    put('dateOfBirth', f.birthDate ? mrzDate(f.birthDate, 'birth', now) : undefined);
    put('expiryDate', f.expirationDate ? mrzDate(f.expirationDate, 'expiry', now) : undefined);
    put('number', f.documentNumber);
  } else if (aamva) {
    put('lastName', aamva.lastName);
    put('firstName', aamva.firstName);
    put('dateOfBirth', aamva.dateOfBirth);
    put('expiryDate', aamva.expiryDate);
    put('number', aamva.documentNumber);
  }
  return guide;
}

/** Printed fields fill only what the MRZ and barcode did not give, and count for less (no check digits). */
const VIZ_WEIGHT = 0.6;

function toExtracted(
  mrz: MrzResult | undefined,
  aamva: AamvaFields | undefined,
  viz: VizFields | undefined,
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
  if (viz) {
    const vz = (f: { value: string; confidence: number } | undefined): ExtractedField | undefined =>
      f ? { value: f.value, source: 'visual-zone', confidence: f.confidence * VIZ_WEIGHT } : undefined;
    const fill = <K extends string>(
      target: Partial<Record<K, ExtractedField>>,
      key: K,
      v: ExtractedField | undefined,
    ) => {
      if (v && !target[key]) target[key] = v;
    };
    fill(person, 'lastName', vz(viz.lastName));
    fill(person, 'firstName', vz(viz.firstName));
    fill(person, 'dateOfBirth', vz(viz.dateOfBirth));
    fill(document, 'number', vz(viz.number));
    fill(document, 'expiryDate', vz(viz.expiryDate));
    fill(document, 'issueDate', vz(viz.issueDate));
  }
  return { person, document };
}
