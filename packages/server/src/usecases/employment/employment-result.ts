import {
  compareWithDeclaration,
  DEFAULT_COMPARISON,
  type DeclaredEmployment,
  type EmploymentComparison,
  type Gap,
  type IncomeDocumentReading,
  timelineFromDocuments,
  type VerifiedEmployment,
} from '@openidv/check-employment';
import type { CheckResult, Session } from '@openidv/domain';
import { type Executor, employment } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';
import type { EmploymentSettings } from './declaration.ts';

export interface DocumentSummary {
  mediaId: string;
  kind: string;
  textSource: 'pdf-text' | 'ocr' | null;
  employer: string | null;
  employee: string | null;
  payDates: string[];
  grossPay: number | null;
  netPay: number | null;
  currency: string | null;
  country: 'GB' | 'US' | null;
  taxReference: string | null;
  /** Lowest confidence among the values read (0..1). */
  confidence: number | null;
  /** With `evidence` when the flag rests on the PDF's own records (revisions, metadata, text placement). */
  flags: { code: string; message: string; evidence?: Record<string, unknown> }[];
}

export interface ConnectionSummary {
  sourceId: string;
  sourceName: string;
  declaredId: string | null;
  status: string;
  errorCode: string | null;
}

/** What the business receives: the timeline with its evidence, and how it compares with the declaration. */
export interface EmploymentResult {
  declared: DeclaredEmployment[];
  timeline: VerifiedEmployment[];
  comparison: EmploymentComparison[];
  gaps: Gap[];
  /** Indexes into `timeline` of jobs the evidence shows but the candidate did not declare. */
  undeclared: number[];
  maxGapDays: number;
  documents: DocumentSummary[];
  connections: ConnectionSummary[];
  computedAt: string;
}

type DocumentEvidence = { mediaId: string } & (IncomeDocumentReading | { error: string });

function summarise(d: DocumentEvidence): DocumentSummary {
  if ('error' in d) {
    return {
      mediaId: d.mediaId,
      kind: 'unknown',
      textSource: null,
      employer: null,
      employee: null,
      payDates: [],
      grossPay: null,
      netPay: null,
      currency: null,
      country: null,
      taxReference: null,
      confidence: null,
      flags: [{ code: 'EMPLOYMENT_DOCUMENT_UNREADABLE', message: d.error }],
    };
  }
  const f = d.fields;
  const confidences = [f.employerName, f.employeeName, f.grossPay, f.netPay, f.taxReference, ...f.payDates]
    .filter((x) => x !== undefined)
    .map((x) => x.confidence);
  return {
    mediaId: d.mediaId,
    kind: f.kind,
    textSource: d.source,
    employer: f.employerName?.value ?? f.payments.find((p) => p.payer)?.payer ?? null,
    employee: f.employeeName?.value ?? null,
    payDates: f.payDates.map((p) => p.value),
    grossPay: f.grossPay?.value ?? null,
    netPay: f.netPay?.value ?? null,
    currency: f.currency ?? null,
    country: f.country ?? null,
    taxReference: f.taxReference?.value ?? null,
    confidence: confidences.length ? Math.min(...confidences) : null,
    flags: d.flags,
  };
}

/**
 * Builds the result of an employment or income session from what its sources returned and what the employment
 * check read from its documents, and stores it. Runs in the decision's transaction: the result and the decision
 * are announced together.
 */
export async function storeEmploymentResult(
  platform: Platform,
  tx: Executor,
  session: Session,
  checks: CheckResult[],
): Promise<EmploymentResult | undefined> {
  const row = await employment.findVerification<DeclaredEmployment[], EmploymentSettings, EmploymentResult>(
    tx,
    session.id,
  );
  if (!row) return undefined;
  const connections = await employment.listConnections<VerifiedEmployment[]>(tx, session.id);
  const documents = (checks.find((c) => c.type === 'employment')?.evidence['documents'] ??
    []) as DocumentEvidence[];
  const fromDocuments = timelineFromDocuments(
    documents
      .filter((d): d is { mediaId: string } & IncomeDocumentReading => !('error' in d))
      .map(({ mediaId, ...reading }) => ({ mediaId, reading })),
  );
  const fromSources = connections.flatMap((c) => (c.status === 'connected' ? (c.employments ?? []) : []));
  const timeline = [...fromSources, ...fromDocuments].sort((a, b) =>
    (a.startDate ?? '').localeCompare(b.startDate ?? ''),
  );
  const now = platform.now();
  const compared = compareWithDeclaration(row.declared, timeline, {
    ...DEFAULT_COMPARISON,
    maxGapDays: row.settings.maxGapDays,
    today: now.toISOString().slice(0, 10),
  });
  const result: EmploymentResult = {
    declared: row.declared,
    timeline,
    comparison: compared.employments,
    gaps: compared.gaps,
    undeclared: compared.undeclared,
    maxGapDays: row.settings.maxGapDays,
    documents: documents.map(summarise),
    connections: connections.map((c) => ({
      sourceId: c.sourceId,
      sourceName: platform.employmentSources.get(c.sourceId)?.name ?? c.sourceId,
      declaredId: c.declaredId,
      status: c.status,
      errorCode: c.errorCode,
    })),
    computedAt: now.toISOString(),
  };
  await employment.storeResult(tx, session.id, result, now.getTime());
  return result;
}
