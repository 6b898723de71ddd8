import type { Session } from '@openidv/domain';
import type { EmploymentResult } from './employment-result.ts';

/** The public shape of an employment result, for the API and the `employment.completed` webhook. */
export function presentEmploymentResult(session: Session, result: EmploymentResult, publicUrl: string) {
  return {
    sessionId: session.id,
    type: session.type,
    vendorData: session.vendorData,
    declared: result.declared.map((d) => ({
      id: d.id,
      employer: d.employer,
      jobTitle: d.jobTitle ?? null,
      startDate: d.startDate,
      endDate: d.endDate ?? null,
      annualIncome: d.annualIncome ?? null,
      currency: d.currency ?? null,
    })),
    timeline: result.timeline,
    comparison: result.comparison,
    gaps: result.gaps,
    undeclared: result.undeclared,
    maxGapDays: result.maxGapDays,
    documents: result.documents,
    connections: result.connections,
    computedAt: result.computedAt,
    reportUrl: `${publicUrl}/v1/sessions/${session.id}/report.pdf`,
  };
}
