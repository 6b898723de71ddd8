import { type ParseResult, parse as parseWithLibrary, states } from 'mrz';
import { type CheckDigitDef, checkHolds, guessFormat, type MrzFormat, TEMPLATES } from './templates.ts';

export interface MrzFields {
  documentCode: string;
  issuingState: string;
  lastName: string;
  firstName: string;
  documentNumber: string;
  nationality: string;
  /** YYMMDD as printed. */
  birthDate: string;
  sex: 'M' | 'F' | 'X';
  /** YYMMDD as printed. */
  expirationDate: string;
  personalNumber: string;
  /** YYMM, French national ID only. */
  issueDate: string;
}

export interface MrzParse {
  format: MrzFormat;
  lines: string[];
  /** Every check digit holds. */
  checkDigitsValid: boolean;
  checks: { name: CheckDigitDef['name']; valid: boolean }[];
  fields: Partial<MrzFields>;
  /** Other problems the `mrz` parser reported (unknown state code, bad document code, bad date...). */
  problems: string[];
  /** Issuing state or nationality is ICAO's fictional specimen state "UTO". */
  specimenState: boolean;
  /** The `mrz` package's own result (TD1, TD2, TD3, French ID), for callers who want its details. */
  library?: ParseResult;
}

/** The `mrz` package rejects ICAO's specimen state; this stands in for it while parsing. */
const SPECIMEN_STATE = 'UTO';
const STAND_IN = 'NLD';

const STATE_POSITIONS: Record<MrzFormat, [number, number][]> = {
  TD1: [
    [0, 2],
    [1, 15],
  ],
  TD2: [
    [0, 2],
    [1, 10],
  ],
  TD3: [
    [0, 2],
    [1, 10],
  ],
  MRVA: [
    [0, 2],
    [1, 10],
  ],
  MRVB: [
    [0, 2],
    [1, 10],
  ],
  FRENCH_ID: [],
};

/**
 * Parses MRZ lines of any ICAO 9303 layout (TD1, TD2, TD3, MRV-A, MRV-B) and the French national ID.
 * Throws only for input that is not an MRZ shape at all (wrong line count or length).
 */
export function parseMrz(input: readonly string[]): MrzParse {
  const lines = input.map((l) => l.trim().toUpperCase());
  const format = guessFormat(lines);
  const t = format ? TEMPLATES[format] : undefined;
  if (!format || !t || lines.some((l) => l.length !== t.lineLength)) {
    throw new Error(
      `not an MRZ: ${lines.length} lines of ${lines.map((l) => l.length).join('/')} characters`,
    );
  }
  const checks = t.checks.map((def) => ({ name: def.name, valid: checkHolds(lines, def) }));
  const checkDigitsValid = checks.every((c) => c.valid);

  let specimenState = false;
  const patched = [...lines];
  for (const [l, s] of STATE_POSITIONS[format]) {
    if (patched[l]!.slice(s, s + 3) === SPECIMEN_STATE) {
      specimenState = true;
      patched[l] = patched[l]!.slice(0, s) + STAND_IN + patched[l]!.slice(s + 3);
    }
  }
  const restore = (v: string | null | undefined) =>
    specimenState && v === STAND_IN ? SPECIMEN_STATE : (v ?? '');

  if (format === 'MRVA' || format === 'MRVB') {
    const fields = visaFields(lines);
    const problems: string[] = [];
    for (const [label, code] of [
      ['issuing state', fields.issuingState],
      ['nationality', fields.nationality],
    ] as const) {
      if (code && code !== SPECIMEN_STATE && !isKnownState(code)) problems.push(`invalid ${label}: ${code}`);
    }
    return { format, lines, checkDigitsValid, checks, fields, problems, specimenState };
  }

  const library = parseWithLibrary(patched);
  const f = library.fields;
  const fields: Partial<MrzFields> = {
    documentCode: f.documentCode ?? lines[0]!.slice(0, 2).replace(/</g, ''),
    issuingState: restore(f.issuingState),
    lastName: f.lastName ?? '',
    firstName: f.firstName ?? '',
    documentNumber: library.documentNumber ?? f.documentNumber ?? '',
    nationality: restore(f.nationality),
    birthDate: f.birthDate ?? '',
    sex: f.sex === 'male' ? 'M' : f.sex === 'female' ? 'F' : 'X',
    expirationDate: f.expirationDate ?? '',
    personalNumber: f.personalNumber ?? f.optional1 ?? '',
  };
  if (format === 'FRENCH_ID') {
    fields.issueDate = f.issueDate ?? '';
    fields.nationality = 'FRA';
    // The French ID has no expiry in its MRZ (valid 10/15 years from issue); leave it to the caller.
    delete fields.expirationDate;
  }
  const problems = library.details
    .filter((d) => !d.valid && d.error && !/check digit/.test(d.error))
    .map((d) => `${d.label}: ${d.error}`);
  return { format, lines, checkDigitsValid, checks, fields, problems, specimenState, library };
}

function isKnownState(code: string): boolean {
  return Object.hasOwn(states as Record<string, string>, code);
}

function visaFields(lines: string[]): Partial<MrzFields> {
  const [l1, l2] = lines as [string, string];
  const names = splitNames(l1.slice(5));
  const sex = l2[20];
  return {
    documentCode: l1.slice(0, 2).replace(/</g, ''),
    issuingState: l1.slice(2, 5).replace(/</g, ''),
    lastName: names.lastName,
    firstName: names.firstName,
    documentNumber: l2.slice(0, 9).replace(/</g, ''),
    nationality: l2.slice(10, 13).replace(/</g, ''),
    birthDate: l2.slice(13, 19),
    sex: sex === 'M' ? 'M' : sex === 'F' ? 'F' : 'X',
    expirationDate: l2.slice(21, 27),
    personalNumber: l2.slice(28).replace(/<+$/, '').replace(/</g, ' ').trim(),
  };
}

export function splitNames(field: string): { lastName: string; firstName: string } {
  const [last = '', ...rest] = field.split('<<');
  const clean = (s: string) => s.replace(/</g, ' ').replace(/\s+/g, ' ').trim();
  return { lastName: clean(last), firstName: clean(rest.join(' ')) };
}

/** YYMMDD → YYYY-MM-DD. Birth dates take the century that puts them in the past; expiry dates up to 50 years on. */
export function mrzDate(yymmdd: string, kind: 'birth' | 'expiry' | 'issue', now: Date): string | undefined {
  if (!/^\d{6}$/.test(yymmdd)) return undefined;
  const yy = Number(yymmdd.slice(0, 2));
  const mm = Number(yymmdd.slice(2, 4));
  const dd = Number(yymmdd.slice(4, 6));
  if (mm < 1 || mm > 12 || dd < 1 || dd > 31) return undefined;
  const thisYear = now.getUTCFullYear();
  let year = 2000 + yy;
  if (kind === 'birth' || kind === 'issue') {
    if (year > thisYear) year -= 100;
  } else if (year > thisYear + 50) year -= 100;
  const iso = `${year}-${String(mm).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
  const d = new Date(`${iso}T00:00:00Z`);
  if (d.getUTCDate() !== dd) return undefined;
  return iso;
}
