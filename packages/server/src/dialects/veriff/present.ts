import type { Attempt, CheckResult, Session } from '@openidv/domain';
import { presentDecision } from '../../usecases/sessions/present-session.ts';
import { toAlpha2 } from '../countries.ts';
import { veriffDocumentType, veriffReason, veriffStatus } from './codes.ts';

export interface VeriffIds {
  session: string;
  attempt: string | null;
}

/** What the Veriff dialect keeps about a session it created (in the id mapping's `extra`). */
export interface VeriffSessionExtra {
  endUserId?: string | null;
  providerName?: string;
}

/** `verification` of POST /sessions and PATCH /sessions/{id}. */
export function verificationBody(
  session: Session,
  externalId: string,
  journeyUrl: string,
  host: string,
  sessionToken: string,
) {
  return {
    status: 'success',
    verification: {
      id: externalId,
      url: journeyUrl,
      vendorData: session.vendorData,
      host,
      status: veriffStatus(session.status).status,
      sessionToken,
      baseUrl: host,
    },
  };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/**
 * The decision in Veriff's shape: `GET /sessions/{id}/decision` and the decision webhook. `verification` is
 * null until the session has a decision (or expired / was abandoned), as at Veriff.
 */
export function decisionBody(
  session: Session,
  attempt: Attempt | undefined,
  ids: VeriffIds,
  extra: VeriffSessionExtra,
) {
  const { status, code } = veriffStatus(session.status);
  const terminalWithoutDecision = ['expired', 'abandoned', 'cancelled'].includes(session.status);
  if (!attempt?.decision && !terminalWithoutDecision) {
    return { status: 'success', verification: null, technicalData: { ip: str(session.collected.ip) } };
  }
  const d = presentDecision(session, attempt);
  const { reasonCode, reason } = veriffReason(session.status, d.reasons);
  const person = d.person as Record<string, unknown>;
  const doc = d.document as Record<string, unknown>;
  const dob = str(person['dateOfBirth']);
  const aml = attempt?.decision?.checks.find((c) => c.type === 'aml');
  const ageField = person['estimatedAge'];
  return {
    status: 'success',
    verification: {
      id: ids.session,
      attemptId: ids.attempt,
      code,
      status,
      reason,
      reasonCode,
      vendorData: session.vendorData,
      endUserId: extra.endUserId ?? null,
      decisionTime: d.decidedAt ?? session.updatedAt.toISOString(),
      acceptanceTime: session.createdAt.toISOString(),
      submissionTime: attempt?.submittedAt?.toISOString() ?? null,
      person: {
        firstName: str(person['firstName']),
        lastName: str(person['lastName']),
        dateOfBirth: dob,
        yearOfBirth: dob ? dob.slice(0, 4) : null,
        gender: person['sex'] === 'M' || person['sex'] === 'F' ? person['sex'] : null,
        idNumber: str(person['personalNumber']),
        nationality: toAlpha2(person['nationality']),
        citizenship: null,
        placeOfBirth: null,
        pepSanctionMatch: aml ? (aml.status === 'failed' ? 'Possible match' : 'No match') : null,
        addresses: [],
      },
      document: {
        type: veriffDocumentType(str(doc['type']) ?? undefined),
        number: str(doc['number']),
        country: toAlpha2(doc['country']),
        validFrom: str(doc['issueDate']),
        validUntil: str(doc['expiryDate']),
        state: null,
        placeOfIssue: null,
        firstIssue: null,
        issueNumber: null,
        issuedBy: null,
      },
      comments: [],
      additionalVerifiedData: typeof ageField === 'number' ? { estimatedAge: ageField } : {},
      riskLabels: d.riskLabels.map((label) => ({ label, category: riskCategory(label), sessionIds: [] })),
    },
    technicalData: { ip: str(session.collected.ip) },
  };
}

function riskCategory(label: string): string {
  if (label === 'sanctions' || label === 'pep') return 'person';
  if (label.startsWith('document') || label.startsWith('doc')) return 'document';
  return 'client_data_mismatch';
}

/** Event webhook: `{id, attemptId, feature, code, action, vendorData, endUserId}` (7001 started, 7002 submitted). */
export function eventBody(
  session: Pick<Session, 'status' | 'vendorData'>,
  ids: VeriffIds,
  extra: VeriffSessionExtra,
) {
  const { status, code } = veriffStatus(session.status);
  return {
    id: ids.session,
    attemptId: ids.attempt,
    feature: 'selfid',
    code,
    action: status,
    vendorData: session.vendorData,
    endUserId: extra.endUserId ?? null,
  };
}

/** `GET /sessions/{id}/person`. */
export function personBody(session: Session, attempt: Attempt | undefined, externalId: string) {
  const d = presentDecision(session, attempt);
  const person = d.person as Record<string, unknown>;
  const expected = (session.expected.person ?? {}) as Record<string, unknown>;
  const aml = attempt?.decision?.checks.find((c) => c.type === 'aml');
  return {
    status: 'success',
    person: {
      id: externalId,
      firstName: str(person['firstName']) ?? str(expected['firstName']),
      lastName: str(person['lastName']) ?? str(expected['lastName']),
      idCode: str(person['personalNumber']) ?? str(expected['idNumber']),
      dateOfBirth: str(person['dateOfBirth']) ?? str(expected['dateOfBirth']),
      gender: person['sex'] === 'M' || person['sex'] === 'F' ? person['sex'] : null,
      nationality: toAlpha2(person['nationality']),
      placeOfBirth: null,
      citizenships: [],
      pepSanctionMatches: aml
        ? amlHits(aml).map((h) => ({
            provider: 'openidv',
            numberOfMatches: 1,
            date: d.decidedAt,
            matches: [h],
          }))
        : [],
    },
  };
}

function amlHits(aml: CheckResult): { name: string; score: number; lists: unknown; topics: unknown }[] {
  const hits = (aml.evidence['hits'] ?? []) as Record<string, unknown>[];
  return hits.map((h) => ({
    name: String(h['name'] ?? ''),
    score: Number(h['score'] ?? 0),
    lists: h['lists'] ?? [],
    topics: h['topics'] ?? [],
  }));
}

/** `GET /sessions/{id}/watchlist-screening`: the AML check of the latest attempt, or `data: null`. */
export function watchlistBody(session: Session, attempt: Attempt | undefined, ids: VeriffIds) {
  const aml = attempt?.decision?.checks.find((c) => c.type === 'aml');
  if (!aml || aml.status === 'not_applicable' || aml.status === 'error')
    return { status: 'success', data: null };
  const screened = (aml.evidence['screened'] ?? {}) as Record<string, unknown>;
  const hits = amlHits(aml);
  const dob = str(screened['dateOfBirth']);
  return {
    status: 'success',
    data: {
      attemptId: ids.attempt,
      sessionId: ids.session,
      vendorData: session.vendorData,
      endUserId: null,
      checkType: 'initial_result',
      matchStatus: hits.length ? 'possible_match' : 'no_match',
      searchTerm: { name: str(screened['name']), year: dob ? dob.slice(0, 4) : null },
      totalHits: hits.length,
      createdAt: attempt?.decidedAt?.toISOString() ?? null,
      hits: hits.map((h) => ({
        matchedName: h.name,
        matchScore: h.score,
        countries: [],
        dateOfBirth: null,
        dateOfDeath: null,
        matchTypes: ['name_exact'],
        aka: [],
        associates: [],
        listingsRelatedToMatch: {
          warnings: [],
          sanctions: h.lists,
          fitnessProbity: [],
          pep: [],
          adverseMedia: [],
        },
      })),
    },
  };
}
