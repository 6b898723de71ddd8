import type { CheckResult, MediaContext, SessionStatus } from '@openidv/domain';

/**
 * iDenfy's vocabulary, from its public documentation (documentation.idenfy.com): error identifiers, overall
 * statuses, document and face statuses, fraud and mismatch tags, document types and image keys.
 */

/** iDenfy's error identifiers (documentation.idenfy.com/kyc/id-error-messages). */
export type IdenfyIdentifier =
  | 'INTERNAL_ERROR'
  | 'BAD_VALUE'
  | 'MISSING_VALUE'
  | 'UNAUTHORIZED'
  | 'JSON_ERROR'
  | 'TOKEN_NOT_VALID'
  | 'METHOD_NOT_ALLOWED'
  | 'PERMISSIONS_ERROR'
  | 'PARTNER_ERROR'
  | 'TOO_MANY_REQUESTS'
  | 'VALIDATION_ERROR';

/** An error answered as iDenfy does: the HTTP status and `{"identifier", "message"}`. */
export class IdenfyError extends Error {
  readonly httpStatus: number;
  readonly identifier: IdenfyIdentifier;
  constructor(httpStatus: number, identifier: IdenfyIdentifier, message: string) {
    super(message);
    this.name = 'IdenfyError';
    this.httpStatus = httpStatus;
    this.identifier = identifier;
  }
}

/** `status.overall` and `final` for a core session status. */
export function idenfyOverall(status: SessionStatus, deleted: boolean): { overall: string; final: boolean } {
  if (deleted) return { overall: 'DELETED', final: true };
  switch (status) {
    case 'created':
    case 'started':
      return { overall: 'ACTIVE', final: false };
    case 'submitted':
    case 'processing':
      return { overall: 'REVIEWING', final: false };
    case 'approved':
      return { overall: 'APPROVED', final: true };
    case 'declined':
      return { overall: 'DENIED', final: true };
    // Flags a person will look at: iDenfy's SUSPECTED with a manual result still to come (final false).
    case 'review':
      return { overall: 'SUSPECTED', final: false };
    // The applicant may try again in the same session: denied for now, not final.
    case 'resubmission_requested':
      return { overall: 'DENIED', final: false };
    case 'expired':
    case 'abandoned':
    case 'cancelled':
      return { overall: 'EXPIRED', final: true };
  }
}

/** The `dummyStatus` values iDenfy documents, and the outcome each asks for. */
export const DUMMY_STATUSES = {
  APPROVED: 'approved',
  DENIED: 'declined',
  SUSPECTED: 'review',
  EXPIRED: 'expired',
} as const;

/** iDenfy document types (`documents`, `documentType`, `data.docType`) and the core's. */
const DOC_TYPES: Record<string, string> = {
  ID_CARD: 'id_card',
  PASSPORT: 'passport',
  RESIDENCE_PERMIT: 'residence_permit',
  DRIVER_LICENSE: 'driving_licence',
  VISA: 'visa',
  OTHER: 'other',
};
export function coreDocumentType(idenfy: string): string | undefined {
  return DOC_TYPES[idenfy.toUpperCase()];
}
export function idenfyDocumentType(core: unknown): string | null {
  if (typeof core !== 'string' || !core) return null;
  return Object.entries(DOC_TYPES).find(([, v]) => v === core)?.[0] ?? 'OTHER';
}

/** Direct processing's image keys and the upload contexts they become. */
export const IMAGE_KEYS: Record<string, MediaContext> = {
  FRONT: 'document-front',
  BACK: 'document-back',
  FACE: 'face',
  UTILITY_BILL: 'additional-document',
};

/** Document statuses (`autoDocument`) for the document check's reasons, most telling first. */
const DOCUMENT_STATUSES: [string, string][] = [
  ['DOC_EXPIRED', 'DOC_EXPIRED'],
  ['SPECIMEN_DOCUMENT', 'DOC_NOT_SUPPORTED'],
  ['DOC_TYPE_NOT_ACCEPTED', 'DOC_NOT_SUPPORTED'],
  ['COUNTRY_NOT_ACCEPTED', 'COUNTRY_MISMATCH'],
  ['MRZ_CHECKSUM_FAILED', 'MRZ_OCR_READING_ERROR'],
  ['MRZ_NOT_FOUND', 'MRZ_NOT_FOUND'],
  ['DOC_NOT_READABLE', 'DOC_NOT_FOUND'],
  ['DATA_MISMATCH', 'DOC_INFO_MISMATCH'],
  ['NAME_MISMATCH', 'DOC_INFO_MISMATCH'],
  ['DOB_MISMATCH', 'DOC_INFO_MISMATCH'],
  ['DOC_NUMBER_MISMATCH', 'DOC_INFO_MISMATCH'],
];

/** Face statuses (`autoFace`) for the face checks' reasons. */
const FACE_STATUSES: [string, string][] = [
  ['LIVENESS_FAILED', 'FAKE_FACE'],
  ['FACE_MISMATCH', 'FACE_MISMATCH'],
  ['NO_FACE_FOUND', 'NO_FACE_FOUND'],
  ['MULTIPLE_FACES', 'TOO_MANY_FACES'],
  ['FACE_TOO_BLURRY', 'FACE_TOO_BLURRY'],
  ['FACE_TOO_SMALL', 'FACE_UNCERTAIN'],
];

const codesOf = (checks: CheckResult[]) => new Set(checks.flatMap((c) => c.reasons.map((r) => r.code)));

/**
 * `autoDocument`: DOC_VALIDATED when the document check passed, the status of its most telling reason when it
 * failed, DOC_NOT_FOUND / DOC_TOO_BLURRY when the photo-quality check missed or refused the document photo; null when no check looked at
 * the document.
 */
export function autoDocument(checks: CheckResult[]): string | null {
  const doc = checks.find((c) => c.type === 'document');
  if (doc?.status === 'failed') {
    const codes = codesOf([doc]);
    return DOCUMENT_STATUSES.find(([code]) => codes.has(code))?.[1] ?? 'DOC_NOT_SUPPORTED';
  }
  const quality = checks.find((c) => c.type === 'image-quality')?.evidence as
    | { missing?: string[]; images?: { context: string; reasons: unknown[] }[] }
    | undefined;
  const isDoc = (context: string) => context.startsWith('document-');
  if (quality?.missing?.some(isDoc)) return 'DOC_NOT_FOUND';
  if (quality?.images?.some((i) => isDoc(i.context) && i.reasons.length)) return 'DOC_TOO_BLURRY';
  if (doc?.status === 'passed') return 'DOC_VALIDATED';
  if (doc?.status === 'error') return 'AUTO_UNVERIFIABLE';
  return null;
}

/** `autoFace`: FACE_MATCH when face match (and liveness) passed, the status of the failing reason otherwise. */
export function autoFace(checks: CheckResult[]): string | null {
  const face = checks.filter((c) => c.type === 'face-match' || c.type === 'liveness');
  if (!face.length) return null;
  const failed = face.filter((c) => c.status === 'failed');
  if (failed.length) {
    const codes = codesOf(failed);
    return FACE_STATUSES.find(([code]) => codes.has(code))?.[1] ?? 'FACE_UNCERTAIN';
  }
  if (face.some((c) => c.status === 'error')) return 'FACE_ERROR';
  if (face.every((c) => c.status === 'not_applicable')) return 'FACE_NOT_ANALYSED';
  return 'FACE_MATCH';
}

/** `fraudTags` for the risk checks' reasons. */
const FRAUD_TAGS: Record<string, string> = {
  DUPLICATE_FACE: 'DUPLICATE_FACE',
  FACE_BLOCKLISTED: 'FACE_IN_BLACKLIST',
  DOCUMENT_BLOCKLISTED: 'DATA_IN_BLACKLIST',
  DUPLICATE_DOCUMENT: 'DUPLICATE_PERSONAL_DATA',
};
/** `mismatchTags` for the comparisons with the data given at token creation. */
const MISMATCH_TAGS: Record<string, string> = {
  NAME_MISMATCH: 'NAME',
  DOB_MISMATCH: 'DATE_OF_BIRTH',
  DOC_NUMBER_MISMATCH: 'DOC_NUMBER',
  COUNTRY_NOT_ACCEPTED: 'ISSUING_COUNTRY',
};
const tagsOf = (checks: CheckResult[], table: Record<string, string>) => [
  ...new Set([...codesOf(checks)].flatMap((c) => (table[c] ? [table[c]] : []))),
];
export const fraudTags = (checks: CheckResult[]) => tagsOf(checks, FRAUD_TAGS);
export const mismatchTags = (checks: CheckResult[]) => tagsOf(checks, MISMATCH_TAGS);

/** `clientIpProxyRiskLevel` from the IP check: what it found about the applicant's address. */
export function ipProxyRiskLevel(checks: CheckResult[]): string | null {
  const ip = checks.find((c) => c.type === 'ip-risk');
  if (!ip || ip.status === 'not_applicable' || ip.status === 'error') return null;
  const codes = codesOf([ip]);
  if (codes.has('IP_TOR') || codes.has('IP_BLOCKLISTED')) return 'VERY_HIGH';
  if (codes.has('IP_VPN_OR_PROXY')) return 'HIGH';
  if (codes.has('IP_HOSTING')) return 'MEDIUM';
  return ip.status === 'failed' ? 'LOW' : 'VERY_LOW';
}
