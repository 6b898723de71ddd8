import { distance } from 'fastest-levenshtein';

/**
 * Fields of the visual inspection zone (the printed page) from its OCR lines: names under their
 * labels, dates, the document number, and words that mark a specimen. With the machine-readable
 * reading as a guide, each field is the printed text that corresponds to it, so a difference between
 * the two can be reported; without one, the page alone gives the fields (less surely).
 */
export interface VizLine {
  text: string;
  /** Mean probability of the line's characters. */
  confidence: number;
  /** Centre and size in the upright page, for the label → value layout. */
  cx: number;
  cy: number;
  length: number;
  thickness: number;
}

export interface VizField {
  value: string;
  confidence: number;
}

export interface VizFields {
  lastName?: VizField;
  firstName?: VizField;
  /** YYYY-MM-DD */
  dateOfBirth?: VizField;
  expiryDate?: VizField;
  issueDate?: VizField;
  number?: VizField;
}

/** What the MRZ or barcode says, to find the same fields on the page. */
export interface VizGuide {
  lastName?: string;
  firstName?: string;
  dateOfBirth?: string;
  expiryDate?: string;
  number?: string;
}

/** Upper case, diacritics off (SPÉCIMEN → SPECIMEN, NÄIDIS → NAIDIS), for comparing printed words. */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toUpperCase();
}

/**
 * "Specimen" in the languages of the documents that carry it (English/French/Romanian, German,
 * Spanish/Portuguese, Estonian, Hungarian, Polish, Czech/Slovak, Slovenian, Italian, Finnish, Latvian,
 * Lithuanian, Croatian/Serbian, Greek, Russian/Bulgarian), and the US "sample"/"void" marks.
 */
const SPECIMEN_WORDS = new Set([
  'SPECIMEN',
  'SPECIMENE',
  'ESPECIMEN',
  'MUSTER',
  'MODELO',
  'MUESTRA',
  'NAIDIS',
  'MINTA',
  'WZOR',
  'VZOR',
  'VZOREC',
  'CAMPIONE',
  'MALLI',
  'PARAUGS',
  'PAVYZDYS',
  'UZORAK',
  'ΔΕΙΓΜΑ',
  'ОБРАЗЕЦ',
  'SAMPLE',
  'VOID',
]);

/** Specimen marks in the page's text, as printed (folded). A long word may have one character misread. */
export function specimenMarks(lines: VizLine[]): string[] {
  const found = new Set<string>();
  for (const line of lines) {
    for (const word of fold(line.text).split(/[^\p{L}]+/u)) {
      if (word.length < 4) continue;
      if (SPECIMEN_WORDS.has(word)) found.add(word);
      else if (word.length >= 7) {
        for (const w of SPECIMEN_WORDS) {
          if (w.length >= 7 && Math.abs(w.length - word.length) <= 1 && distance(w, word) <= 1) found.add(w);
        }
      }
    }
  }
  return [...found];
}

const MONTHS: Record<string, number> = {};
for (const [m, names] of [
  [1, 'JAN JANV JANUAR ENE GEN JANVIER'],
  [2, 'FEB FEV FEVR FEBR'],
  [3, 'MAR MARS MAERZ MRZ'],
  [4, 'APR AVR ABR APRIL'],
  [5, 'MAY MAI MAG MAJ'],
  [6, 'JUN JUIN GIU JUNI'],
  [7, 'JUL JUIL LUG JULI'],
  [8, 'AUG AOUT AGO AOU'],
  [9, 'SEP SEPT SET'],
  [10, 'OCT OKT OTT OUT'],
  [11, 'NOV'],
  [12, 'DEC DEZ DIC DES'],
] as const) {
  for (const n of names.split(' ')) MONTHS[n] = m;
}

interface FoundDate {
  iso: string;
  /** Printed with a two-digit year: the century is a guess. */
  twoDigitYear?: boolean;
  /** Other reading of an ambiguous numeric date (day and month swapped, as US documents print). */
  alt?: string;
  confidence: number;
}

function iso(y: number, m: number, d: number): string | undefined {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2100) return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCDate() !== d) return undefined;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Dates printed on a line: 12.05.1982, 12/05/1982, 12 05 1982, 12 MAY/MAI 1982, 1982-05-12. */
export function datesIn(text: string): Omit<FoundDate, 'confidence'>[] {
  const t = fold(text).replace(/[Oo](?=\d)|(?<=\d)[Oo]/g, '0');
  const out: Omit<FoundDate, 'confidence'>[] = [];
  for (const m of t.matchAll(/\b(\d{1,2})\s*[./\- ]\s*(\d{1,2})\s*[./\- ]\s*(\d{4})\b/g)) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    const y = Number(m[3]);
    const dmy = iso(y, b, a);
    const mdy = iso(y, a, b);
    if (dmy) out.push(mdy && mdy !== dmy ? { iso: dmy, alt: mdy } : { iso: dmy });
    else if (mdy) out.push({ iso: mdy });
  }
  for (const m of t.matchAll(
    /\b(\d{1,2})\s*[./\- ]?\s*([A-Z]{3,8})(?:\s*\/\s*[A-Z]{3,8})?\s*[./\- ]?\s*(\d{4}|\d{2})\b/g,
  )) {
    const month = MONTHS[m[2]!] ?? MONTHS[m[2]!.slice(0, 4)] ?? MONTHS[m[2]!.slice(0, 3)];
    // Passports print "12 AUG/AOUT 74": a two-digit year is taken within 20 years ahead, else last century.
    const twoDigitYear = m[3]!.length === 2;
    const yy = Number(m[3]);
    const year = twoDigitYear ? (yy <= (new Date().getUTCFullYear() % 100) + 20 ? 2000 : 1900) + yy : yy;
    const d = month ? iso(year, month, Number(m[1])) : undefined;
    if (d) out.push(twoDigitYear ? { iso: d, twoDigitYear } : { iso: d });
  }
  for (const m of t.matchAll(/\b(\d{4})-(\d{2})-(\d{2})\b/g)) {
    const d = iso(Number(m[1]), Number(m[2]), Number(m[3]));
    if (d) out.push({ iso: d });
  }
  return out;
}

const SURNAME_LABELS = [
  'SURNAME',
  'NOM',
  'NAME',
  'APELLIDOS',
  'APELLIDO',
  'COGNOME',
  'NACHNAME',
  'FAMILIENNAME',
  'ACHTERNAAM',
  'NAZWISKO',
  'PRIJMENI',
  'SOBRENOME',
  'EFTERNAVN',
  'EFTERNAMN',
  'SUKUNIMI',
  'PEREKONNANIMI',
];
const GIVEN_LABELS = [
  'GIVEN NAMES',
  'GIVEN NAME',
  'FIRST NAME',
  'FIRST NAMES',
  'FORENAMES',
  'PRENOMS',
  'PRENOM',
  'VORNAMEN',
  'VORNAME',
  'NOMBRE',
  'NOMBRES',
  'NOME',
  'VOORNAMEN',
  'IMIONA',
  'JMENO',
  'JMENA',
  'FORNAVN',
  'FORNAMN',
  'ETUNIMET',
  'EESNIMED',
];

function hasLabel(text: string, labels: string[]): boolean {
  const words = ` ${fold(text)
    .replace(/[^A-Z]+/g, ' ')
    .trim()} `;
  return labels.some((l) => words.includes(` ${l} `));
}

/** A label line holds words only, no value; the value is printed just under it (or after a colon). */
function valueUnder(label: VizLine, lines: VizLine[]): VizField | undefined {
  const colon = label.text.indexOf(':');
  if (colon >= 0) {
    const rest = label.text.slice(colon + 1).trim();
    if (/\p{L}{2}/u.test(rest)) return { value: rest, confidence: label.confidence };
  }
  const left = label.cx - label.length / 2;
  const below = lines
    .filter(
      (l) => l !== label && l.cy > label.cy && l.cy - label.cy < 3 * Math.max(label.thickness, l.thickness),
    )
    .filter((l) => Math.abs(l.cx - l.length / 2 - left) < 2 * label.thickness)
    .sort((a, b) => a.cy - b.cy);
  const value = below[0];
  // A name in another script (a Chinese name under the label, above its Latin spelling) is not the MRZ's.
  if (!value || isLabel(value) || !/[A-Z]{2}/.test(fold(value.text))) return undefined;
  return { value: value.text.trim(), confidence: value.confidence };
}

function isLabel(line: VizLine): boolean {
  return hasLabel(line.text, SURNAME_LABELS) || hasLabel(line.text, GIVEN_LABELS);
}

/** Letters only, for comparing a name as printed with the MRZ's (hyphens, spaces, accents dropped). */
function letters(s: string): string {
  return fold(s).replace(/[^A-Z]/g, '');
}

/** The part of a line that reads most like `want` (contiguous words), with its relative edit distance. */
function closestSpan(line: VizLine, want: string): { text: string; distance: number } | undefined {
  const target = letters(want);
  if (!target) return undefined;
  const words = line.text.split(/\s+/).filter(Boolean);
  let best: { text: string; distance: number } | undefined;
  for (let i = 0; i < words.length; i++) {
    for (let j = i + 1; j <= Math.min(words.length, i + 5); j++) {
      const text = words.slice(i, j).join(' ');
      const read = letters(text);
      const d = collapse(read) === collapse(target) ? 0 : distance(read, target) / target.length;
      if (!best || d < best.distance) best = { text, distance: d };
    }
  }
  return best;
}

const NUMBER_TOKEN = /\b[A-Z0-9]{6,12}\b/g;

function numberCandidates(lines: VizLine[]): { value: string; confidence: number }[] {
  const out: { value: string; confidence: number }[] = [];
  for (const l of lines) {
    if (datesIn(l.text).length) continue;
    for (const m of fold(l.text).matchAll(NUMBER_TOKEN)) {
      const digits = m[0].replace(/\D/g, '').length;
      if (digits >= 3) out.push({ value: m[0], confidence: l.confidence });
    }
  }
  return out;
}

/**
 * The printed fields. With a guide (the MRZ or barcode reading), each is what the page prints in the
 * guide's place: the labelled name, or the span of text closest to the guide's; the date equal to the
 * guide's, or else the earliest (birth) / latest (expiry) date printed; the number equal to the
 * guide's, or else the closest number-like token. Without a guide: labelled names, the earliest date
 * as birth, the latest as expiry, one between as issue, and the most confident number-like token.
 */
export function visualFields(lines: VizLine[], guide: VizGuide = {}): VizFields {
  const fields: VizFields = {};
  const labelled = (labels: string[], avoid: string[] = []) => {
    for (const l of lines) {
      if (hasLabel(l.text, labels) && !hasLabel(l.text, avoid)) {
        const v = valueUnder(l, lines);
        if (v) return v;
      }
    }
    return undefined;
  };
  const given = labelled(GIVEN_LABELS);
  const surname = labelled(SURNAME_LABELS, GIVEN_LABELS);
  const guided = (want: string | undefined): VizField | undefined => {
    if (!want) return undefined;
    let best: { text: string; distance: number; confidence: number } | undefined;
    for (const l of lines) {
      const s = closestSpan(l, want);
      if (s && (!best || s.distance < best.distance)) best = { ...s, confidence: l.confidence };
    }
    // Further than a third of the name's letters away, it is some other text, not this name misprinted.
    if (!best || best.distance > 0.34) return undefined;
    return { value: best.distance === 0 ? want : best.text, confidence: best.confidence };
  };
  const last = surname ?? guided(guide.lastName);
  const first = given ?? guided(guide.firstName);
  if (last) fields.lastName = last;
  if (first) fields.firstName = first;

  const dates: FoundDate[] = lines.flatMap((l) =>
    datesIn(l.text).map((d) => ({ ...d, confidence: l.confidence })),
  );
  const sorted = [...dates].sort((a, b) => a.iso.localeCompare(b.iso));
  const distinct = [...new Set(sorted.map((d) => d.iso))];
  /**
   * With a guide date: that date if printed (a century away counts: the MRZ's two-digit year is
   * ambiguous and the page's four digits settle it); for the birth date, else a printed date that
   * differs in one part only (day, month or year: an altered page). Any other date on the page is some
   * other field. Expiry has no near match: the issue date often shares its day and month.
   */
  const guidedDate = (want: string, near: boolean): VizField | undefined => {
    const same = dates.find((d) => sameDay(d.iso, want) || (d.alt !== undefined && sameDay(d.alt, want)));
    // A two-digit year does not settle the century: the guide's stands.
    if (same)
      return {
        value: same.twoDigitYear ? want : sameDay(same.iso, want) ? same.iso : same.alt!,
        confidence: same.confidence,
      };
    if (!near) return undefined;
    const w = want.split('-');
    const close = dates.find((d) => d.iso.split('-').filter((p, i) => p !== w[i]).length === 1);
    return close ? { value: close.iso, confidence: close.confidence } : undefined;
  };
  const earliest = sorted[0];
  const latest = distinct.length > 1 ? sorted.at(-1) : undefined;
  const asField = (d: FoundDate | undefined) => (d ? { value: d.iso, confidence: d.confidence } : undefined);
  const birth = guide.dateOfBirth ? guidedDate(guide.dateOfBirth, true) : asField(earliest);
  const expiry = guide.expiryDate ? guidedDate(guide.expiryDate, false) : asField(latest);
  if (birth) fields.dateOfBirth = birth;
  if (expiry && expiry.value !== birth?.value) fields.expiryDate = expiry;
  // The issue date lies between birth and expiry (the MRZ has none, so this one is never guided).
  const issue = sorted.find(
    (d) =>
      birth &&
      expiry &&
      d.iso > birth.value &&
      d.iso < expiry.value &&
      d.iso !== birth.value &&
      d.iso !== expiry.value,
  );
  if (issue) fields.issueDate = { value: issue.iso, confidence: issue.confidence };

  const numbers = numberCandidates(lines);
  if (guide.number) {
    const want = guide.number.replace(/[^A-Z0-9]/g, '');
    const joined = lines.find((l) => {
      const flat = fold(l.text).replace(/[^A-Z0-9]/g, '');
      // The recogniser (CTC) cannot always tell a doubled character from a single one (2222 → 222).
      return flat.includes(want) || collapse(flat).includes(collapse(want));
    });
    if (joined) fields.number = { value: guide.number, confidence: joined.confidence };
    else {
      const close = numbers
        .map((n) => ({ ...n, d: distance(n.value, want) }))
        .filter((n) => n.d <= Math.max(2, Math.floor(want.length / 3)))
        .sort((a, b) => a.d - b.d)[0];
      if (close) fields.number = { value: close.value, confidence: close.confidence };
    }
  } else {
    const best = numbers.sort((a, b) => b.confidence - a.confidence)[0];
    if (best) fields.number = best;
  }
  return fields;
}

/** The same date, or the same day and month a century apart (a two-digit year read in the wrong century). */
export function sameDay(a: string, b: string): boolean {
  if (a === b) return true;
  return a.slice(4) === b.slice(4) && Math.abs(Number(a.slice(0, 4)) - Number(b.slice(0, 4))) === 100;
}

/** Runs of one character made single: what CTC decoding may have done to a doubled letter or digit. */
function collapse(s: string): string {
  return s.replace(/(.)\1+/g, '$1');
}
