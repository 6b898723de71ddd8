import { DomainError } from '../errors/error-codes.ts';

export const SESSION_STATUSES = [
  'created',
  'started',
  'submitted',
  'processing',
  'approved',
  'declined',
  'review',
  'resubmission_requested',
  'expired',
  'abandoned',
  'cancelled',
] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const DECISION_STATUSES = ['approved', 'declined', 'review', 'resubmission_requested'] as const;
export type DecisionStatus = (typeof DECISION_STATUSES)[number];

/** Statuses from which nothing but deletion changes the session. */
export const FINAL_STATUSES: readonly SessionStatus[] = [
  'approved',
  'declined',
  'expired',
  'abandoned',
  'cancelled',
];

/**
 * The lifecycle. `review` is not final: a reviewer decides it. `resubmission_requested` goes back to
 * `started` when the applicant opens a new attempt.
 */
const TRANSITIONS: Record<SessionStatus, readonly SessionStatus[]> = {
  created: ['started', 'submitted', 'expired', 'abandoned', 'cancelled'],
  started: ['submitted', 'expired', 'abandoned', 'cancelled'],
  submitted: ['processing', 'cancelled'],
  processing: ['approved', 'declined', 'review', 'resubmission_requested'],
  review: ['approved', 'declined', 'resubmission_requested'],
  resubmission_requested: ['started', 'submitted', 'expired', 'abandoned', 'cancelled'],
  approved: [],
  declined: [],
  expired: [],
  abandoned: [],
  cancelled: [],
};

export function canTransition(from: SessionStatus, to: SessionStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: SessionStatus, to: SessionStatus): void {
  if (!canTransition(from, to)) {
    throw new DomainError('INVALID_TRANSITION', `A session in status "${from}" cannot move to "${to}".`, {
      from,
      to,
      allowed: TRANSITIONS[from],
    });
  }
}

export function acceptsMedia(status: SessionStatus): boolean {
  return status === 'created' || status === 'started' || status === 'resubmission_requested';
}

export function isDecision(status: SessionStatus): status is DecisionStatus {
  return (DECISION_STATUSES as readonly string[]).includes(status);
}
