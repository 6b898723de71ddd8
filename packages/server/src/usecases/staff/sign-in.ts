import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError, newId } from '@openidv/domain';
import { type StaffUserRow, staff } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { dummyHash, hashPassword, passwordNeedsRehash, verifyPassword } from './passwords.ts';
import { verifyTotp } from './totp.ts';

/** A console sign-in lasts at most this long, and ends sooner after this much inactivity. */
export const SIGN_IN_LIFETIME_MS = 12 * 3_600_000;
export const SIGN_IN_IDLE_MS = 2 * 3_600_000;
const TOUCH_EVERY_MS = 60_000;

/** Failed sign-ins per email before it is locked for LOCK_MS (in memory: per server process). */
const MAX_FAILURES = 5;
const LOCK_MS = 15 * 60_000;
const failures = new WeakMap<Platform, Map<string, { count: number; first: number }>>();

export interface StaffPrincipal {
  user: StaffUserRow;
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The CSRF token of a sign-in, derived from its cookie token (which scripts cannot read): a page that can
 * read the token was served by openidv to this user. Nothing extra is stored.
 */
export function csrfTokenFor(cookieToken: string): string {
  return createHmac('sha256', cookieToken).update('openidv console csrf').digest('base64url');
}

export function csrfTokenMatches(cookieToken: string, given: string | undefined): boolean {
  if (!given) return false;
  const want = Buffer.from(csrfTokenFor(cookieToken));
  const got = Buffer.from(given);
  return want.length === got.length && timingSafeEqual(want, got);
}

function lockState(platform: Platform, email: string) {
  let m = failures.get(platform);
  if (!m) {
    m = new Map();
    failures.set(platform, m);
  }
  const now = Date.now();
  const s = m.get(email);
  if (s && now - s.first > LOCK_MS) m.delete(email);
  return { map: m, state: m.get(email), now };
}

function noteFailure(platform: Platform, email: string) {
  const { map, state, now } = lockState(platform, email);
  if (map.size > 10_000) map.clear();
  map.set(email, { count: (state?.count ?? 0) + 1, first: state?.first ?? now });
}

export async function signIn(
  platform: Platform,
  input: { email: string; password: string; totpCode?: string | undefined },
  client: { ip: string },
): Promise<{ token: string; principal: StaffPrincipal }> {
  const email = input.email.trim().toLowerCase();
  const { state, now } = lockState(platform, email);
  if (state && state.count >= MAX_FAILURES) {
    const retryAfter = Math.ceil((state.first + LOCK_MS - now) / 1000);
    throw new DomainError(
      'RATE_LIMITED',
      `Too many failed sign-ins for this account; retry in ${retryAfter} s.`,
      {
        retryAfter,
      },
    );
  }
  const db = platform.database.db;
  const [user] = (await staff.findStaffUsersByEmail(db, email)).filter((u) => !u.disabledAt);
  // An unknown email costs the same hash as a known one, so timing does not reveal which emails exist.
  const ok = await verifyPassword(user ? user.passwordHash : await dummyHash(), input.password);
  if (!user || !ok) {
    noteFailure(platform, email);
    platform.logger.info({ event: 'staff.sign_in_failed', ip: client.ip }, 'console sign-in failed');
    throw new DomainError('UNAUTHORIZED', 'The email or password is wrong.');
  }
  if (user.totpEnabledAt && user.totpSecretEnc) {
    if (!input.totpCode)
      throw new DomainError('TOTP_REQUIRED', 'Enter the 6-digit code from your authenticator app.');
    const secret = platform.envelope.openString(user.totpSecretEnc, `totp:${user.id}`);
    if (!verifyTotp(platform, user.id, secret, input.totpCode)) {
      noteFailure(platform, email);
      throw new DomainError('UNAUTHORIZED', 'The authenticator code is wrong or was already used.');
    }
  }
  failures.get(platform)?.delete(email);

  const token = randomBytes(32).toString('base64url');
  const t = platform.now().getTime();
  const sessionId = newId('sgn', t);
  const expiresAt = t + SIGN_IN_LIFETIME_MS;
  await db.transaction().execute(async (tx) => {
    await staff.deleteExpiredStaffSessions(tx, t);
    await staff.insertStaffSession(tx, {
      id: sessionId,
      tokenHash: hashToken(token),
      userId: user.id,
      applicationId: user.applicationId,
      now: t,
      expiresAt,
    });
    await staff.updateStaffUser(
      tx,
      user.id,
      {
        lastSignInAt: t,
        ...(passwordNeedsRehash(user.passwordHash) && { passwordHash: await hashPassword(input.password) }),
      },
      t,
    );
    await recordAudit(
      platform,
      tx,
      user.applicationId,
      { id: `staff:${user.id}`, label: user.email },
      'staff.sign_in',
      { type: 'staff', id: user.id },
      null,
      { secondFactor: Boolean(user.totpEnabledAt) },
    );
  });
  return {
    token,
    principal: { user, sessionId, csrfToken: csrfTokenFor(token), expiresAt: new Date(expiresAt) },
  };
}

/** The signed-in staff user of a cookie token, or null when it is unknown, expired, idle or disabled. */
export async function authenticateStaffToken(
  platform: Platform,
  token: string,
): Promise<StaffPrincipal | null> {
  const db = platform.database.db;
  const found = await staff.findStaffSessionByTokenHash(db, hashToken(token));
  if (!found) return null;
  const t = platform.now().getTime();
  const { session, user } = found;
  if (
    user.disabledAt ||
    session.expiresAt.getTime() <= t ||
    t - session.lastSeenAt.getTime() > SIGN_IN_IDLE_MS
  ) {
    await staff.deleteStaffSession(db, session.id);
    return null;
  }
  if (t - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) await staff.touchStaffSession(db, session.id, t);
  return { user, sessionId: session.id, csrfToken: csrfTokenFor(token), expiresAt: session.expiresAt };
}

export async function signOut(platform: Platform, principal: StaffPrincipal): Promise<void> {
  await platform.database.db.transaction().execute(async (tx) => {
    await staff.deleteStaffSession(tx, principal.sessionId);
    await recordAudit(
      platform,
      tx,
      principal.user.applicationId,
      { id: `staff:${principal.user.id}`, label: principal.user.email },
      'staff.sign_out',
      { type: 'staff', id: principal.user.id },
    );
  });
}

/** A user changes their own password: the current one is required; other sign-ins end. */
export async function changeOwnPassword(
  platform: Platform,
  principal: StaffPrincipal,
  current: string,
  next: string,
): Promise<void> {
  const db = platform.database.db;
  const user = (await staff.findStaffUser(db, principal.user.applicationId, principal.user.id))!;
  if (!(await verifyPassword(user.passwordHash, current)))
    throw new DomainError('FORBIDDEN', 'The current password is wrong.');
  const hash = await hashPassword(next);
  const t = platform.now().getTime();
  await db.transaction().execute(async (tx) => {
    await staff.updateStaffUser(tx, user.id, { passwordHash: hash }, t);
    await staff.deleteStaffSessionsOfUser(tx, user.id, principal.sessionId);
    await recordAudit(
      platform,
      tx,
      user.applicationId,
      { id: `staff:${user.id}`, label: user.email },
      'staff.password_change',
      { type: 'staff', id: user.id },
    );
  });
}
