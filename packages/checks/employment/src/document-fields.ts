import type { DocumentLine } from './document-text.ts';

export type IncomeDocumentKind = 'payslip' | 'p60' | 'contract' | 'bank-statement' | 'sa302' | 'unknown';
export const INCOME_DOCUMENT_KINDS: readonly IncomeDocumentKind[] = [
  'payslip',
  'p60',
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
}

/** A payment the document shows: a payslip's pay day, or a salary credit on a bank statement. */
export interface ReadPayment {
  /** YYYY-MM-DD */
  date: string;
  /** Net amount paid, in the document's currency units. */
  amount: number | null;
  /** Who paid, where the document says (a bank statement's description). */
  payer: string | null;
  confidence: number;
}

export interface IncomeDocumentFields {
  kind: IncomeDocumentKind;
  employerName?: ReadField;
  employeeName?: ReadField;
  jobTitle?: ReadField;
  /** YYYY-MM-DD, one per payment the document shows. */
  payDates: ReadField[];
  payments: ReadPayment[];
  grossPay?: ReadField<number>;
  netPay?: ReadField<number>;
  /** Employer PAYE reference, or the taxpayer's UTR on an SA302. */
  taxReference?: ReadField;
  /** A contract's start date; YYYY-MM-DD. */
  startDate?: ReadField;
  endDate?: ReadField;
  /** The end of the tax year a P60 or SA302 covers; YYYY-MM-DD. */
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
  | 'other';

/** Labels as UK payroll, HMRC and bank documents print them. Longer labels win over their prefixes. */
const LABELS: [string, FieldKey][] = [
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
const DATE_RE =
  /\b(\d{4})-(\d{2})-(\d{2})\b|\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b|\b(\d{1,2})(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+(\d{4})\b/gi;
const MONEY_RE = /(?<![\d.])[£$€]?\s?(\d{1,3}(?:,\d{3})+(?:\.\d{2})?|\d+\.\d{2})(?![\d])/g;

/** Dates as UK documents print them (day before month), returned as YYYY-MM-DD; impossible dates are dropped. */
export function findDates(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(DATE_RE)) {
    let y: number;
    let mo: number;
    let d: number;
    if (m[1]) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    else if (m[4]) [d, mo, y] = [Number(m[4]), Number(m[5]), Number(m[6])];
    else
      [d, mo, y] = [
        Number(m[7]),
        MONTHS.indexOf(m[8]!.slice(0, 3).toLowerCase() as (typeof MONTHS)[number]) + 1,
        Number(m[9]),
      ];
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d) {
      out.push(date.toISOString().slice(0, 10));
    }
  }
  return out;
}

/** Amounts written with two decimals or thousands separators (so years and reference numbers are not money). */
export function findAmounts(text: string): number[] {
  return [...text.matchAll(MONEY_RE)].map((m) => Number(m[1]!.replace(/,/g, '')));
}

function detectKind(text: string): IncomeDocumentKind {
  const t = text.toLowerCase();
  if (/\bsa302\b|tax calculation/.test(t)) return 'sa302';
  if (/\bp60\b|end of year certificate/.test(t)) return 'p60';
  if (/contract of employment|employment contract|statement of (main )?terms/.test(t)) return 'contract';
  if (/\bstatement\b/.test(t) && /sort code|balance|account number/.test(t)) return 'bank-statement';
  if (/pay\s?slip|pay advice|net pay|payslip/.test(t)) return 'payslip';
  return 'unknown';
}

interface Labelled {
  key: FieldKey;
  value: string;
  confidence: number;
}

/** Splits each line at the labels it carries: "Employee: Jane Smith  Pay date: 31/01/2024" gives two values. */
function labelledValues(lines: DocumentLine[]): Labelled[] {
  const out: Labelled[] = [];
  for (const line of lines) {
    const hits = [...line.text.matchAll(LABEL_RE)];
    hits.forEach((hit, i) => {
      const key = LABEL_KEY.get(hit[1]!.toLowerCase().replace(/\s+/g, ' '));
      const end = hit.index + hit[0].length;
      const value = line.text.slice(end, hits[i + 1]?.index ?? line.text.length).trim();
      if (key && value) out.push({ key, value, confidence: line.confidence });
    });
  }
  return out;
}

const PAYMENT_WORDS = /\b(salary|wages|payroll|bgc|bacs credit|pay)\b/i;

/** Salary credits on a bank statement: a dated line whose description says salary or payroll, with an amount. */
function statementPayments(lines: DocumentLine[]): ReadPayment[] {
  const out: ReadPayment[] = [];
  for (const line of lines) {
    const date = findDates(line.text)[0];
    if (!date || !PAYMENT_WORDS.test(line.text)) continue;
    const amount = findAmounts(line.text)[0] ?? null;
    const payer = line.text
      .replace(DATE_RE, ' ')
      .replace(MONEY_RE, ' ')
      .replace(/\b(salary|wages|payroll|bgc|bacs credit|credit|pay)\b/gi, ' ')
      .replace(/[^\p{L}\p{N}&.' -]+/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    out.push({ date, amount, payer: payer || null, confidence: line.confidence * 0.9 });
  }
  return out;
}

/** How sure a labelled value is: the line's OCR confidence times how certain the label makes the reading. */
const LABELLED = 0.95;
const INFERRED = 0.6;

export function readFields(lines: DocumentLine[], source: 'pdf-text' | 'ocr'): IncomeDocumentFields {
  const kind = detectKind(lines.map((l) => l.text).join('\n'));
  const labelled = labelledValues(lines);
  const first = (key: FieldKey) => labelled.find((l) => l.key === key);
  const field = <T>(value: T, confidence: number): ReadField<T> => ({ value, confidence, source });
  const text = (key: FieldKey): ReadField | undefined => {
    const l = first(key);
    const value = l?.value.replace(/\s+/g, ' ').trim();
    return l && value ? field(value, l.confidence * LABELLED) : undefined;
  };
  const date = (key: FieldKey): ReadField | undefined => {
    for (const l of labelled.filter((x) => x.key === key)) {
      const d = findDates(l.value)[0];
      if (d) return field(d, l.confidence * LABELLED);
    }
    return undefined;
  };
  const money = (key: FieldKey): ReadField<number> | undefined => {
    for (const l of labelled.filter((x) => x.key === key)) {
      const a = findAmounts(l.value)[0];
      if (a !== undefined) return field(a, l.confidence * LABELLED);
    }
    return undefined;
  };

  const fields: IncomeDocumentFields = { kind, payDates: [], payments: [], dates: [] };
  const employer = text('employer');
  if (employer) fields.employerName = employer;
  else if (kind === 'payslip' || kind === 'p60') {
    // Payslips print the employer as their heading when they do not label it.
    const heading = lines.find(
      (l) => !/pay\s?slip|pay advice|\bp60\b|end of year/i.test(l.text) && !HAS_LABEL.test(l.text),
    );
    if (heading) fields.employerName = field(heading.text.trim(), heading.confidence * INFERRED);
  }
  const employee = text('employee');
  if (employee)
    fields.employeeName = { ...employee, value: employee.value.replace(/^(mr|mrs|ms|miss|dr)\.?\s+/i, '') };
  const jobTitle = text('jobTitle');
  if (jobTitle) fields.jobTitle = jobTitle;
  const taxReference = first('taxReference');
  const ref = taxReference?.value.match(/\b\d{3}\s?\/\s?[A-Z0-9]{1,10}\b|\b\d{10}\b/i)?.[0];
  if (taxReference && ref)
    fields.taxReference = field(ref.replace(/\s/g, '').toUpperCase(), taxReference.confidence * LABELLED);
  const gross = money('gross');
  if (gross) fields.grossPay = gross;
  const net = money('net');
  if (net) fields.netPay = net;
  const start = date('startDate');
  if (start) fields.startDate = start;
  const end = date('endDate');
  if (end) fields.endDate = end;
  const yearEnd = date('taxYearEnd');
  if (yearEnd) fields.taxYearEnd = yearEnd;

  if (kind === 'bank-statement') {
    fields.payments = statementPayments(lines);
  } else {
    const payDate = date('payDate');
    if (payDate) {
      fields.payments = [
        {
          date: payDate.value,
          amount: net?.value ?? null,
          payer: employer?.value ?? null,
          confidence: payDate.confidence,
        },
      ];
    }
  }
  fields.payDates = fields.payments.map((p) => field(p.date, p.confidence));
  for (const line of lines)
    for (const d of findDates(line.text)) fields.dates.push(field(d, line.confidence));
  return fields;
}
