/**
 * Dates as lists write them, reduced to ISO prefixes (YYYY, YYYY-MM, YYYY-MM-DD) so they can be
 * compared at the precision both sides share.
 */

const MONTHS: Record<string, string> = {
  jan: '01',
  feb: '02',
  mar: '03',
  apr: '04',
  may: '05',
  jun: '06',
  jul: '07',
  aug: '08',
  sep: '09',
  oct: '10',
  nov: '11',
  dec: '12',
};

function pad(n: string): string {
  return n.length === 1 ? `0${n}` : n;
}

function plausibleYear(y: string): boolean {
  const n = Number(y);
  return n >= 1850 && n <= 2100;
}

/** One date expression to ISO prefixes; a range ("1960 to 1962") expands to each year in it. */
export function parseDates(input: string | undefined | null): string[] {
  if (!input) return [];
  const text = input.trim();
  if (!text) return [];
  const range = /^(?:circa\s+)?(\d{4})\s*(?:to|-|–)\s*(\d{4})$/i.exec(text);
  if (range) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (plausibleYear(range[1]!) && to >= from && to - from <= 10) {
      const years: string[] = [];
      for (let y = from; y <= to; y++) years.push(String(y));
      return years;
    }
  }
  const one = parseDate(text);
  return one ? [one] : [];
}

export function parseDate(input: string | undefined | null): string | undefined {
  if (!input) return undefined;
  const text = input
    .trim()
    .replace(/^(circa|approximately|approx\.?|ca\.?|about)\s+/i, '')
    .replace(/\.$/, '');
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:T.*)?$/.exec(text);
  if (m) return isoParts(m[1]!, m[2]!, m[3]!);
  m = /^(\d{4})-(\d{1,2})$/.exec(text);
  if (m) return isoParts(m[1]!, m[2]!, '00');
  m = /^(\d{4})$/.exec(text);
  if (m) return plausibleYear(m[1]!) ? m[1] : undefined;
  // 01 Jan 1960, 1 January 1960
  m = /^(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$/.exec(text);
  if (m) {
    const month = MONTHS[m[2]!.toLowerCase()];
    return month ? isoParts(m[3]!, month, m[1]!) : undefined;
  }
  // Jan 1960
  m = /^([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$/.exec(text);
  if (m) {
    const month = MONTHS[m[1]!.toLowerCase()];
    return month ? isoParts(m[2]!, month, '00') : undefined;
  }
  // dd/mm/yyyy (UK, EU); 00 marks an unknown day or month
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (m) return isoParts(m[3]!, m[2]!, m[1]!);
  return undefined;
}

function isoParts(year: string, month: string, day: string): string | undefined {
  if (!plausibleYear(year)) return undefined;
  const mo = Number(month);
  const d = Number(day);
  if (mo < 1 || mo > 12) return year;
  if (d < 1 || d > 31) return `${year}-${pad(month)}`;
  return `${year}-${pad(month)}-${pad(day)}`;
}
