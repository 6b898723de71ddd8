/** One job in the candidate's declared history. Dates are YYYY-MM-DD; no end date means current. */
export interface DeclaredEmployment {
  id: string;
  employer: string;
  jobTitle?: string | undefined;
  startDate: string;
  endDate?: string | null | undefined;
  /** Declared gross annual income from this job, in whole currency units. */
  annualIncome?: number | undefined;
  /** The currency of `annualIncome` (ISO 4217); evidence in another currency is not compared with it. */
  currency?: string | undefined;
}

/** Where a verified item came from. */
export type EvidenceSource =
  | { kind: 'connector'; sourceId: string; sourceName: string }
  | { kind: 'document'; mediaId: string; documentKind: string };

/** A job (or income from it) that a source or documents showed. */
export interface VerifiedEmployment {
  employer: string;
  jobTitle: string | null;
  /** First and last day the evidence shows the job (a start date, or the first and last pay day). */
  startDate: string | null;
  endDate: string | null;
  /** Gross annual pay the evidence gives or implies (a P60's total, twelve monthly payslips' gross). */
  annualGross: number | null;
  /** The currency of the amounts (ISO 4217), where the evidence tells; null when unknown or mixed. */
  currency?: string | null | undefined;
  payments: { date: string; gross: number | null; net: number | null }[];
  sources: EvidenceSource[];
  /** The lowest confidence among the values this item rests on (1 for a source's own records). */
  confidence: number;
}

export type ComparisonStatus = 'verified' | 'partly_verified' | 'unverified';

export interface EmploymentComparison {
  declaredId: string;
  employer: string;
  status: ComparisonStatus;
  /** What differs between the declaration and the evidence, in words the business can act on. */
  differences: string[];
  /** Indexes into the timeline of the items that support this job. */
  evidence: number[];
}

export interface Gap {
  from: string;
  to: string;
  days: number;
}

export interface ComparisonOptions {
  /** Breaks in the declared history longer than this are reported. */
  maxGapDays: number;
  /** How far evidence may start after the declared start (or end before the declared end): pay is monthly. */
  dateToleranceDays: number;
  /** Relative difference of annual income that still counts as the same. */
  incomeTolerance: number;
  today: string;
}

export const DEFAULT_COMPARISON: Omit<ComparisonOptions, 'today'> = {
  maxGapDays: 90,
  dateToleranceDays: 35,
  incomeTolerance: 0.1,
};

const SUFFIXES =
  /\b(ltd|limited|plc|llp|llc|inc|incorporated|gmbh|ag|sa|bv|co|company|corp|corporation|group|uk|the)\b/g;

/** Employer names compared without legal suffixes, case and punctuation: "ACME Widgets Ltd." = "Acme Widgets". */
export function employerKey(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9 ]+/g, ' ')
    .replace(SUFFIXES, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function sameEmployer(a: string, b: string): boolean {
  const x = employerKey(a);
  const y = employerKey(b);
  return x.length > 0 && y.length > 0 && (x === y || x.startsWith(`${y} `) || y.startsWith(`${x} `));
}

const DAY = 86_400_000;
const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY);

/**
 * Compares each declared job with the timeline: verified when a source shows the employer over the declared
 * dates (within the tolerance) and the declared income; partly verified, with the differences, when the
 * employer is shown but the dates or income differ; unverified when nothing shows it.
 */
export function compareWithDeclaration(
  declared: DeclaredEmployment[],
  timeline: VerifiedEmployment[],
  options: ComparisonOptions,
): { employments: EmploymentComparison[]; gaps: Gap[]; undeclared: number[] } {
  const employments = declared.map((job): EmploymentComparison => {
    const evidence = timeline.flatMap((item, i) => (sameEmployer(item.employer, job.employer) ? [i] : []));
    if (!evidence.length) {
      return { declaredId: job.id, employer: job.employer, status: 'unverified', differences: [], evidence };
    }
    const items = evidence.map((i) => timeline[i]!);
    const differences: string[] = [];
    const starts = items
      .map((i) => i.startDate)
      .filter((d): d is string => d !== null)
      .sort();
    const ends = items
      .map((i) => i.endDate)
      .filter((d): d is string => d !== null)
      .sort();
    const shownFrom = starts[0];
    const shownTo = ends.at(-1);
    if (!shownFrom) differences.push('The evidence shows no dates.');
    else if (days(job.startDate, shownFrom) > options.dateToleranceDays) {
      differences.push(`Declared from ${job.startDate}; the evidence starts on ${shownFrom}.`);
    } else if (days(shownFrom, job.startDate) > options.dateToleranceDays) {
      differences.push(`Declared from ${job.startDate}; the evidence shows the job already on ${shownFrom}.`);
    }
    const declaredEnd = job.endDate ?? options.today;
    if (shownTo && days(shownTo, declaredEnd) > options.dateToleranceDays) {
      differences.push(`Declared until ${job.endDate ?? 'now'}; the evidence ends on ${shownTo}.`);
    } else if (shownTo && days(declaredEnd, shownTo) > options.dateToleranceDays) {
      differences.push(
        `Declared until ${job.endDate ?? 'now'}; the evidence shows the job still on ${shownTo}.`,
      );
    }
    const grossItem = items.find((i) => i.annualGross !== null);
    const gross = grossItem?.annualGross ?? undefined;
    const shownIn = grossItem?.currency ?? null;
    if (
      job.annualIncome !== undefined &&
      gross !== undefined &&
      job.currency &&
      shownIn &&
      shownIn !== job.currency
    ) {
      // Pounds and dollars are not comparable as numbers: the business converts, if it wants to.
      differences.push(
        `Declared income is in ${job.currency}; the evidence shows ${gross.toFixed(0)} ${shownIn} a year (not compared).`,
      );
    } else if (job.annualIncome !== undefined && gross !== undefined) {
      const off = Math.abs(gross - job.annualIncome) / job.annualIncome;
      if (off > options.incomeTolerance) {
        differences.push(
          `Declared income ${job.annualIncome.toFixed(0)} a year; the evidence shows ${gross.toFixed(0)} (${Math.round(off * 100)}% apart).`,
        );
      }
    }
    const title = items.map((i) => i.jobTitle).find((t): t is string => t !== null);
    if (job.jobTitle && title && employerKey(title) !== employerKey(job.jobTitle)) {
      differences.push(`Declared as "${job.jobTitle}"; the evidence says "${title}".`);
    }
    return {
      declaredId: job.id,
      employer: job.employer,
      status: differences.length ? 'partly_verified' : 'verified',
      differences,
      evidence,
    };
  });
  // Jobs the evidence shows that the candidate did not declare: worth a question, not a verdict.
  const used = new Set(employments.flatMap((e) => e.evidence));
  const undeclared = timeline.flatMap((_, i) => (used.has(i) ? [] : [i]));
  return { employments, gaps: declaredGaps(declared, options), undeclared };
}

/** Breaks between declared jobs (and since the last one ended) longer than the allowed gap. */
export function declaredGaps(declared: DeclaredEmployment[], options: ComparisonOptions): Gap[] {
  const spans = declared
    .map((j) => ({ from: j.startDate, to: j.endDate ?? options.today }))
    .sort((a, b) => a.from.localeCompare(b.from));
  const gaps: Gap[] = [];
  let coveredTo: string | undefined;
  for (const span of spans) {
    if (coveredTo && days(coveredTo, span.from) - 1 > options.maxGapDays) {
      gaps.push({ from: coveredTo, to: span.from, days: days(coveredTo, span.from) - 1 });
    }
    if (!coveredTo || span.to > coveredTo) coveredTo = span.to;
  }
  if (coveredTo && days(coveredTo, options.today) - 1 > options.maxGapDays) {
    gaps.push({ from: coveredTo, to: options.today, days: days(coveredTo, options.today) - 1 });
  }
  return gaps;
}
