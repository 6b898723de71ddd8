import { type DomainError, isDomainError } from '@openidv/domain';

/**
 * Hopae Connect's numeric error codes (docs.hopae.com, "Error codes"): 1xxxxx authentication, 2xxxxx request,
 * 3xxxxx session, 4xxxxx provider. The HTTP status of the provider errors is not published; openidv answers 400
 * for a provider that is not enabled and 503 for one that is unavailable.
 */
export const HOPAE_CODES = {
  100001: { status: 401, title: 'Invalid credentials' },
  200001: { status: 400, title: 'Missing parameter' },
  200002: { status: 400, title: 'Invalid parameter' },
  200003: { status: 400, title: 'Missing user data' },
  // 200004 and 200005 are openidv's: Hopae documents the 422 and the rate limit, not their codes.
  200004: { status: 422, title: 'Requested level of assurance not reachable' },
  200005: { status: 429, title: 'Too many requests' },
  300001: { status: 404, title: 'Session not found' },
  300003: { status: 409, title: 'Invalid status transition' },
  400002: { status: 400, title: 'Provider not enabled' },
  400005: { status: 503, title: 'Provider unavailable' },
  500001: { status: 500, title: 'Internal error' },
} as const;
export type HopaeCode = keyof typeof HOPAE_CODES;

export class HopaeProblem extends Error {
  readonly code: HopaeCode;
  constructor(code: HopaeCode, detail: string) {
    super(detail);
    this.code = code;
  }
  get status(): number {
    return HOPAE_CODES[this.code].status;
  }
  /** RFC 7807 problem details in Hopae's shape. */
  body(instance: string, now: Date) {
    return {
      type: `urn:org:hopae:problem-type:client/${this.code}`,
      title: HOPAE_CODES[this.code].title,
      status: this.status,
      detail: this.message,
      instance,
      code: this.code,
      timestamp: now.toISOString(),
    };
  }
}

/** Core errors in Hopae's words. */
export function toHopaeProblem(err: Error & { statusCode?: number; code?: unknown }): HopaeProblem {
  if (err instanceof HopaeProblem) return err;
  if (isDomainError(err)) {
    const e = err as DomainError;
    switch (e.code) {
      case 'NOT_FOUND':
        return new HopaeProblem(300001, e.message);
      case 'EID_PROVIDER_NOT_ENABLED':
        return new HopaeProblem(400002, e.message);
      case 'EID_LEVEL_UNREACHABLE':
        return new HopaeProblem(200004, e.message);
      case 'EID_PROVIDER_UNAVAILABLE':
        return new HopaeProblem(400005, e.message);
      case 'INVALID_TRANSITION':
      case 'SESSION_EXPIRED':
      case 'EID_EXPIRED':
      case 'EID_CANCELLED':
        return new HopaeProblem(300003, e.message);
      case 'VALIDATION_FAILED':
      case 'BAD_REQUEST':
        return new HopaeProblem(200002, e.message);
      default:
        break;
    }
  }
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError)
    return new HopaeProblem(200002, 'The body is not valid JSON.');
  if (err.statusCode && err.statusCode < 500) return new HopaeProblem(200002, err.message);
  return new HopaeProblem(500001, 'An unexpected error occurred.');
}
