/**
 * Every error openidv answers with has one of these codes. The HTTP status lives here too, so
 * the API, the OpenAPI document and the docs cannot disagree.
 */
export const ERROR_CODES = {
  BAD_REQUEST: { status: 400, description: 'The request is malformed (for example invalid JSON).' },
  VALIDATION_FAILED: { status: 400, description: 'A field is missing, of the wrong type or out of range.' },
  UNAUTHORIZED: {
    status: 401,
    description: 'No API key or console sign-in was given, or it is unknown, revoked or expired.',
  },
  TOTP_REQUIRED: {
    status: 401,
    description: 'This staff account has a second factor: send the current 6-digit `totpCode` too.',
  },
  FORBIDDEN: {
    status: 403,
    description: 'The credential may not do this (API keys act as admin; staff by role).',
  },
  CSRF_TOKEN_INVALID: {
    status: 403,
    description:
      'A console request that changes something must send the `X-CSRF-Token` of its sign-in, from its own origin.',
  },
  NOT_FOUND: { status: 404, description: 'No such resource for this application.' },
  METHOD_NOT_ALLOWED: { status: 405, description: 'The method is not supported on this path.' },
  INVALID_TRANSITION: {
    status: 409,
    description: 'The session is not in a state that allows this change.',
  },
  SESSION_NOT_ACCEPTING_MEDIA: {
    status: 409,
    description: 'Media can only be added before the session is submitted.',
  },
  CASE_CLAIMED: {
    status: 409,
    description:
      'Another reviewer has claimed this case; it returns to the queue when they release it or the claim expires.',
  },
  NOT_IN_REVIEW: {
    status: 409,
    description: 'Only a session in status `review` can be approved, declined or sent back by a person.',
  },
  STAFF_EMAIL_TAKEN: { status: 409, description: 'A staff user with this email already exists.' },
  LAST_ADMIN: {
    status: 409,
    description: 'The change would leave no active admin; make another user admin first.',
  },
  SESSION_EXPIRED: { status: 409, description: 'The session has expired.' },
  CONSENT_REQUIRED: {
    status: 409,
    description: 'The applicant has not accepted the consent screen of the journey yet.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    description: 'The Idempotency-Key was used before with a different request.',
  },
  IDEMPOTENCY_KEY_IN_FLIGHT: {
    status: 409,
    description: 'A request with this Idempotency-Key is still being processed.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The body or upload is larger than allowed.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    description: 'The upload is not an image or video type openidv reads (sniffed from its bytes).',
  },
  IMAGE_UNREADABLE: {
    status: 422,
    description: 'The image is truncated or damaged and cannot be decoded.',
  },
  IMAGE_TOO_LARGE: {
    status: 422,
    description:
      'The image has more pixels than are read (a 20,000 × 20,000 photo is refused before decoding).',
  },
  WEBHOOK_URL_NOT_ALLOWED: {
    status: 422,
    description: 'The webhook URL is not https/http or points at a private or loopback address.',
  },
  WORKFLOW_INVALID: { status: 422, description: 'The workflow definition is invalid.' },
  EMPLOYMENT_RESULT_PENDING: {
    status: 409,
    description: 'The employment result (timeline, comparison, report) is ready once the session is decided.',
  },
  QUESTIONNAIRE_INVALID: {
    status: 400,
    description:
      'The questionnaire definition is invalid (duplicate ids, missing options, branching on an unknown question or in a cycle…); `details.problems` lists each.',
  },
  QUESTIONNAIRE_ANSWERS_INVALID: {
    status: 400,
    description:
      "The answers do not fit the session's questionnaire (a required question unanswered, a wrong type, out of range); `details.problems` lists each.",
  },
  QUESTIONNAIRE_IN_USE: {
    status: 409,
    description: 'A workflow uses this questionnaire; remove it from the workflow first.',
  },
  NO_QUESTIONNAIRE: {
    status: 409,
    description: "The session's workflow version has no questionnaire.",
  },
  WORKFLOW_IN_USE: { status: 409, description: 'The default workflow cannot be deleted.' },
  LIST_IMPORT_FAILED: {
    status: 422,
    description:
      'A sanctions list file could not be imported (wrong format, malformed or truncated); nothing changed.',
  },
  NO_FACE_FOUND: { status: 422, description: 'No face was found in an image that needs one.' },
  IDENTITY_PROVIDER_TAKEN: {
    status: 409,
    description: 'The application already has an identity provider with this `providerId`.',
  },
  IDENTITY_PROVIDER_INVALID: {
    status: 422,
    description:
      "The identity provider's metadata could not be read from its issuer, or it lacks what a chosen flow needs (push needs CIBA).",
  },
  EID_PROVIDER_NOT_ENABLED: {
    status: 400,
    description:
      "The identity provider is unknown, disabled, not allowed by the session's workflow, or does not offer the chosen flow.",
  },
  EID_LEVEL_UNREACHABLE: {
    status: 400,
    description:
      'No allowed identity provider reaches the minimum level of assurance (or yields the claims) the session asks for.',
  },
  EID_PROVIDER_UNAVAILABLE: {
    status: 502,
    description:
      'The identity provider did not answer or answered with an error; try again later or use the document journey.',
  },
  EID_VERIFICATION_FAILED: {
    status: 422,
    description:
      "The eID sign-in was refused: the provider's answer failed a check (signature, issuer, audience, expiry, nonce, state), lacked a requested claim, or was below the required level of assurance.",
  },
  EID_CANCELLED: {
    status: 409,
    description: 'The applicant cancelled the sign-in at the identity provider.',
  },
  EID_EXPIRED: {
    status: 409,
    description:
      "The eID sign-in took too long (past `OPENIDV_EID_SIGN_IN_LIFETIME`, or the provider's `expires_in` for push; its secrets are then erased) or its link was already used; start a new sign-in.",
  },
  RATE_LIMITED: {
    status: 429,
    description: 'Too many requests for this key; retry after Retry-After seconds.',
  },
  INTERNAL: { status: 500, description: 'An unexpected error; it was logged with the request id.' },
  NOT_READY: { status: 503, description: 'The server is starting or its database is unreachable.' },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An expected failure, carried as a value through the domain and turned into `{"error":{code,message}}` at the edge. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
