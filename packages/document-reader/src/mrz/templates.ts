/**
 * ICAO Doc 9303 layouts: for every format, the class of every character position and the check
 * digits with the ranges they cover. Used to type-correct OCR output and to verify check digits.
 */
export type MrzFormat = 'TD1' | 'TD2' | 'TD3' | 'MRVA' | 'MRVB' | 'FRENCH_ID';

/**
 * A: letters or '<'; N: digits; C: check digit (digit, or '<' when the field is empty); X: any;
 * L: a letter by ICAO 9303, but some issuers print a digit (the US "C1" and "A3" document codes).
 */
export type CharClass = 'A' | 'N' | 'C' | 'X' | 'L';

export interface CheckDigitDef {
  name: 'documentNumber' | 'birthDate' | 'expirationDate' | 'personalNumber' | 'composite';
  /** [line, start, end) ranges in the order the digit is computed over. */
  ranges: [number, number, number][];
  at: [number, number];
  /**
   * Where a long document number continues when its check-digit position holds '<' (TD1, TD2):
   * the number runs on in this range up to the next '<', and its last character is the check digit.
   */
  extension?: [number, number, number];
}

export interface MrzTemplate {
  format: MrzFormat;
  lineCount: number;
  lineLength: number;
  classes: CharClass[][];
  checks: CheckDigitDef[];
  /** Lines whose tail is the names field, padded with '<' to the end. */
  namesLines: number[];
}

function classes(length: number, spans: [number, number, CharClass][]): CharClass[] {
  const out = new Array<CharClass>(length).fill('X');
  for (const [s, e, c] of spans) for (let i = s; i < e; i++) out[i] = c;
  return out;
}

const TD1: MrzTemplate = {
  format: 'TD1',
  lineCount: 3,
  lineLength: 30,
  classes: [
    classes(30, [
      [0, 5, 'A'],
      // The document code's second character: US cards print C1, A3.
      [1, 2, 'L'],
      [14, 15, 'X'], // check digit, or '<' when the number continues in the optional data
    ]),
    classes(30, [
      [0, 6, 'N'],
      [6, 7, 'C'],
      [7, 8, 'A'],
      [8, 14, 'N'],
      [14, 15, 'C'],
      [15, 18, 'A'],
      [29, 30, 'C'],
    ]),
    classes(30, [[0, 30, 'A']]),
  ],
  checks: [
    { name: 'documentNumber', ranges: [[0, 5, 14]], at: [0, 14], extension: [0, 15, 30] },
    { name: 'birthDate', ranges: [[1, 0, 6]], at: [1, 6] },
    { name: 'expirationDate', ranges: [[1, 8, 14]], at: [1, 14] },
    {
      name: 'composite',
      ranges: [
        [0, 5, 30],
        [1, 0, 7],
        [1, 8, 15],
        [1, 18, 29],
      ],
      at: [1, 29],
    },
  ],
  namesLines: [2],
};

function twoLine(
  format: MrzFormat,
  length: 36 | 44,
  optional: 'personal' | 'composite' | 'none',
): MrzTemplate {
  const l2: [number, number, CharClass][] = [
    [9, 10, 'C'],
    [10, 13, 'A'],
    [13, 19, 'N'],
    [19, 20, 'C'],
    [20, 21, 'A'],
    [21, 27, 'N'],
    [27, 28, 'C'],
  ];
  const checks: CheckDigitDef[] = [
    {
      name: 'documentNumber',
      ranges: [[1, 0, 9]],
      at: [1, 9],
      ...(format === 'TD2' ? { extension: [1, 28, length - 1] as [number, number, number] } : {}),
    },
    { name: 'birthDate', ranges: [[1, 13, 19]], at: [1, 19] },
    { name: 'expirationDate', ranges: [[1, 21, 27]], at: [1, 27] },
  ];
  if (optional === 'personal') {
    l2.push([42, 43, 'C'], [43, 44, 'C']);
    checks.push({ name: 'personalNumber', ranges: [[1, 28, 42]], at: [1, 42] });
  }
  if (optional !== 'none') {
    const last = length - 1;
    l2.push([last, length, 'C']);
    checks.push({
      name: 'composite',
      ranges: [
        [1, 0, 10],
        [1, 13, 20],
        [1, 21, last],
      ],
      at: [1, last],
    });
  }
  return {
    format,
    lineCount: 2,
    lineLength: length,
    classes: [
      classes(length, [
        [0, length, 'A'],
        [1, 2, 'L'],
      ]),
      classes(length, l2),
    ],
    checks,
    namesLines: [0],
  };
}

const FRENCH_ID: MrzTemplate = {
  format: 'FRENCH_ID',
  lineCount: 2,
  lineLength: 36,
  classes: [
    classes(36, [[0, 30, 'A']]),
    classes(36, [
      [0, 4, 'N'],
      [12, 13, 'C'],
      [13, 27, 'A'],
      [27, 33, 'N'],
      [33, 34, 'C'],
      [34, 35, 'A'],
      [35, 36, 'C'],
    ]),
  ],
  checks: [
    { name: 'documentNumber', ranges: [[1, 0, 12]], at: [1, 12] },
    { name: 'birthDate', ranges: [[1, 27, 33]], at: [1, 33] },
    {
      name: 'composite',
      ranges: [
        [0, 0, 36],
        [1, 0, 35],
      ],
      at: [1, 35],
    },
  ],
  namesLines: [],
};

export const TEMPLATES: Record<MrzFormat, MrzTemplate> = {
  TD1,
  TD2: twoLine('TD2', 36, 'composite'),
  TD3: twoLine('TD3', 44, 'personal'),
  MRVA: twoLine('MRVA', 44, 'none'),
  MRVB: twoLine('MRVB', 36, 'none'),
  FRENCH_ID,
};

const WEIGHTS = [7, 3, 1];

export function charValue(c: string): number {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  if (c >= 'A' && c <= 'Z') return c.charCodeAt(0) - 55;
  return 0;
}

/** ICAO 9303 check digit: weights 7-3-1, letters A=10…Z=35, '<' = 0. */
export function computeCheckDigit(value: string): number {
  let sum = 0;
  for (let i = 0; i < value.length; i++) sum += charValue(value[i]!) * WEIGHTS[i % 3]!;
  return sum % 10;
}

export function checkInput(lines: readonly string[], def: CheckDigitDef): string {
  return def.ranges.map(([l, s, e]) => (lines[l] ?? '').slice(s, e)).join('');
}

/** True if the check digit holds; a '<' digit over an all-filler field also holds (field absent). */
export function checkHolds(lines: readonly string[], def: CheckDigitDef): boolean {
  const input = checkInput(lines, def);
  const digit = (lines[def.at[0]] ?? '')[def.at[1]];
  if (digit === '<' && def.extension) {
    const [l, s, e] = def.extension;
    const rest = (lines[l] ?? '').slice(s, e).split('<')[0] ?? '';
    if (rest.length >= 2) {
      return rest.at(-1) === String(computeCheckDigit(input + rest.slice(0, -1)));
    }
  }
  if (digit === '<') return /^<*$/.test(input);
  return digit !== undefined && digit === String(computeCheckDigit(input));
}

/** Picks the layout from the shape of the lines (count, length, document code). */
export function guessFormat(lines: readonly string[]): MrzFormat | undefined {
  const n = lines.length;
  const len = Math.round(lines.reduce((s, l) => s + l.length, 0) / Math.max(1, n));
  const first = lines[0] ?? '';
  if (n === 3 && Math.abs(len - 30) <= 3) return 'TD1';
  if (n !== 2) return undefined;
  if (Math.abs(len - 44) <= 4) return first.startsWith('V') ? 'MRVA' : 'TD3';
  if (Math.abs(len - 36) <= 3) {
    if (first.startsWith('V')) return 'MRVB';
    // French national ID (1988-2021 card): "IDFRA" + surname, an administrative code with digits at the end.
    if (first.startsWith('IDFRA') || /[0-9]/.test(first.slice(30, 35))) return 'FRENCH_ID';
    return 'TD2';
  }
  return undefined;
}
