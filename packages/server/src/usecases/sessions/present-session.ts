import type { Attempt, Decision, ExtractedField, Session } from '@openidv/domain';

/** The public shape of a session, used by the API and in webhook payloads. */
export function presentSession(s: Session, publicUrl: string) {
  const deleted = s.deletedAt !== null;
  return {
    id: s.id,
    type: s.type,
    status: s.status,
    url: deleted ? null : journeyUrl(publicUrl, s.journeyToken),
    workflowId: s.workflowId,
    workflowVersion: s.workflowVersion,
    vendorData: s.vendorData,
    callbackUrl: s.callbackUrl,
    person: (s.expected.person ?? null) as Record<string, unknown> | null,
    document: (s.expected.document ?? null) as Record<string, unknown> | null,
    locale: s.locale,
    metadata: s.metadata,
    attempt: s.attemptCount,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    decidedAt: s.decidedAt?.toISOString() ?? null,
    deletedAt: s.deletedAt?.toISOString() ?? null,
  };
}

export function journeyUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/j/${token}`;
}

/** Flattens `{field: {value, source, confidence}}` to `{field: value}`. */
function values(fields: Record<string, ExtractedField<unknown> | undefined>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields)
      .filter(([, f]) => f !== undefined)
      .map(([k, f]) => [k, f!.value]),
  );
}

/** The questionnaire answers as the decision carries them (see presentAnswers). */
export interface DecisionAnswers {
  questionnaireId: string;
  questionnaireVersion: number;
  answers: Record<string, unknown>;
  answeredAt: string;
}

/**
 * The decision of the session's latest attempt: `pending` until the engine or a reviewer decided. With
 * `answers`, the applicant's questionnaire answers ride along (null when none were given).
 */
export function presentDecision(s: Session, attempt: Attempt | undefined, answers?: DecisionAnswers | null) {
  const d: Decision | null = attempt?.decision ?? null;
  return {
    sessionId: s.id,
    attemptId: attempt?.id ?? s.currentAttemptId,
    attempt: attempt?.number ?? s.attemptCount,
    status: d ? d.status : ('pending' as const),
    reasons: d?.reasons ?? [],
    checks: d?.checks ?? [],
    person: d ? values(d.person as Record<string, ExtractedField<unknown>>) : {},
    document: d ? values(d.document as Record<string, ExtractedField<unknown>>) : {},
    extracted: (d ? { person: d.person, document: d.document } : { person: {}, document: {} }) as {
      person: Record<string, unknown>;
      document: Record<string, unknown>;
    },
    riskLabels: d?.riskLabels ?? [],
    decidedAt: d ? new Date(d.decidedAt).toISOString() : null,
    decidedBy: d?.decidedBy ?? null,
    review: d?.review ?? null,
    provenance: d?.provenance ?? null,
    vendorData: s.vendorData,
    ...(answers !== undefined && { questionnaire: answers }),
  };
}
