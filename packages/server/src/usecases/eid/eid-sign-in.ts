import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  claimName,
  DEFAULT_REQUESTED_CLAIMS,
  DomainError,
  EID_PERSON_FIELDS,
  type EidChannel,
  type EidVerification,
  type EidVerifiedPerson,
  levelForAcr,
  meetsLevel,
  newId,
  type Session,
} from '@openidv/domain';
import {
  type EidTransactionRow,
  type IdentityProviderRow,
  identityProviders,
  sessions,
} from '@openidv/storage';
import * as oidc from 'openid-client';
import type { Platform } from '../../platform/platform.ts';
import { changeSessionStatus } from '../sessions/change-session-status.ts';
import { openAttemptIfResubmitting } from '../sessions/open-attempt.ts';
import { markStartedInTx } from '../sessions/start-session.ts';
import { sealResult } from './eid-evidence.ts';
import { eidOffer } from './eid-offer.ts';
import { configFor, eidRedirectUri, providerError } from './oidc-clients.ts';

/**
 * How long one process may ask the token endpoint for a push sign-in before another may: outlasts one poll's
 * calls to the provider (token, JWKS, UserInfo; each times out after 10 s).
 */
const POLL_LEASE_MS = 45_000;
const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';

async function offeredProvider(
  platform: Platform,
  session: Session,
  providerId: string,
  channel: EidChannel,
) {
  const o = await eidOffer(platform, session);
  const provider = o?.providers.find((p) => p.providerId === providerId);
  if (!o || !provider?.flows.includes(channel)) {
    throw new DomainError(
      'EID_PROVIDER_NOT_ENABLED',
      `The identity provider "${providerId}" is not offered for this session${provider ? ` through ${channel}` : ''}.`,
    );
  }
  return { offer: o, provider };
}

function assertOpen(platform: Platform, session: Session) {
  if (session.expiresAt <= platform.now())
    throw new DomainError('SESSION_EXPIRED', 'The session has expired.');
  if (!['created', 'started', 'resubmission_requested'].includes(session.status)) {
    throw new DomainError(
      'INVALID_TRANSITION',
      `The session is ${session.status}; it takes no more sign-ins.`,
    );
  }
}

const digest = (state: string) => createHash('sha256').update(state).digest('hex');
const secretsAad = (id: string) => `eid-secrets:${id}`;

interface Secrets {
  codeVerifier?: string;
  nonce?: string;
  authReqId?: string;
  /** Digest of the browser binding (a cookie set where the sign-in started); the callback must present it. */
  binding?: string;
}

/** Opens the sign-in: the session is started (a new attempt after a resubmission request) and the secrets kept. */
async function openTransaction(
  platform: Platform,
  session: Session,
  provider: IdentityProviderRow,
  channel: EidChannel,
  state: string,
  secrets: Secrets,
  ttlMs: number,
  actor: string,
): Promise<EidTransactionRow> {
  const now = platform.now();
  const id = newId('eid', now.getTime());
  const expiresAt = new Date(Math.min(now.getTime() + ttlMs, session.expiresAt.getTime()));
  const row = {
    id,
    applicationId: session.applicationId,
    sessionId: session.id,
    attemptId: session.currentAttemptId,
    providerId: provider.providerId,
    channel,
    stateHash: digest(state),
    secretsEnc: platform.envelope.sealString(JSON.stringify(secrets), secretsAad(id)),
    createdAt: now,
    expiresAt,
  };
  await platform.database.db.transaction().execute(async (tx) => {
    const s = await openAttemptIfResubmitting(platform, tx, session);
    await markStartedInTx(platform, tx, s, actor);
    row.attemptId = s.currentAttemptId;
    await identityProviders.insertTransaction(tx, row);
  });
  platform.wake();
  return (await identityProviders.findTransaction(platform.database.db, id))!;
}

const scopeOf = (p: IdentityProviderRow) => [...new Set(['openid', ...p.scopes])].join(' ');

/** Redirect and QR: an authorization URL with PKCE, state and nonce; the QR channel only shows it on a phone. */
export async function startRedirect(
  platform: Platform,
  session: Session,
  providerId: string,
  channel: 'redirect' | 'qr',
  actor: string,
  /**
   * A random value the starting browser keeps (a cookie): the callback is accepted only from that browser, so an
   * authorization link sent to someone else cannot verify them into this session. Absent when an integrator's
   * own front end starts the sign-in through the API.
   */
  browserBinding?: string,
) {
  assertOpen(platform, session);
  const { provider } = await offeredProvider(platform, session, providerId, channel);
  const config = await configFor(platform, provider);
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: eidRedirectUri(platform),
    scope: scopeOf(provider),
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(provider.acrValues.length && { acr_values: provider.acrValues.join(' ') }),
    ...(session.locale && { ui_locales: session.locale }),
  });
  const secrets: Secrets = {
    codeVerifier,
    nonce,
    ...(browserBinding && { binding: digest(browserBinding) }),
  };
  const txn = await openTransaction(
    platform,
    session,
    provider,
    channel,
    state,
    secrets,
    platform.config.eidSignInLifetimeMs,
    actor,
  );
  return { transaction: txn, authorizationUrl: url.href };
}

/** Push: a CIBA backchannel request for the identifier the applicant typed; the journey then polls. */
export async function startPush(
  platform: Platform,
  session: Session,
  providerId: string,
  loginHint: string,
  actor: string,
) {
  assertOpen(platform, session);
  const { provider } = await offeredProvider(platform, session, providerId, 'push');
  const config = await configFor(platform, provider);
  let response: oidc.BackchannelAuthenticationResponse;
  try {
    response = await oidc.initiateBackchannelAuthentication(config, {
      scope: scopeOf(provider),
      login_hint: loginHint,
      ...(provider.acrValues.length && { acr_values: provider.acrValues.join(' ') }),
    });
  } catch (e) {
    if (e instanceof oidc.ResponseBodyError && ['unknown_user_id', 'invalid_request'].includes(e.error)) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `loginHint: ${provider.name} does not know this identifier.`,
      );
    }
    throw providerError(e, provider.issuer);
  }
  const txn = await openTransaction(
    platform,
    session,
    provider,
    'push',
    response.auth_req_id,
    { authReqId: response.auth_req_id },
    response.expires_in * 1000,
    actor,
  );
  return { transaction: txn, interval: response.interval ?? 5 };
}

export interface SignInOutcome {
  transaction: EidTransactionRow;
  session: Session;
}

/** The provider's redirect back (redirect and QR): checks everything, then submits the session. */
export async function completeRedirect(
  platform: Platform,
  currentUrl: URL,
  browserBinding: string | undefined,
): Promise<SignInOutcome> {
  const state = currentUrl.searchParams.get('state');
  const txn = state
    ? await identityProviders.findTransactionByState(platform.database.db, digest(state))
    : undefined;
  if (!txn || txn.channel === 'push') {
    throw new DomainError('EID_EXPIRED', 'This sign-in link is unknown; start the sign-in again.');
  }
  const session = await loadSession(platform, txn);
  if (txn.status !== 'pending') {
    if (isExpired(txn)) throw expiredError();
    // A replayed callback (the same state twice) never counts twice.
    throw new DomainError('EID_EXPIRED', 'This sign-in was already used; start it again.');
  }
  await refuseIfExpired(platform, txn);
  const error = currentUrl.searchParams.get('error');
  if (error) {
    await fail(platform, txn, error === 'access_denied' ? 'EID_CANCELLED' : 'EID_VERIFICATION_FAILED');
    throw error === 'access_denied'
      ? new DomainError('EID_CANCELLED', 'The sign-in was cancelled at the identity provider.')
      : new DomainError(
          'EID_VERIFICATION_FAILED',
          `The identity provider answered "${error.slice(0, 100)}".`,
        );
  }
  const provider = await providerOf(platform, txn);
  const secrets = openSecrets(platform, txn);
  if (secrets.binding && (!browserBinding || digest(browserBinding) !== secrets.binding)) {
    await fail(platform, txn, 'EID_VERIFICATION_FAILED');
    throw new DomainError(
      'EID_VERIFICATION_FAILED',
      'The sign-in was finished in another browser than the one that started it; start it again on this device.',
    );
  }
  const config = await configFor(platform, provider);
  const tokens = await guarded(platform, txn, provider, () =>
    oidc.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: secrets.codeVerifier!,
      expectedState: state!,
      expectedNonce: secrets.nonce!,
      idTokenExpected: true,
    }),
  );
  return finishVerified(platform, txn, session, provider, config, tokens);
}

/** One poll of a push sign-in: still pending, or finished (then the session is submitted). */
export async function pollPush(platform: Platform, session: Session, transactionId: string) {
  const txn = await identityProviders.findTransaction(platform.database.db, transactionId);
  if (!txn || txn.sessionId !== session.id || txn.channel !== 'push') {
    throw new DomainError('NOT_FOUND', `No push sign-in ${transactionId} for this session.`);
  }
  // Expired, whether a poll or the sweep noticed first: the same answer, so the journey offers a new sign-in.
  if (isExpired(txn)) throw expiredError();
  if (txn.status !== 'pending') return { transaction: txn, session };
  // One token request per sign-in at a time: a provider that sees its grant redeemed twice revokes the tokens
  // (oidc-provider does), which would fail a sign-in the person just confirmed. Concurrent pollers in this
  // process wait for the one in flight and then read its outcome; other processes are kept out by a lease in the
  // database (leasedPoll).
  const polls = pushPolls.get(platform) ?? new Map<string, Promise<unknown>>();
  pushPolls.set(platform, polls);
  const running = polls.get(txn.id);
  if (running) {
    await running.catch(() => {});
    const now = (await identityProviders.findTransaction(platform.database.db, txn.id)) ?? txn;
    return { transaction: now, session };
  }
  const poll = leasedPoll(platform, session, txn);
  polls.set(txn.id, poll);
  try {
    return await poll;
  } finally {
    polls.delete(txn.id);
  }
}

/** Push polls in flight, by platform (one per process, except in tests) and sign-in. */
const pushPolls = new WeakMap<Platform, Map<string, Promise<unknown>>>();

const WORKER = `${hostname()}:${process.pid}`;

/**
 * Asks the provider only under a lease on the sign-in's row. Without it (another process is asking right now)
 * the poll answers with the sign-in as stored, still pending; the caller polls again after the interval.
 */
async function leasedPoll(platform: Platform, session: Session, txn: EidTransactionRow) {
  await refuseIfExpired(platform, txn);
  const db = platform.database.db;
  // A lease per poll, not per process: two platforms in one process must not release each other's lease.
  const holder = `${WORKER}:${randomBytes(6).toString('hex')}`;
  const now = platform.now().getTime();
  if (!(await identityProviders.claimPoll(db, txn.id, holder, now, now + POLL_LEASE_MS))) {
    return { transaction: (await identityProviders.findTransaction(db, txn.id)) ?? txn, session };
  }
  try {
    // Read again under the lease: the previous holder may have finished the sign-in since it was read.
    const fresh = await identityProviders.findTransaction(db, txn.id);
    if (fresh?.status !== 'pending') return { transaction: fresh ?? txn, session };
    return await pollOnce(platform, session, fresh);
  } finally {
    await identityProviders.releasePoll(db, txn.id, holder);
  }
}

async function pollOnce(platform: Platform, session: Session, txn: EidTransactionRow) {
  await refuseIfExpired(platform, txn);
  const provider = await providerOf(platform, txn);
  const config = await configFor(platform, provider);
  const { authReqId } = openSecrets(platform, txn);
  let tokens: Awaited<ReturnType<typeof oidc.genericGrantRequest>>;
  try {
    tokens = await oidc.genericGrantRequest(config, CIBA_GRANT, { auth_req_id: authReqId! });
  } catch (e) {
    if (e instanceof oidc.ResponseBodyError && ['authorization_pending', 'slow_down'].includes(e.error)) {
      return { transaction: txn, session };
    }
    // Two pollers at once (the journey and an API client): the provider hands the tokens out once, and the
    // other poll gets invalid_grant. That poll must not fail a sign-in the first is completing; expiry ends
    // one that is really stuck.
    if (e instanceof oidc.ResponseBodyError && e.error === 'invalid_grant') {
      const now = await identityProviders.findTransaction(platform.database.db, txn.id);
      return { transaction: now ?? txn, session };
    }
    return guarded(platform, txn, provider, () => Promise.reject(e));
  }
  return finishVerified(platform, txn, session, provider, config, tokens);
}

async function loadSession(platform: Platform, txn: EidTransactionRow): Promise<Session> {
  const s = await sessions.findSessionById(platform.database.db, txn.sessionId);
  if (!s || s.deletedAt) throw new DomainError('NOT_FOUND', 'The session of this sign-in no longer exists.');
  return s;
}

async function providerOf(platform: Platform, txn: EidTransactionRow) {
  const p = await identityProviders.findProvider(platform.database.db, txn.applicationId, txn.providerId);
  if (!p?.enabled) {
    await fail(platform, txn, 'EID_PROVIDER_NOT_ENABLED');
    throw new DomainError(
      'EID_PROVIDER_NOT_ENABLED',
      `The identity provider "${txn.providerId}" was disabled.`,
    );
  }
  return p;
}

function openSecrets(platform: Platform, txn: EidTransactionRow): Secrets {
  // Erased when the sign-in finished or expired; callers read a pending row, but it may have changed since.
  if (!txn.secretsEnc) throw new DomainError('EID_EXPIRED', 'This sign-in is over; start it again.');
  return JSON.parse(platform.envelope.openString(txn.secretsEnc, secretsAad(txn.id))) as Secrets;
}

const isExpired = (txn: EidTransactionRow) => txn.status === 'failed' && txn.errorCode === 'EID_EXPIRED';
const expiredError = () => new DomainError('EID_EXPIRED', 'The sign-in took too long; start it again.');

async function refuseIfExpired(platform: Platform, txn: EidTransactionRow) {
  if (txn.expiresAt > platform.now()) return;
  await fail(platform, txn, 'EID_EXPIRED');
  throw expiredError();
}

/**
 * Sign-ins nobody finished in time (run by the periodic sweep): they fail with EID_EXPIRED and their PKCE
 * verifier, nonce, auth_req_id and browser binding are erased, so an abandoned sign-in keeps no secret until its
 * session is erased. Only the digest of `state` stays, so that a late callback is answered "expired" and finds
 * its journey.
 */
export async function expireSignIns(platform: Platform): Promise<number> {
  const n = await identityProviders.expireTransactions(platform.database.db, platform.now().getTime());
  if (n) platform.logger.info({ count: n }, 'eID sign-ins expired');
  return n;
}

async function fail(platform: Platform, txn: EidTransactionRow, code: string) {
  await identityProviders.finishTransaction(
    platform.database.db,
    txn.id,
    { status: 'failed', errorCode: code },
    platform.now().getTime(),
  );
}

/** Runs a call to the provider; a refusal is recorded on the sign-in and answered with a code the journey shows. */
async function guarded<T>(
  platform: Platform,
  txn: EidTransactionRow,
  provider: IdentityProviderRow,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (e) {
    const unavailable = providerError(e, provider.issuer);
    if (unavailable instanceof DomainError) {
      await fail(platform, txn, unavailable.code);
      throw unavailable;
    }
    let code: 'EID_CANCELLED' | 'EID_EXPIRED' | 'EID_VERIFICATION_FAILED' = 'EID_VERIFICATION_FAILED';
    if (e instanceof oidc.ResponseBodyError && e.error === 'access_denied') code = 'EID_CANCELLED';
    if (e instanceof oidc.ResponseBodyError && e.error === 'expired_token') code = 'EID_EXPIRED';
    // What failed (a claim name, a signature) is safe to log; the token itself is not logged.
    platform.logger.warn(
      { sessionId: txn.sessionId, provider: provider.providerId, code, reason: (e as Error).message },
      'eID sign-in refused',
    );
    await fail(platform, txn, code);
    throw new DomainError(code, `The sign-in at ${provider.name} was refused: ${(e as Error).message}.`);
  }
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim()) return v.trim();
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  if (v && typeof v === 'object' && 'formatted' in v && typeof v.formatted === 'string') return v.formatted;
  if (v && typeof v === 'object') {
    const a = v as Record<string, unknown>;
    const parts = ['street_address', 'postal_code', 'locality', 'region', 'country']
      .map((k) => a[k])
      .filter((x) => typeof x === 'string');
    return parts.length ? parts.join(', ') : undefined;
  }
  return undefined;
}

async function finishVerified(
  platform: Platform,
  txn: EidTransactionRow,
  session: Session,
  provider: IdentityProviderRow,
  config: oidc.Configuration,
  tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
): Promise<SignInOutcome> {
  const idClaims = tokens.claims();
  const idToken = tokens.id_token;
  if (!idClaims || !idToken) {
    await fail(platform, txn, 'EID_VERIFICATION_FAILED');
    throw new DomainError('EID_VERIFICATION_FAILED', `${provider.name} returned no ID token.`);
  }
  const userinfo = await guarded(platform, txn, provider, () =>
    oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub),
  );
  const claims: Record<string, unknown> = { ...userinfo, ...idClaims };
  const o = await eidOffer(platform, session);
  const acr = typeof idClaims.acr === 'string' ? idClaims.acr : undefined;
  const level = levelForAcr(provider, acr);
  const refuse = async (message: string): Promise<never> => {
    platform.logger.warn({ sessionId: session.id, provider: provider.providerId }, message);
    await fail(platform, txn, 'EID_VERIFICATION_FAILED');
    throw new DomainError('EID_VERIFICATION_FAILED', message);
  };
  if (!meetsLevel(level, o?.minimumLevelOfAssurance)) {
    await refuse(
      `The sign-in reached level "${level}"${acr ? ` (acr ${acr})` : ''}; the session requires "${o?.minimumLevelOfAssurance}".`,
    );
  }
  const person: EidVerifiedPerson = {};
  for (const field of EID_PERSON_FIELDS) {
    const v = text(claims[claimName(provider, field)]);
    if (v) person[field] = field === 'dateOfBirth' ? v.slice(0, 10) : v;
  }
  const missing = (o?.requestedClaims ?? [...DEFAULT_REQUESTED_CLAIMS]).filter((f) => !person[f]);
  if (missing.length) await refuse(`${provider.name} did not provide ${missing.join(', ')}.`);
  const authTime = typeof idClaims.auth_time === 'number' ? idClaims.auth_time : idClaims.iat;
  const verification: EidVerification = {
    person,
    claims,
    provenance: {
      provider: provider.providerId,
      issuer: idClaims.iss,
      channel: txn.channel as EidChannel,
      authenticatedAt: new Date(authTime * 1000).toISOString(),
      levelOfAssurance: level,
      ...(acr && { acr }),
      subject: idClaims.sub,
    },
  };
  const resultEnc = sealResult(platform, txn, {
    verification,
    idToken,
    jwksUri: config.serverMetadata().jwks_uri ?? null,
  });
  const won = await identityProviders.finishTransaction(
    platform.database.db,
    txn.id,
    { status: 'completed', resultEnc },
    platform.now().getTime(),
  );
  if (!won) throw new DomainError('EID_EXPIRED', 'This sign-in was already used; start it again.');
  const fresh = await loadSession(platform, txn);
  const submitted = await changeSessionStatus(platform, fresh, 'submitted', 'applicant');
  return {
    transaction: (await identityProviders.findTransaction(platform.database.db, txn.id))!,
    session: submitted,
  };
}

/** The session a callback belongs to, to send the browser back to its journey whatever happened. */
export async function sessionOfCallback(platform: Platform, currentUrl: URL): Promise<Session | undefined> {
  const state = currentUrl.searchParams.get('state');
  if (!state) return undefined;
  const txn = await identityProviders.findTransactionByState(platform.database.db, digest(state));
  if (!txn) return undefined;
  const s = await sessions.findSessionById(platform.database.db, txn.sessionId);
  return s && !s.deletedAt ? s : undefined;
}
