import { type EvidenceSource, sameEmployer, type VerifiedEmployment } from './comparison.ts';
import type { IncomeDocumentReading } from './income-document.ts';

const DAY = 86_400_000;

/** Pay periods a year, judged from the median days between pay days. */
function periodsPerYear(dates: string[]): number | null {
  if (dates.length < 2) return null;
  const sorted = [...dates].sort();
  const gaps = sorted.slice(1).map((d, i) => (Date.parse(d) - Date.parse(sorted[i]!)) / DAY);
  const median = gaps.sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
  if (median >= 26 && median <= 33) return 12;
  if (median >= 12 && median <= 16) return 26;
  if (median >= 6 && median <= 8) return 52;
  return null;
}

/**
 * Turns sound documents into timeline items, one per employer: payslips and statements of the same employer
 * join into one span from the first to the last pay day. Flagged documents prove nothing and are left out.
 */
export function timelineFromDocuments(
  documents: { mediaId: string; reading: IncomeDocumentReading }[],
): VerifiedEmployment[] {
  const items: VerifiedEmployment[] = [];
  for (const { mediaId, reading } of documents) {
    if (reading.flags.length) continue;
    const f = reading.fields;
    const employer = f.employerName?.value ?? f.payments.find((p) => p.payer)?.payer;
    if (!employer) continue;
    const source: EvidenceSource = { kind: 'document', mediaId, documentKind: f.kind };
    const confidences = [
      f.employerName?.confidence ?? f.payments[0]?.confidence ?? 0,
      ...f.payments.map((p) => p.confidence),
    ];
    const payments = f.payments.map((p) => ({
      date: p.date,
      gross: f.kind === 'payslip' ? (f.grossPay?.value ?? null) : null,
      net: p.amount,
    }));
    const dates = [
      ...payments.map((p) => p.date),
      ...(f.startDate ? [f.startDate.value] : []),
      ...(f.endDate ? [f.endDate.value] : []),
    ].sort();
    // A P60's, SA302's or W-2's yearly total (a W-2's box 1, taxable wages); an offer letter's salary.
    const yearly =
      f.kind === 'p60' || f.kind === 'sa302' || f.kind === 'w2'
        ? f.grossPay
        : f.kind === 'contract'
          ? f.annualSalary
          : undefined;
    const annualGross = yearly?.value ?? null;
    const currency =
      yearly?.currency ?? f.grossPay?.currency ?? f.payments[0]?.currency ?? f.currency ?? null;
    const existing = items.find((i) => sameEmployer(i.employer, employer));
    if (existing) {
      existing.payments.push(...payments);
      existing.sources.push(source);
      existing.confidence = Math.min(existing.confidence, ...confidences);
      const all = [existing.startDate, existing.endDate, ...dates]
        .filter((d): d is string => d !== null)
        .sort();
      existing.startDate = all[0] ?? null;
      existing.endDate = all.at(-1) ?? null;
      existing.jobTitle ??= f.jobTitle?.value ?? null;
      if (existing.annualGross === null && annualGross !== null) {
        existing.annualGross = annualGross;
        existing.currency = currency;
      }
      // Documents of one employer in different currencies: no single currency can be given for its figures.
      else if (currency && existing.currency && currency !== existing.currency) existing.currency = null;
      else existing.currency ??= currency;
    } else {
      items.push({
        employer,
        jobTitle: f.jobTitle?.value ?? null,
        startDate: dates[0] ?? null,
        endDate: dates.at(-1) ?? null,
        annualGross,
        currency,
        payments,
        sources: [source],
        confidence: Math.min(...confidences),
      });
    }
  }
  for (const item of items) {
    item.payments.sort((a, b) => a.date.localeCompare(b.date));
    if (item.annualGross !== null) continue;
    // Without a yearly total, regular payslips imply one: their mean gross times the pay periods in a year.
    const grossPaid = item.payments.filter((p) => p.gross !== null);
    const perYear = periodsPerYear(grossPaid.map((p) => p.date));
    if (perYear) {
      const mean = grossPaid.reduce((s, p) => s + p.gross!, 0) / grossPaid.length;
      item.annualGross = Math.round(mean * perYear * 100) / 100;
    }
  }
  return items.sort((a, b) => (a.startDate ?? '').localeCompare(b.startDate ?? ''));
}
