import type { Session } from '@openidv/domain';

/**
 * Where iDenfy sends the applicant at the end (its token's `successUrl`, `errorUrl`, `unverifiedUrl`):
 * `success` after an approved verification, `error` after a failed (denied) one, `unverified` when nothing was
 * analysed — the applicant cancelled, or the session expired or was abandoned. A SUSPECTED result is, at iDenfy,
 * an approval or a denial with flags (its dashboard shows "APPROVED (SUSPECTED)" / "DENIED (SUSPECTED)"): it
 * follows the automatic document and face statuses. `pending` while the checks run; `open` before the applicant
 * has finished.
 */
export type ReturnOutcome = 'success' | 'error' | 'unverified' | 'pending' | 'open';

const PASSED_DOCUMENT = ['DOC_VALIDATED', 'DOC_NOT_ANALYSED'];
const PASSED_FACE = ['FACE_MATCH', 'FACE_NOT_ANALYSED'];

export function returnOutcome(
  status: Session['status'],
  auto: { autoDocument: string | null; autoFace: string | null },
): ReturnOutcome {
  switch (status) {
    case 'created':
    case 'started':
      return 'open';
    case 'submitted':
    case 'processing':
      return 'pending';
    case 'approved':
      return 'success';
    // A photo to retake is iDenfy's DENIED, not final: the applicant failed this attempt.
    case 'declined':
    case 'resubmission_requested':
      return 'error';
    case 'review':
      return PASSED_DOCUMENT.includes(auto.autoDocument ?? '') && PASSED_FACE.includes(auto.autoFace ?? '')
        ? 'success'
        : 'error';
    default:
      return 'unverified';
  }
}

/** The URLs a token asked for, kept with the dialect's link to the session. */
export interface ReturnUrls {
  successUrl?: string | null;
  errorUrl?: string | null;
  unverifiedUrl?: string | null;
}

export function returnUrlFor(outcome: 'success' | 'error' | 'unverified', urls: ReturnUrls): string | null {
  const url =
    outcome === 'success' ? urls.successUrl : outcome === 'error' ? urls.errorUrl : urls.unverifiedUrl;
  return url ?? null;
}
