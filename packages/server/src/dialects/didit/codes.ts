import type { SessionStatus } from '@openidv/domain';

/**
 * Didit's session statuses, exact and case-sensitive as Didit documents them. openidv has no "Kyc Expired"
 * (approvals do not lapse) and no "Awaiting User".
 */
export type DiditStatus =
  | 'Not Started'
  | 'In Progress'
  | 'In Review'
  | 'Approved'
  | 'Declined'
  | 'Resubmitted'
  | 'Abandoned'
  | 'Expired';

const STATUS: Record<SessionStatus, DiditStatus> = {
  created: 'Not Started',
  started: 'In Progress',
  // Didit has no "submitted": the session stays In Progress until its features have run.
  submitted: 'In Progress',
  processing: 'In Progress',
  review: 'In Review',
  approved: 'Approved',
  declined: 'Declined',
  resubmission_requested: 'Resubmitted',
  expired: 'Expired',
  abandoned: 'Abandoned',
  // Didit has no cancelled session; a session the business cancelled was left unfinished, as an abandoned one is.
  cancelled: 'Abandoned',
};

export function diditStatus(status: SessionStatus): DiditStatus {
  return STATUS[status];
}

/**
 * The status Didit's web SDK reports in its completion callback (`VerificationStatus` in
 * `@didit-protocol/sdk-web`): a decision once there is one, "Pending" until then (submitted, in review).
 */
export type DiditFrameStatus = 'Approved' | 'Declined' | 'Pending';

export function diditFrameStatus(status: SessionStatus): DiditFrameStatus {
  const s = STATUS[status];
  return s === 'Approved' || s === 'Declined' ? s : 'Pending';
}

/** The openidv statuses behind a Didit status (for the `status` filter of the session list). */
export function coreStatuses(status: string): SessionStatus[] | undefined {
  const found = (Object.entries(STATUS) as [SessionStatus, DiditStatus][]).filter(([, d]) => d === status);
  return found.length ? found.map(([s]) => s) : undefined;
}

/** Didit's document type codes (`expected_document_types`, `document_type`) and openidv's. */
const DOCUMENT_TYPES = {
  P: 'passport',
  ID: 'id_card',
  DL: 'driving_licence',
  RP: 'residence_permit',
} as const;
export type DiditDocumentCode = keyof typeof DOCUMENT_TYPES;

export function coreDocumentType(code: string): (typeof DOCUMENT_TYPES)[DiditDocumentCode] | undefined {
  return DOCUMENT_TYPES[code as DiditDocumentCode];
}

export function diditDocumentType(type: unknown): string | null {
  const found = Object.entries(DOCUMENT_TYPES).find(([, t]) => t === type);
  return found ? found[0] : null;
}

/**
 * Didit's per-feature result arrays and the openidv checks that fill them. Checks with no Didit feature
 * (image quality, blocklist, face duplicates, velocity) count in the session status only.
 */
export const FEATURES = [
  { feature: 'ID_VERIFICATION', key: 'id_verifications', node: 'feature_ocr', checks: ['document'] },
  {
    feature: 'LIVENESS',
    key: 'liveness_checks',
    node: 'feature_liveness',
    checks: ['liveness', 'active-liveness'],
  },
  { feature: 'FACE_MATCH', key: 'face_matches', node: 'feature_face', checks: ['face-match'] },
  { feature: 'AML', key: 'aml_screenings', node: 'feature_aml', checks: ['aml'] },
  { feature: 'IP_ANALYSIS', key: 'ip_analyses', node: 'feature_ip_analysis', checks: ['ip-risk'] },
  { feature: 'EMAIL', key: 'email_verifications', node: 'feature_email', checks: ['email-risk'] },
  { feature: 'PHONE', key: 'phone_verifications', node: 'feature_phone', checks: ['phone-risk'] },
] as const;

/** Feature arrays Didit has and openidv never fills (no such check): always null. */
export const UNSUPPORTED_FEATURE_KEYS = [
  'nfc_verifications',
  'poa_verifications',
  'database_validations',
] as const;

/** What a Didit `nodes_to_resubmit` feature asks the applicant to do again, in openidv upload contexts. */
export function resubmitSteps(feature: string): ('document-front' | 'document-back' | 'face' | 'liveness')[] {
  switch (feature) {
    case 'OCR':
    case 'ID_VERIFICATION':
    case 'NFC':
      return ['document-front', 'document-back'];
    case 'LIVENESS':
      return ['face', 'liveness'];
    case 'FACE_MATCH':
      return ['face'];
    default:
      return [];
  }
}

/**
 * An error in Didit's shape (Django REST framework's): `{"detail": "..."}`, or for invalid input one list of
 * messages per field, `{"vendor_data": ["..."]}`.
 */
export class DiditError extends Error {
  readonly httpStatus: number;
  readonly fields: Record<string, string[]> | undefined;

  constructor(httpStatus: number, message: string, fields?: Record<string, string[]>) {
    super(message);
    this.httpStatus = httpStatus;
    this.fields = fields;
  }

  static field(name: string, message: string): DiditError {
    return new DiditError(400, `${name}: ${message}`, { [name]: [message] });
  }

  body(): Record<string, unknown> {
    return this.fields ?? { detail: this.message };
  }
}

export const NOT_PROVIDED = 'Authentication credentials were not provided.';
export const FORBIDDEN = 'You do not have permission to perform this action.';
export const NOT_FOUND = 'Not found.';
