import type { VerifiedEmployment } from '@openidv/check-employment';

/** The tokens a consented source granted; kept encrypted at rest, never logged. */
export interface ConnectorTokens {
  accessToken: string;
  refreshToken: string | null;
  /** Epoch milliseconds; null when the source does not say. */
  expiresAt: number | null;
  scope: string | null;
}

/** What must survive between sending the candidate to the source and their coming back. */
export interface PendingAuthorization {
  state: string;
  codeVerifier: string;
}

/**
 * A consented data source of employment and income (a payroll provider, tax records, open banking). The
 * journey sends the candidate to `authorizationUrl`; the source sends them back with a code; the connector
 * turns it into tokens, reads the records and revokes what it was given.
 */
export interface EmploymentConnector {
  readonly id: string;
  /** Shown to the candidate on the consent screen. */
  readonly name: string;
  authorizationUrl(redirectUri: string): Promise<{ url: string; pending: PendingAuthorization }>;
  /** Exchanges the code in the callback URL (checking state and PKCE) for tokens. */
  exchange(callbackUrl: URL, redirectUri: string, pending: PendingAuthorization): Promise<ConnectorTokens>;
  refresh(tokens: ConnectorTokens): Promise<ConnectorTokens>;
  /** Reads the candidate's employments and income, refreshing an expired access token once. */
  fetchEmployments(
    tokens: ConnectorTokens,
  ): Promise<{ employments: VerifiedEmployment[]; tokens: ConnectorTokens }>;
  /** Gives the tokens back: the business keeps the result, not a standing access to the candidate's data. */
  revoke(tokens: ConnectorTokens): Promise<void>;
}

export type ConnectorErrorCode = 'SOURCE_DENIED' | 'SOURCE_UNAVAILABLE' | 'SOURCE_BAD_RESPONSE';

/** A source that failed: the journey falls back to the next way of proving the job. */
export class ConnectorError extends Error {
  readonly code: ConnectorErrorCode;
  constructor(code: ConnectorErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
