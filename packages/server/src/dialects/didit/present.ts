import type { Attempt, CheckResult, Decision, Session, Workflow } from '@openidv/domain';
import type { AuditEntry } from '@openidv/storage';
import { presentDecision } from '../../usecases/sessions/present-session.ts';
import {
  type DiditStatus,
  diditDocumentType,
  diditStatus,
  FEATURES,
  UNSUPPORTED_FEATURE_KEYS,
} from './codes.ts';
import { toDiditScore } from './scores.ts';
import { diditSettings } from './workflows.ts';

/**
 * What the Didit dialect keeps about a session (in the id mapping's `extra`): its number only. Personal data
 * stays in the session, where deletion erases it.
 */
export interface DiditSessionExtra {
  sessionNumber?: number;
}

export interface DiditIds {
  sessionId: string;
  sessionNumber: number | null;
}

/** `expected_details` and `contact_details` as given at creation, read back from the session. */
function givenDetails(session: Session) {
  const p = session.expected.person ?? {};
  const d = session.expected.document ?? {};
  const pick = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => typeof v === 'string' && v));
  const expected = pick({
    first_name: p.firstName,
    last_name: p.lastName,
    date_of_birth: p.dateOfBirth,
    nationality: p.nationality,
    id_country: d.country,
  });
  const type = diditDocumentType(d.type);
  if (type) expected['expected_document_types'] = [type];
  const contact = pick({ email: p['email'], phone: p['phone'] });
  return {
    expected: Object.keys(expected).length ? expected : null,
    contact: Object.keys(contact).length ? contact : null,
  };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** Unix seconds, as Didit's webhooks carry time. */
export const unixSeconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** The answer to `POST /v3/session/`. */
export function createdBody(session: Session, ids: DiditIds, url: string) {
  return {
    session_id: ids.sessionId,
    session_kind: 'user',
    session_number: ids.sessionNumber,
    session_token: session.journeyToken,
    url,
    vendor_data: session.vendorData,
    metadata: session.metadata,
    status: diditStatus(session.status),
    callback: session.callbackUrl,
    workflow_id: session.workflowId,
    workflow_version: session.workflowVersion,
  };
}

/** One row of `GET /v3/sessions/`. */
export function listItem(session: Session, ids: DiditIds, url: string | null) {
  return {
    session_id: ids.sessionId,
    session_kind: 'user',
    session_number: ids.sessionNumber,
    session_url: url,
    status: diditStatus(session.status),
    vendor_data: session.vendorData,
    metadata: session.metadata,
    workflow_id: session.workflowId,
    created_at: session.createdAt.toISOString(),
  };
}

/** A feature's status from its check: Approved, Declined, In Review, or Not Finished when it could not judge. */
function featureStatus(check: CheckResult, decision: Decision): DiditStatus | 'Not Finished' {
  if (check.status === 'passed') return 'Approved';
  if (check.status === 'not_applicable') return 'Not Finished';
  if (check.status === 'error') return 'In Review';
  const actions = decision.reasons.filter((r) => r.check === check.type).map((r) => r.action);
  if (actions.includes('decline')) return 'Declined';
  if (actions.includes('review') || actions.includes('resubmit')) return 'In Review';
  return 'Approved';
}

function warnings(check: CheckResult, decision: Decision) {
  const reasons = check.status === 'failed' ? check.reasons : [];
  return reasons.map((r) => {
    const action = decision.reasons.find((d) => d.check === check.type && d.code === r.code)?.action;
    return {
      risk: r.code,
      short_description: r.message,
      long_description: r.message,
      log_type: action === 'decline' ? 'error' : action === 'none' ? 'information' : 'warning',
    };
  });
}

const percent = (score: number | undefined) =>
  score === undefined ? null : Math.round(score * 10_000) / 100;

function ageOn(dateOfBirth: string | null, at: Date): number | null {
  if (!dateOfBirth || !/^\d{4}-\d{2}-\d{2}$/.test(dateOfBirth)) return null;
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
  let age = at.getUTCFullYear() - y;
  if (at.getUTCMonth() + 1 < m || (at.getUTCMonth() + 1 === m && at.getUTCDate() < d)) age--;
  return age;
}

/** The feature-specific fields of one item, read from the check and the decision's extracted data. */
function featureFields(
  feature: (typeof FEATURES)[number]['feature'],
  check: CheckResult,
  session: Session,
  person: Record<string, unknown>,
  doc: Record<string, unknown>,
  decidedAt: Date,
) {
  switch (feature) {
    case 'ID_VERIFICATION': {
      const first = str(person['firstName']);
      const last = str(person['lastName']);
      const dob = str(person['dateOfBirth']);
      return {
        document_type: diditDocumentType(doc['type']),
        document_number: str(doc['number']),
        personal_number: str(person['personalNumber']),
        first_name: first,
        last_name: last,
        full_name: [first, last].filter(Boolean).join(' ') || null,
        date_of_birth: dob,
        age: ageOn(dob, decidedAt),
        gender: str(person['sex']),
        nationality: str(person['nationality']),
        issuing_state: str(doc['country']),
        expiration_date: str(doc['expiryDate']),
        date_of_issue: str(doc['issueDate']),
      };
    }
    case 'LIVENESS':
      return {
        method: check.type === 'active-liveness' ? 'ACTIVE_3D' : 'PASSIVE',
        score: check.score === undefined ? null : toDiditScore(check.type, check.score),
        age_estimation: typeof person['estimatedAge'] === 'number' ? person['estimatedAge'] : null,
      };
    case 'FACE_MATCH':
      return { score: check.score === undefined ? null : toDiditScore(check.type, check.score) };
    case 'AML': {
      const hits = Array.isArray(check.evidence['hits'])
        ? (check.evidence['hits'] as Record<string, unknown>[])
        : [];
      return {
        total_hits: hits.length,
        score: percent(check.score),
        hits: hits.map((h) => ({
          id: str(h['entityId']),
          caption: str(h['name']),
          match_score: typeof h['score'] === 'number' ? h['score'] : null,
          datasets: [str(h['listId'])].filter(Boolean),
        })),
      };
    }
    case 'IP_ANALYSIS':
      return { ip_address: str(session.collected.ip) };
    case 'EMAIL':
      return { email: str(session.collected.email) ?? str(session.expected.person?.['email']) };
    case 'PHONE':
      return { full_number: str(session.collected.phone) ?? str(session.expected.person?.['phone']) };
  }
}

/** Didit's `reviews[]`: the people (and API calls) that decided or commented on the session. */
export function reviewItems(entries: AuditEntry[]) {
  const STATUS: Record<string, DiditStatus> = {
    'review.approve': 'Approved',
    'review.decline': 'Declined',
    'review.resubmit': 'Resubmitted',
  };
  return entries
    .filter((e) => e.action in STATUS || e.action === 'review.note')
    .map((e) => {
      const after = (e.after ?? {}) as Record<string, unknown>;
      return {
        id: e.id,
        user: e.actorLabel ?? e.actor,
        new_status: STATUS[e.action] ?? null,
        comment: str(after['note']) ?? str(after['text']),
        created_at: e.createdAt.toISOString(),
      };
    })
    .reverse();
}

/**
 * The v3 decision (`GET /v3/session/{id}/decision/` and the webhooks' `decision`): the session, then one array
 * per feature with an item per check that ran, or null when the workflow has no such check or it has not run.
 */
export function decisionBody(
  session: Session,
  attempt: Attempt | undefined,
  ids: DiditIds,
  urls: { session: string | null },
  reviews: AuditEntry[],
  questionnaireResponses: unknown[] | null = null,
) {
  const decision = attempt?.decision ?? null;
  const given = givenDetails(session);
  const d = presentDecision(session, attempt);
  const person = d.person as Record<string, unknown>;
  const doc = d.document as Record<string, unknown>;
  const arrays: Record<string, unknown[] | null> = {};
  const features: string[] = [];
  for (const f of FEATURES) {
    const checks = decision?.checks.filter((c) => (f.checks as readonly string[]).includes(c.type)) ?? [];
    if (!checks.length) {
      arrays[f.key] = null;
      continue;
    }
    features.push(f.feature);
    arrays[f.key] = checks.map((check, i) => ({
      node_id: i === 0 ? f.node : `${f.node}_${i + 1}`,
      status: featureStatus(check, decision!),
      ...featureFields(f.feature, check, session, person, doc, decision!.decidedAt),
      warnings: warnings(check, decision!),
    }));
  }
  for (const key of UNSUPPORTED_FEATURE_KEYS) arrays[key] = null;
  arrays['questionnaire_responses'] = questionnaireResponses;
  if (questionnaireResponses) features.push('QUESTIONNAIRE');
  const resubmit =
    session.status === 'resubmission_requested'
      ? (decision?.review?.resubmitSteps ?? []).map((step) => ({ context: step }))
      : [];
  return {
    session_id: ids.sessionId,
    session_number: ids.sessionNumber,
    session_kind: 'user',
    session_url: urls.session,
    status: diditStatus(session.status),
    environment: 'live',
    workflow_id: session.workflowId,
    workflow_version: session.workflowVersion,
    features,
    vendor_data: session.vendorData,
    metadata: session.metadata,
    callback: session.callbackUrl,
    expected_details: given.expected,
    contact_details: given.contact,
    created_at: session.createdAt.toISOString(),
    ...arrays,
    reviews: reviewItems(reviews),
    resubmit_info: resubmit.length ? { nodes_to_resubmit: resubmit } : null,
  };
}

/** A workflow as `GET /v3/workflows/` shows it. */
export function workflowBody(w: Workflow, urlBase: string) {
  const features = FEATURES.filter((f) =>
    w.checks.some((c) => (f.checks as readonly string[]).includes(c.type)),
  ).map((f) => f.feature as string);
  if (w.questionnaire) features.push('QUESTIONNAIRE');
  return {
    uuid: w.id,
    workflow_id: w.id,
    workflow_label: w.name,
    workflow_type: 'kyc',
    is_default: w.isDefault,
    is_archived: false,
    features,
    checks: w.checks.map((c) => c.type),
    ...diditSettings(w),
    is_editable: true,
    workflow_url: `${urlBase}/v3/workflows/${w.id}/`,
    session_expiration_time: w.sessionLifetimeSeconds ? Math.round(w.sessionLifetimeSeconds / 60) : null,
    version: w.version,
    status: 'published',
    has_draft: false,
    created_at: w.createdAt.toISOString(),
    updated_at: w.updatedAt.toISOString(),
  };
}
