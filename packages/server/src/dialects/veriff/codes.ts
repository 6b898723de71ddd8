import type { DecisionReason, MediaContext, SessionStatus } from '@openidv/domain';

/**
 * Veriff's vocabulary, from its public documentation (devdocs.veriff.com): session status codes, decision
 * reason codes, image context names, document types and the troubleshooting / authorization error codes.
 */

/** Veriff's session status name and numeric code for a core status (`created` is never notified). */
export function veriffStatus(status: SessionStatus): { status: string; code: number | null } {
  switch (status) {
    case 'created':
      return { status: 'created', code: null };
    case 'started':
      return { status: 'started', code: 7001 };
    case 'submitted':
    case 'processing':
      return { status: 'submitted', code: 7002 };
    case 'approved':
      return { status: 'approved', code: 9001 };
    case 'declined':
      return { status: 'declined', code: 9102 };
    case 'resubmission_requested':
      return { status: 'resubmission_requested', code: 9103 };
    case 'expired':
      return { status: 'expired', code: 9104 };
    // Veriff has no cancellation; a cancelled session is one the applicant will not finish.
    case 'abandoned':
    case 'cancelled':
      return { status: 'abandoned', code: 9104 };
    case 'review':
      return { status: 'review', code: 9121 };
  }
}

/** Veriff's decline (1xx, 5xx) and resubmission (2xx) reason codes for openidv's reason codes. */
const DECLINE_REASONS: Record<string, [number, string]> = {
  FACE_MISMATCH: [103, 'Person showing the document does not appear to match document photo'],
  NAME_MISMATCH: [104, 'Name entered does not match name on document'],
  SPECIMEN_DOCUMENT: [102, 'Suspected document tampering'],
  MRZ_CHECKSUM_FAILED: [102, 'Suspected document tampering'],
  DUPLICATE_DOCUMENT: [110, 'Duplicated ID'],
  DATA_MISMATCH: [507, 'Presented document tampered, data cross reference'],
  VIZ_MRZ_MISMATCH: [507, 'Presented document tampered, data cross reference'],
  LIVENESS_FAILED: [503, 'Attempted deceit'],
  DOC_EXPIRED: [511, 'Presented document expired'],
  DOC_TYPE_NOT_ACCEPTED: [510, 'Presented document type not supported'],
  COUNTRY_NOT_ACCEPTED: [510, 'Presented document type not supported'],
  UNDERAGE: [533, 'Person is under 18 years old'],
  AML_HIT: [126, 'Potential PEP match'],
  PEP_HIT: [126, 'Potential PEP match'],
};
const RESUBMIT_REASONS: Record<string, [number, string]> = {
  MEDIA_MISSING: [201, 'Video and/or photos missing'],
  NO_FACE_FOUND: [202, 'Face not clearly visible'],
  MULTIPLE_FACES: [202, 'Face not clearly visible'],
  FACE_TOO_SMALL: [202, 'Face not clearly visible'],
  FACE_TOO_BLURRY: [202, 'Face not clearly visible'],
  MRZ_NOT_FOUND: [203, 'Full document not visible'],
  IMAGE_UNREADABLE: [204, 'Poor image quality'],
  IMAGE_TOO_LARGE: [204, 'Poor image quality'],
  IMAGE_TOO_SMALL: [204, 'Poor image quality'],
  IMAGE_TOO_BLURRY: [204, 'Poor image quality'],
  IMAGE_OVEREXPOSED: [204, 'Poor image quality'],
  IMAGE_UNDEREXPOSED: [204, 'Poor image quality'],
  DOC_NOT_READABLE: [204, 'Poor image quality'],
  DOC_TYPE_NOT_ACCEPTED: [206, 'Document type not supported'],
  DOC_EXPIRED: [207, 'Document expired'],
};

/** `verification.reasonCode` and `reason` for a decided session; null for approvals and reviews. */
export function veriffReason(
  status: SessionStatus,
  reasons: Pick<DecisionReason, 'code' | 'message' | 'action'>[],
): { reasonCode: number | null; reason: string | null } {
  const wanted = status === 'declined' ? 'decline' : status === 'resubmission_requested' ? 'resubmit' : null;
  if (!wanted) return { reasonCode: null, reason: null };
  const table = wanted === 'decline' ? DECLINE_REASONS : RESUBMIT_REASONS;
  const driving = reasons.filter((r) => r.action === wanted);
  for (const r of driving) {
    const hit = table[r.code];
    if (hit) return { reasonCode: hit[0], reason: hit[1] };
  }
  // No Veriff code says the same thing: give the reason in words and no code rather than a wrong code.
  const first = driving[0] ?? reasons[0];
  return { reasonCode: null, reason: first?.message ?? null };
}

/** Veriff's image contexts and where each goes in openidv's evidence. */
export const VERIFF_CONTEXTS: Record<string, Exclude<MediaContext, 'document-portrait'>> = {
  face: 'face',
  'face-pre': 'face',
  // The chip portrait is the best reference a face match can have.
  'face-nfc': 'face-reference',
  'document-front': 'document-front',
  'document-front-pre': 'document-front',
  'document-front-qrcode': 'document-front',
  'document-front-qrcode-pre': 'document-front',
  'document-back': 'document-back',
  'document-back-pre': 'document-back',
  'document-back-barcode': 'document-back',
  'document-back-barcode-pre': 'document-back',
  'document-and-face': 'additional-document',
  'document-and-face-pre': 'additional-document',
  // Crops are kept as evidence but never replace the full photos the checks read.
  'face-cropped': 'additional-document',
  'document-front-face-cropped': 'additional-document',
};

/** Veriff's context name for media that did not come through the Veriff API. */
export function contextName(core: string): string {
  if (core === 'face-reference') return 'face-nfc';
  if (core === 'additional-document') return 'document-and-face';
  if (core === 'document-portrait') return 'document-front-face-cropped';
  return core;
}

const DOC_TYPES: Record<string, string> = {
  PASSPORT: 'passport',
  ID_CARD: 'id_card',
  RESIDENCE_PERMIT: 'residence_permit',
  DRIVERS_LICENSE: 'driving_licence',
  VISA: 'visa',
  OTHER: 'other',
};
export function coreDocumentType(veriff: string | undefined): string | undefined {
  return veriff ? DOC_TYPES[veriff.toUpperCase()] : undefined;
}
export function veriffDocumentType(core: string | undefined): string | null {
  if (!core) return null;
  return Object.entries(DOC_TYPES).find(([, v]) => v === core)?.[0] ?? 'OTHER';
}

/** Veriff's error codes (troubleshooting and authorization tables). */
export const VERIFF_ERRORS = {
  '1001': 'Query ID must be between 20 and 40 symbols.',
  '1002': 'Query ID must be a valid UUID V4',
  '1102': 'Mandatory parameters are missing from the request.',
  '1104': 'Request includes invalid parameters.',
  '1201': 'Invalid timestamp. Timestamp must not be older than one hour.',
  '1202': 'Timestamp format is incorrect. YYYY-MM-DDTHH:MM:S+Timezone Offset|Z or UTC.',
  '1203': 'Invalid ISO 8601 date. Date needs to be in format YYYY-MM-DD.',
  '1301': 'Requested features are not supported.',
  '1302': 'Only HTTPS return URLs are allowed.',
  '1303': 'Invalid status.',
  '1304': 'Cannot transition to "$STATUS" status.',
  '1400': 'Image data not found.',
  '1401': 'Image is not in valid base64.',
  '1402': 'Image context is not supported.',
  '1403': 'Image property is missing.',
  '1500': 'vendorData field cannot be more than 1000 symbols.',
  '1501': 'vendorData must be a string.',
  '1801': 'Mandatory X-AUTH-CLIENT header containing the API key is missing from the request.',
  '1802': 'API key is not a valid UUID.',
  '1803': 'Integration with the API key was not found.',
  '1804': 'Integration with the API key is not active.',
  '1812': 'Signature is not a valid SHA256 hash.',
  '1813': 'Signature does not match the SHA256 hash of query ID and integration API secret.',
  '1814': 'Signature does not match the SHA256 hash of request body and integration API secret.',
  '1818': 'Signature does not match the HMAC-SHA256 of query ID and integration API secret.',
  '1819': 'Signature does not match the HMAC-SHA256 of request body and integration API secret.',
} as const;
export type VeriffErrorCode = keyof typeof VERIFF_ERRORS;

/** An error answered in Veriff's shape: `{"status":"fail","code":"<code>","message":"…"}`. */
export class VeriffError extends Error {
  readonly httpStatus: number;
  readonly code: string;
  constructor(httpStatus: number, code: VeriffErrorCode | `${number}`, message?: string) {
    super(message ?? VERIFF_ERRORS[code as VeriffErrorCode] ?? 'Request failed.');
    this.name = 'VeriffError';
    this.httpStatus = httpStatus;
    this.code = code;
  }
}
