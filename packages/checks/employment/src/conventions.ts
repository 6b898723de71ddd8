/**
 * What a document's country decides about reading it: the order of day and month in numeric dates, and the
 * currency of its amounts. Told from the content (labels, tax terms, currency signs), never from a file name.
 */

export type DocumentCountry = 'GB' | 'US';
/** Day before month (UK) or month before day (US) in dates such as 03/04/2024. */
export type DateOrder = 'dmy' | 'mdy';

/** Terms only one country's payroll, tax and bank documents print. */
const SIGNALS: Record<DocumentCountry, RegExp[]> = {
  US: [
    /\$\s?\d/,
    /\bw-2\b/,
    /wage and tax statement/,
    /federal income tax/,
    /\bfica\b/,
    /social security/,
    /\bmedicare\b/,
    /employer identification number|\bein\b/,
    /\bssn\b/,
    /direct dep/,
    /\bach\b/,
    /routing number/,
    /\b401\(?k\)?/,
    /earnings statement|pay stub|paystub/,
    /\bzip code\b/,
  ],
  GB: [
    /£\s?\d/,
    /\bpaye\b/,
    /national insurance|\bni (number|no)\b/,
    /\bhmrc\b/,
    /sort code/,
    /\bp60\b/,
    /\bsa302\b/,
    /\bbacs\b|\bbgc\b/,
    /tax code/,
    /\butr\b|unique taxpayer reference/,
  ],
};

/** The country whose terms the document prints more of; null when neither or both equally. */
export function detectCountry(text: string): DocumentCountry | null {
  const t = text.toLowerCase();
  const us = SIGNALS.US.filter((r) => r.test(t)).length;
  const gb = SIGNALS.GB.filter((r) => r.test(t)).length;
  return us > gb ? 'US' : gb > us ? 'GB' : null;
}

const NUMERIC_DATE = /\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b/g;

/**
 * The date order of the document: its numeric dates that can only be read one way (31/01 or 01/31) decide when
 * they agree; otherwise its country; otherwise null (unknown: ambiguous dates are then read with low confidence).
 */
export function detectDateOrder(text: string, country: DocumentCountry | null): DateOrder | null {
  let dmy = 0;
  let mdy = 0;
  for (const m of text.matchAll(NUMERIC_DATE)) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    if (a > 12 && b <= 12) dmy++;
    else if (b > 12 && a <= 12) mdy++;
  }
  if (dmy && !mdy) return 'dmy';
  if (mdy && !dmy) return 'mdy';
  if (dmy && mdy) return null;
  return country === 'US' ? 'mdy' : country === 'GB' ? 'dmy' : null;
}

export type Currency = 'GBP' | 'USD' | 'EUR';
const SIGNS: Record<string, Currency> = { '£': 'GBP', $: 'USD', '€': 'EUR' };

/** The currency a sign in front of an amount names, if any. */
export function currencyOfSign(sign: string | undefined): Currency | undefined {
  return sign ? SIGNS[sign] : undefined;
}

/** The document's currency: the one sign it prints, else its country's; null when mixed or unknown. */
export function documentCurrency(text: string, country: DocumentCountry | null): Currency | null {
  const printed = new Set([...text.matchAll(/([£$€])\s?\d/g)].map((m) => SIGNS[m[1]!]!));
  if (printed.size === 1) return [...printed][0]!;
  if (printed.size > 1) return null;
  return country === 'US' ? 'USD' : country === 'GB' ? 'GBP' : null;
}
