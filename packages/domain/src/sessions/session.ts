import type { CollectedData, ExpectedDocument, ExpectedPerson } from '../checks/check.ts';
import type { Decision } from '../decisions/decide.ts';
import type { EidRequirements } from '../eid/eid.ts';
import type { SessionStatus } from './lifecycle.ts';

/** What a session verifies: the person (identity), or their employment or income history. */
export const SESSION_TYPES = ['identity', 'employment', 'income'] as const;
export type SessionType = (typeof SESSION_TYPES)[number];

export interface Session {
  id: string;
  type: SessionType;
  applicationId: string;
  workflowId: string;
  workflowVersion: number;
  status: SessionStatus;
  vendorData: string | null;
  callbackUrl: string | null;
  expected: { person?: ExpectedPerson; document?: ExpectedDocument; eid?: EidRequirements };
  locale: string | null;
  metadata: Record<string, unknown>;
  collected: CollectedData;
  journeyToken: string;
  currentAttemptId: string;
  attemptCount: number;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
  deletedAt: Date | null;
}

export interface Attempt {
  id: string;
  sessionId: string;
  number: number;
  status: SessionStatus;
  createdAt: Date;
  submittedAt: Date | null;
  decidedAt: Date | null;
  decision: Decision | null;
}

export interface SessionEvent {
  id: string;
  sessionId: string;
  type: string;
  data: Record<string, unknown>;
  /** "api:<key id>", "applicant", "system", "staff:<staff user id>" (a console user) */
  actor: string;
  createdAt: Date;
}
