import {
  type Currency,
  currencyOfSign,
  type DateOrder,
  type DocumentCountry,
  detectCountry,
  detectDateOrder,
  documentCurrency,
} from './conventions.ts';
import type { DocumentLine } from './document-text.ts';

/** A US pay stub is a `payslip`, an offer or employment verification letter a `contract`, a Form W-2 a `w2`. */
export type IncomeDocumentKind =
  | 'payslip'
  | 'p60'
  | 'w2'
  | 'contract'
  | 'bank-statement'
  | 'sa302'
  | 'unknown';
export const INCOME_DOCUMENT_KINDS: readonly IncomeDocumentKind[] = [
  'payslip',
  'p60',
  'w2',
  'contract',
  'bank-statement',
  'sa302',
  'unknown',
];

/** A value read from a document, with how sure the reader is (0..1) and how the text was obtained. */
export interface ReadField<T = string> {
  value: T;
  confidence: number;
  source: 'pdf-text' | 'ocr';
  /** For amounts: the currency printed beside it or, failing that, the document's (ISO 4217). */
  currency?: Currency | undefined;
}

/** A payment the document shows: a payslip's pay day, or a salary credit on a bank statement. */
export interface ReadPayment {
  /** YYYY-MM-DD */
  date: string;
  /** Net amount paid, in the document's currency units. */
  amount: number | null;
  /** Who paid, where the document says (a bank statement's description). */
  payer: string | null;
  currency: Currency | null;
  confidence: number;
}

export interface IncomeDocumentFields {
  kind: IncomeDocumentKind;
  /** The country the document's terms belong to (PAYE, sort code / FICA, W-2, EIN); null when they do not tell. */
  country: DocumentCountry | null;
  /** How its numeric dates were read; null when neither the dates nor the country tell (low confidence). */
  dateOrder: DateOrder | null;
  /** The currency of its amounts; null when it prints none or several and its country does not tell. */
  currency: Currency | null;
  employerName?: ReadField;
  employeeName?: ReadField;
  jobTitle?: ReadField;
  /** YYYY-MM-DD, one per payment the document shows. */
  payDates: ReadField[];
  payments: ReadPayment[];
  grossPay?: ReadField<number>;
  netPay?: ReadField<number>;
  /** Year-to-date gross and net pay, as US pay stubs print them. */
  ytdGross?: ReadField<number>;
  ytdNet?: ReadField<number>;
  /** An offer letter's annual salary. */
  annualSalary?: ReadField<number>;
  /** Employer PAYE reference, the taxpayer's UTR on an SA302, or the employer's EIN (US). */
  taxReference?: ReadField;
  /** The last four digits of a W-2's social security number: the full number is never kept. */
  ssnLast4?: ReadField;
  /** A pay stub's pay period; YYYY-MM-DD. */
  periodStart?: ReadField;
  periodEnd?: ReadField;
  /** A contract's start date; YYYY-MM-DD. */
  startDate?: ReadField;
  endDate?: ReadField;
  /** The end of the tax year a P60, SA302 or W-2 covers; YYYY-MM-DD. */
  taxYearEnd?: ReadField;
  /** Every date printed on the document, for the future-date test. */
  dates: ReadField[];
}

type FieldKey =
  | 'employer'
  | 'employee'
  | 'jobTitle'
  | 'payDate'
  | 'gross'
  | 'net'
  | 'taxReference'
  | 'startDate'
  | 'endDate'
  | 'taxYearEnd'
  | 'ytd'
  | 'ytdGross'
  | 'ytdNet'
  | 'salary'
  | 'ssn'
  | 'period'
  | 'periodStart'
  | 'periodEnd'
  | 'other';

/** Labels as UK payroll, HMRC and bank documents and US pay stubs, W-2s and letters print them. Longer labels win. */
const LABELS: [string, FieldKey][] = [
  // Form W-2 boxes (a, b, c, e, 1) and the terms of US pay stubs and letters.
  ["employee's social security number", 'ssn'],
  ['social security number', 'ssn'],
  ['ssn', 'ssn'],
  ['employer identification number (ein)', 'taxReference'],
  ['employer identification number', 'taxReference'],
  ['ein', 'taxReference'],
  ["employer's name, address, and zip code", 'employer'],
  ["employer's name", 'employer'],
  ["employee's first name and initial", 'employee'],
  ["employee's name", 'employee'],
  ['last name', 'other'],
  ['wages, tips, other compensation', 'gross'],
  ['wages, tips, other comp.', 'gross'],
  ['federal income tax withheld', 'other'],
  ['federal income tax', 'other'],
  ['social security wages', 'other'],
  ['social security tax withheld', 'other'],
  ['social security', 'other'],
  ['medicare wages and tips', 'other'],
  ['medicare tax withheld', 'other'],
  ['medicare', 'other'],
  ['fica', 'other'],
  ['state income tax', 'other'],
  ['gross earnings', 'gross'],
  ['total net pay', 'net'],
  ['ytd gross', 'ytdGross'],
  ['ytd net', 'ytdNet'],
  ['year to date', 'ytd'],
  ['ytd', 'ytd'],
  ['check date', 'payDate'],
  ['pay period begin', 'periodStart'],
  ['pay period beginning', 'periodStart'],
  ['period beginning', 'periodStart'],
  ['period start', 'periodStart'],
  ['pay period end', 'periodEnd'],
  ['pay period ending', 'periodEnd'],
  ['period ending', 'periodEnd'],
  ['period end', 'periodEnd'],
  ['pay period', 'period'],
  ['annual base salary', 'salary'],
  ['annual salary', 'salary'],
  ['base salary', 'salary'],
  ['salary', 'salary'],
  ["employer's paye reference", 'taxReference'],
  ['employer paye reference', 'taxReference'],
  ['employer paye ref', 'taxReference'],
  ['paye reference', 'taxReference'],
  ['paye ref', 'taxReference'],
  ['unique taxpayer reference', 'taxReference'],
  ['tax reference', 'taxReference'],
  ['tax ref', 'taxReference'],
  ['utr', 'taxReference'],
  ['employer name', 'employer'],
  ['name of employer', 'employer'],
  ['company name', 'employer'],
  ['employer', 'employer'],
  ['employee name', 'employee'],
  ['name of employee', 'employee'],
  ['account holder', 'employee'],
  ['account name', 'employee'],
  ['taxpayer name', 'employee'],
  ['employee', 'employee'],
  ['name', 'employee'],
  ['job title', 'jobTitle'],
  ['position', 'jobTitle'],
  ['pay date', 'payDate'],
  ['payment date', 'payDate'],
  ['date paid', 'payDate'],
  ['total gross pay', 'gross'],
  ['gross pay', 'gross'],
  ['pay in this employment', 'gross'],
  ['total income from employment', 'gross'],
  ['pay from all employments', 'gross'],
  ['gross', 'gross'],
  ['net pay', 'net'],
  ['take home pay', 'net'],
  ['employment start date', 'startDate'],
  ['commencement date', 'startDate'],
  ['start date', 'startDate'],
  ['date of hire', 'startDate'],
  ['hire date', 'startDate'],
  ['date of leaving', 'endDate'],
  ['leaving date', 'endDate'],
  ['end date', 'endDate'],
  ['tax year ending', 'taxYearEnd'],
  ['tax year to', 'taxYearEnd'],
  ['year ended', 'taxYearEnd'],
  // Labels of other values: they end the value before them on a shared line.
  ['ni number', 'other'],
  ['national insurance number', 'other'],
  ['tax code', 'other'],
  ['sort code', 'other'],
  ['routing number', 'other'],
  ['account number', 'other'],
  ['period', 'other'],
  ['statement date', 'other'],
];

const LABEL_RE = new RegExp(
  `(?<![A-Za-z])(${[...LABELS]
    .sort((a, b) => b[0].length - a[0].length)
    .map(([l]) => l.replace(/[.*+?^${}()|[\]\\']/g, '\\$&').replace(/ /g, '\\s+'))
    .join('|')})(?![A-Za-z])\\s*[:\\-]?`,
  'gi',
);
const HAS_LABEL = new RegExp(LABEL_RE.source, 'i');
const LABEL_KEY = new Map(LABELS.map(([l, k]) => [l, k]));

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?';
const DATE_RE = new RegExp(
  [
    '\\b(\\d{4})-(\\d{2})-(\\d{2})\\b',
    '\\b(\\d{1,2})[/.-](\\d{1,2})[/.-](\\d{4})\\b',
    `\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+${MONTH},?\\s+(\\d{4})\\b`,
    // "March 4, 2024", as US letters write dates.
    `\\b${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`,
  ].join('|'),
  'gi',
);
const MONEY_RE = /(?<![\d.])([£$€]?)\s?(\d{1,3}(?:,\d{3})+(?:\.\d{2})?|\d+\.\d{2})(?![\d])/g;

/** A date read from text, and whether its day and month could only be read one way. */
export interface FoundDate {
  /** YYYY-MM-DD */
  date: string;
  certain: boolean;
}

const monthOf = (name: string) =>
  MONTHS.indexOf(name.slice(0, 3).toLowerCase() as (typeof MONTHS)[number]) + 1;

/**
 * Dates in the text as YYYY-MM-DD, impossible ones dropped. Numeric dates follow `order`; when it is unknown
 * (null), a date such as 03/04/2024 is read day first, as before, but marked uncertain.
 */
export function readDates(text: string, order: DateOrder | null): FoundDate[] {
  const out: FoundDate[] = [];
  for (const m of text.matchAll(DATE_RE)) {
    let y: number;
    let mo: number;
    let d: number;
    let certain = true;
    if (m[1]) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    else if (m[4]) {
      const [a, b] = [Number(m[4]), Number(m[5])];
      y = Number(m[6]);
      if (order === 'mdy' || (order === null && b > 12 && a <= 12)) [mo, d] = [a, b];
      else [d, mo] = [a, b];
      certain = order !== null || a === b || a > 12 || b > 12;
    } else if (m[7]) [d, mo, y] = [Number(m[7]), monthOf(m[8]!), Number(m[9])];
    else [mo, d, y] = [monthOf(m[10]!), Number(m[11]), Number(m[12])];
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d) {
      out.push({ date: date.toISOString().slice(0, 10), certain });
    }
  }
  return out;
}

/** Dates in the text as YYYY-MM-DD in the given order (UK documents' day before month by default). */
export function findDates(text: string, order: DateOrder = 'dmy'): string[] {
  return readDates(text, order).map((d) => d.date);
}

/** Amounts written with two decimals or thousands separators (so years and reference numbers are not money). */
export function findAmounts(text: string): number[] {
  return findMoney(text).map((m) => m.amount);
}

function findMoney(text: string): { amount: number; currency: Currency | undefined }[] {
  return [...text.matchAll(MONEY_RE)].map((m) => ({
    amount: Number(m[2]!.replace(/,/g, '')),
    currency: currencyOfSign(m[1]),
  }));
}

function detectKind(text: string): IncomeDocumentKind {
  const t = text.toLowerCase();
  if (/\bsa302\b|tax calculation/.test(t)) return 'sa302';
  if (/\bp60\b|end of year certificate/.test(t)) return 'p60';
  if (/\bw-2\b|wage and tax statement/.test(t)) return 'w2';
  if (
    /contract of employment|employment contract|statement of (main )?terms|offer of employment|offer letter|pleased to offer|(employment|income) verification|verification of (employment|income)/.test(
      t,
    )
  )
    return 'contract';
  // "Earnings statement" is a US pay stub, whatever account details it prints for the direct deposit.
  if (/earnings statement|pay\s?stub/.test(t)) return 'payslip';
  if (/\bstatement\b/.test(t) && /sort code|balance|account number/.test(t)) return 'bank-statement';
  if (/pay\s?slip|pay advice|net pay|payslip/.test(t)) return 'payslip';
  return 'unknown';
}

interface Labelled {
  key: FieldKey;
  value: string;
  confidence: number;
}

/**
 * Splits each line at the labels it carries: "Employee: Jane Smith  Pay date: 31/01/2024" gives two values. On a
 * form (a W-2), a label alone on its line takes the next line, where the form prints the box's value.
 */
function labelledValues(lines: DocumentLine[], form: boolean): Labelled[] {
  const out: Labelled[] = [];
  lines.forEach((line, n) => {
    const hits = [...line.text.matchAll(LABEL_RE)];
    let previous: FieldKey | undefined;
    hits.forEach((hit, i) => {
      let key = LABEL_KEY.get(hit[1]!.toLowerCase().replace(/\s+/g, ' '));
      // "YTD" after gross or net pay is that figure for the year to date.
      if (key === 'ytd') key = previous === 'gross' ? 'ytdGross' : previous === 'net' ? 'ytdNet' : 'other';
      previous = key;
      const end = hit.index + hit[0].length;
      let value = line.text.slice(end, hits[i + 1]?.index ?? line.text.length).trim();
      let confidence = line.confidence;
      // A box number between two labels ("… compensation 2 Federal income tax withheld") is not a value.
      if (form && /^([a-f]|\d{1,2}[a-d]?)$/i.test(value)) value = '';
      const next = lines[n + 1];
      if (form && !value && i === 0 && next && !HAS_LABEL.test(next.text)) {
        value = next.text.trim();
        confidence = Math.min(confidence, next.confidence);
      }
      if (key && value) out.push({ key, value, confidence });
    });
  });
  return out;
}

const PAYMENT_WORDS = /\b(salary|wages|payroll|bgc|bacs credit|pay|direct dep(osit)?|dir dep|ach credit)\b/i;

/** Salary credits on a bank statement: a dated line whose description says salary or payroll, with an amount. */
function statementPayments(
  lines: DocumentLine[],
  order: DateOrder | null,
  currency: Currency | null,
): ReadPayment[] {
  const out: ReadPayment[] = [];
  for (const line of lines) {
    const date = readDates(line.text, order)[0];
    if (!date || !PAYMENT_WORDS.test(line.text)) continue;
    const money = findMoney(line.text)[0];
    const payer = line.text
      .replace(DATE_RE, ' ')
      .replace(MONEY_RE, ' ')
      .replace(
        /\b(salary|wages|payroll|bgc|bacs credit|direct dep(osit)?|dir dep|ach credit|ach|ppd|credit|pay)\b/gi,
        ' ',
      )
      .replace(/[^\p{L}\p{N}&.' -]+/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    out.push({
      date: date.date,
      amount: money?.amount ?? null,
      payer: payer || null,
      currency: money?.currency ?? currency,
      confidence: line.confidence * 0.9 * (date.certain ? 1 : UNCERTAIN_DATE),
    });
  }
  return out;
}

/** How sure a labelled value is: the line's OCR confidence times how certain the label makes the reading. */
const LABELLED = 0.95;
const INFERRED = 0.6;
/** A date whose day and month could be read either way, in a document that does not tell which. */
const UNCERTAIN_DATE = 0.5;

/** Lines of US documents that are not the employer's name: titles, salutations, dates. */
const US_NOT_HEADING = new RegExp(
  `pay\\s?stub|earnings statement|offer|verification|^\\s*dear\\b|${DATE_RE.source}`,
  'i',
);

/** The tax year a W-2 covers: the year printed beside its title, or alone on a line. */
function w2TaxYear(lines: DocumentLine[]): { year: string; confidence: number } | undefined {
  for (const line of lines) {
    const m =
      /(?:w-2|wage and tax statement)\D{0,40}\b(20\d{2}|19\d{2})\b/i.exec(line.text) ??
      /^\s*(20\d{2}|19\d{2})\s*$/.exec(line.text);
    if (m) return { year: m[1]!, confidence: line.confidence };
  }
  return undefined;
}

export function readFields(lines: DocumentLine[], source: 'pdf-text' | 'ocr'): IncomeDocumentFields {
  const all = lines.map((l) => l.text).join('\n');
  const kind = detectKind(all);
  const country = detectCountry(all);
  const order = detectDateOrder(all, country);
  const currency = documentCurrency(all, country);
  const labelled = labelledValues(lines, kind === 'w2');
  const first = (key: FieldKey) => labelled.find((l) => l.key === key);
  const field = <T>(value: T, confidence: number): ReadField<T> => ({ value, confidence, source });
  const text = (key: FieldKey): ReadField | undefined => {
    const l = first(key);
    const value = l?.value.replace(/\s+/g, ' ').trim();
    return l && value ? field(value, l.confidence * LABELLED) : undefined;
  };
  const dates = (key: FieldKey): ReadField[] => {
    for (const l of labelled.filter((x) => x.key === key)) {
      const found = readDates(l.value, order);
      if (found.length)
        return found.map((d) => field(d.date, l.confidence * LABELLED * (d.certain ? 1 : UNCERTAIN_DATE)));
    }
    return [];
  };
  const date = (key: FieldKey): ReadField | undefined => dates(key)[0];
  const money = (key: FieldKey): ReadField<number> | undefined => {
    for (const l of labelled.filter((x) => x.key === key)) {
      const a = findMoney(l.value)[0];
      if (a !== undefined)
        return { ...field(a.amount, l.confidence * LABELLED), currency: a.currency ?? currency ?? undefined };
    }
    return undefined;
  };

  const fields: IncomeDocumentFields = {
    kind,
    country,
    dateOrder: order,
    currency,
    payDates: [],
    payments: [],
    dates: [],
  };
  const employer = text('employer');
  if (employer) fields.employerName = employer;
  else if (kind === 'payslip' || kind === 'p60' || (kind === 'contract' && country === 'US')) {
    // Payslips and pay stubs print the employer as their heading when they do not label it, letters as letterhead.
    const heading = lines.find(
      (l) =>
        !/pay\s?slip|pay advice|\bp60\b|end of year/i.test(l.text) &&
        !HAS_LABEL.test(l.text) &&
        (country !== 'US' || !US_NOT_HEADING.test(l.text)),
    );
    if (heading) fields.employerName = field(heading.text.trim(), heading.confidence * INFERRED);
  }
  const employee = text('employee');
  if (employee)
    fields.employeeName = { ...employee, value: employee.value.replace(/^(mr|mrs|ms|miss|dr)\.?\s+/i, '') };
  const jobTitle = text('jobTitle');
  if (jobTitle) fields.jobTitle = jobTitle;
  for (const l of labelled.filter((x) => x.key === 'taxReference')) {
    const ref = l.value.match(/\b\d{3}\s?\/\s?[A-Z0-9]{1,10}\b|\b\d{10}\b|\b\d{2}-\d{7}\b/i)?.[0];
    if (ref) {
      fields.taxReference = field(ref.replace(/\s/g, '').toUpperCase(), l.confidence * LABELLED);
      break;
    }
  }
  // Only the last four digits of a social security number are kept: the full number is never stored or logged.
  const ssn = first('ssn');
  const last4 = ssn?.value.match(/(?:\d{3}|[X*]{3})[ -]?(?:\d{2}|[X*]{2})[ -]?(\d{4})\b/i)?.[1];
  if (ssn && last4) fields.ssnLast4 = field(last4, ssn.confidence * LABELLED);
  const gross = money('gross');
  if (gross) fields.grossPay = gross;
  const net = money('net');
  if (net) fields.netPay = net;
  const ytdGross = money('ytdGross');
  if (ytdGross) fields.ytdGross = ytdGross;
  const ytdNet = money('ytdNet');
  if (ytdNet) fields.ytdNet = ytdNet;
  if (kind === 'contract' && country === 'US') {
    const salary = money('salary');
    if (salary) fields.annualSalary = salary;
  }
  const start = date('startDate');
  if (start) fields.startDate = start;
  const end = date('endDate');
  if (end) fields.endDate = end;
  const period = dates('period');
  const periodStart = date('periodStart') ?? period[0];
  if (periodStart) fields.periodStart = periodStart;
  const periodEnd = date('periodEnd') ?? period[1];
  if (periodEnd) fields.periodEnd = periodEnd;
  const yearEnd = date('taxYearEnd');
  if (yearEnd) fields.taxYearEnd = yearEnd;
  else if (kind === 'w2') {
    const year = w2TaxYear(lines);
    if (year) fields.taxYearEnd = field(`${year.year}-12-31`, year.confidence * LABELLED);
  }

  if (kind === 'bank-statement') {
    fields.payments = statementPayments(lines, order, currency);
  } else {
    const payDate = date('payDate');
    if (payDate) {
      fields.payments = [
        {
          date: payDate.value,
          amount: net?.value ?? null,
          payer: employer?.value ?? null,
          currency: net?.currency ?? currency,
          confidence: payDate.confidence,
        },
      ];
    }
  }
  fields.payDates = fields.payments.map((p) => field(p.date, p.confidence));
  for (const line of lines)
    for (const d of readDates(line.text, order))
      fields.dates.push(field(d.date, line.confidence * (d.certain ? 1 : UNCERTAIN_DATE)));
  return fields;
}
