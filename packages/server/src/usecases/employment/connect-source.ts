import { createHash } from 'node:crypto';
import type { DeclaredEmployment, VerifiedEmployment } from '@openidv/check-employment';
import { DomainError, newId, type Session } from '@openidv/domain';
import { employment, sessions } from '@openidv/storage';
import { ConnectorError, type PendingAuthorization } from '../../connectors/employment/connector.ts';
import type { Platform } from '../../platform/platform.ts';
import { journeyUrl } from '../sessions/present-session.ts';
import type { EmploymentSettings } from './declaration.ts';

/** The one address every source sends candidates back to; register it with each source. */
export function employmentCallbackUrl(platform: Platform): string {
  return `${platform.config.publicUrl}/j/employment/callback`;
}

const digest = (state: string) => createHash('sha256').update(state).digest('hex');
const pendingAad = (connectionId: string) => `employment-connection:${connectionId}`;

export async function findVerificationOrThrow(platform: Platform, session: Session) {
  const row = await employment.findVerification<DeclaredEmployment[], EmploymentSettings, unknown>(
    platform.database.db,
    session.id,
  );
  if (!row)
    throw new DomainError('NOT_FOUND', `Session ${session.id} is not an employment or income verification.`);
  return row;
}

/**
 * Starts a consented connection to a source for one declared job: remembers the PKCE verifier (sealed) under a
 * digest of the state, and returns the source's authorization URL to send the candidate to.
 */
export async function startConnection(
  platform: Platform,
  session: Session,
  input: { sourceId: string; declaredId?: string | undefined },
): Promise<{ connectionId: string; authorizationUrl: string }> {
  const row = await findVerificationOrThrow(platform, session);
  const connector = platform.employmentSources.get(input.sourceId);
  if (!connector || !row.settings.sources.includes(input.sourceId)) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `sourceId: "${input.sourceId}" is not offered in this verification.`,
    );
  }
  if (input.declaredId !== undefined && !row.declared.some((d) => d.id === input.declaredId)) {
    throw new DomainError('VALIDATION_FAILED', `declaredId: no declared job "${input.declaredId}".`);
  }
  const now = platform.now();
  const id = newId('con', now.getTime());
  let started: { url: string; pending: PendingAuthorization };
  try {
    started = await connector.authorizationUrl(employmentCallbackUrl(platform));
  } catch (e) {
    platform.logger.warn(
      { err: e, sourceId: connector.id, sessionId: session.id },
      'employment source unavailable',
    );
    throw new DomainError(
      'NOT_READY',
      `The source ${connector.name} cannot be reached now; upload documents instead.`,
    );
  }
  await employment.insertConnection(platform.database.db, {
    id,
    sessionId: session.id,
    sourceId: connector.id,
    declaredId: input.declaredId ?? null,
    status: 'pending',
    stateDigest: digest(started.pending.state),
    pendingEnc: platform.envelope.sealString(JSON.stringify(started.pending), pendingAad(id)),
    employments: null,
    errorCode: null,
    createdAt: now,
    updatedAt: now,
  });
  return { connectionId: id, authorizationUrl: started.url };
}

/**
 * The source sent the candidate back: exchanges the code, reads the records, revokes the grant and keeps the
 * records. A source that fails leaves the connection `failed` with its code, and the journey offers the next way.
 * Returns where to send the candidate: back into their journey.
 */
export async function completeConnection(platform: Platform, callbackUrl: URL): Promise<string> {
  const state = callbackUrl.searchParams.get('state');
  const connection = state
    ? await employment.findConnectionByState<VerifiedEmployment[]>(platform.database.db, digest(state))
    : undefined;
  if (!connection?.pendingEnc)
    throw new DomainError('NOT_FOUND', 'This sign-in is unknown or was already used.');
  const session = await sessions.findSessionById(platform.database.db, connection.sessionId);
  if (!session || session.deletedAt)
    throw new DomainError('NOT_FOUND', 'This verification no longer exists.');
  const back = journeyUrl(platform.config.publicUrl, session.journeyToken);
  const connector = platform.employmentSources.get(connection.sourceId);
  const now = () => platform.now().getTime();
  const fail = async (code: string) => {
    await employment.settleConnection(
      platform.database.db,
      connection.id,
      { status: 'failed', errorCode: code },
      now(),
    );
    return back;
  };
  if (!connector) return fail('SOURCE_UNAVAILABLE');
  const pending = JSON.parse(
    platform.envelope.openString(connection.pendingEnc, pendingAad(connection.id)),
  ) as PendingAuthorization;
  try {
    const tokens = await connector.exchange(callbackUrl, employmentCallbackUrl(platform), pending);
    const read = await connector.fetchEmployments(tokens);
    // The business gets a result, not standing access to the candidate's records: give the grant back now.
    await connector
      .revoke(read.tokens)
      .catch((e) =>
        platform.logger.warn({ err: e, sourceId: connector.id }, 'revoking employment source tokens failed'),
      );
    await employment.settleConnection(
      platform.database.db,
      connection.id,
      { status: 'connected', employments: read.employments },
      now(),
    );
    platform.logger.info(
      { sessionId: session.id, sourceId: connector.id, employments: read.employments.length },
      'employment source connected',
    );
    return back;
  } catch (e) {
    if (!(e instanceof ConnectorError)) throw e;
    platform.logger.warn(
      { sessionId: session.id, sourceId: connector.id, code: e.code },
      'employment source failed',
    );
    return fail(e.code);
  }
}

/** What the journey shows for an employment session: each declared job, how it can be proven, and progress. */
export async function employmentJourneyState(platform: Platform, session: Session, applicationName: string) {
  const row = await findVerificationOrThrow(platform, session);
  const connections = await employment.listConnections<VerifiedEmployment[]>(
    platform.database.db,
    session.id,
  );
  const sources = row.settings.sources.flatMap((id) => {
    const c = platform.employmentSources.get(id);
    return c ? [{ id, name: c.name }] : [];
  });
  return {
    businessName: row.settings.businessName ?? applicationName,
    sources,
    declared: row.declared.map((d) => {
      const mine = connections.filter((c) => c.declaredId === d.id);
      const failed = new Set(mine.filter((c) => c.status === 'failed').map((c) => c.sourceId));
      const connected = mine.find((c) => c.status === 'connected');
      // Sources are offered in the workflow's order; one that failed for this job is skipped, then documents.
      const next = connected ? null : (sources.find((s) => !failed.has(s.id))?.id ?? null);
      return {
        id: d.id,
        employer: d.employer,
        jobTitle: d.jobTitle ?? null,
        startDate: d.startDate,
        endDate: d.endDate ?? null,
        connectedSource: connected?.sourceId ?? null,
        failedSources: [...failed],
        nextSource: next,
        offerDocuments: !connected,
      };
    }),
  };
}
