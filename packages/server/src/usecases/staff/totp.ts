import { DomainError } from '@openidv/domain';
import { staff } from '@openidv/storage';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import type { Platform } from '../../platform/platform.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { verifyPassword } from './passwords.ts';
import type { StaffPrincipal } from './sign-in.ts';

/** RFC 6238 defaults every authenticator app understands: SHA-1, 6 digits, 30 s. */
function totpFor(secretBase32: string, label: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    issuer: 'openidv',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: OTPAuth.Secret.fromBase32(secretBase32),
  });
}

/** Last accepted time step per user, so a code cannot be replayed within its window. */
const lastStep = new WeakMap<Platform, Map<string, number>>();

/** Accepts the current code and one step either side (clock drift); each step only once. */
export function verifyTotp(platform: Platform, userId: string, secretBase32: string, code: string): boolean {
  if (!/^\d{6}$/.test(code.trim())) return false;
  const totp = totpFor(secretBase32, userId);
  const now = platform.now().getTime();
  const delta = totp.validate({ token: code.trim(), timestamp: now, window: 1 });
  if (delta === null) return false;
  const step = Math.floor(now / 30_000) + delta;
  let m = lastStep.get(platform);
  if (!m) {
    m = new Map();
    lastStep.set(platform, m);
  }
  if ((m.get(userId) ?? -1) >= step) return false;
  m.set(userId, step);
  return true;
}

/** Starts enrolment: a new secret, kept sealed until the user proves their app has it. */
export async function beginTotpEnrolment(platform: Platform, principal: StaffPrincipal) {
  const secret = new OTPAuth.Secret({ size: 20 });
  const user = principal.user;
  if (user.totpEnabledAt) throw new DomainError('INVALID_TRANSITION', 'A second factor is already set up.');
  const t = platform.now().getTime();
  await staff.updateStaffUser(
    platform.database.db,
    user.id,
    { totpSecretEnc: platform.envelope.sealString(secret.base32, `totp:${user.id}`), totpEnabledAt: null },
    t,
  );
  const uri = totpFor(secret.base32, user.email).toString();
  return { secret: secret.base32, uri, qrSvg: await QRCode.toString(uri, { type: 'svg', margin: 1 }) };
}

export async function confirmTotpEnrolment(platform: Platform, principal: StaffPrincipal, code: string) {
  const db = platform.database.db;
  const user = (await staff.findStaffUser(db, principal.user.applicationId, principal.user.id))!;
  if (user.totpEnabledAt) throw new DomainError('INVALID_TRANSITION', 'A second factor is already set up.');
  if (!user.totpSecretEnc)
    throw new DomainError('INVALID_TRANSITION', 'Start the set-up first (POST /v1/auth/totp).');
  const secret = platform.envelope.openString(user.totpSecretEnc, `totp:${user.id}`);
  if (!verifyTotp(platform, user.id, secret, code))
    throw new DomainError(
      'VALIDATION_FAILED',
      'code: the code does not match; check the time on your phone.',
    );
  const t = platform.now().getTime();
  await db.transaction().execute(async (tx) => {
    await staff.updateStaffUser(tx, user.id, { totpEnabledAt: t }, t);
    await recordAudit(
      platform,
      tx,
      user.applicationId,
      { id: `staff:${user.id}`, label: user.email },
      'staff.totp_enable',
      { type: 'staff', id: user.id },
    );
  });
}

export async function removeOwnTotp(platform: Platform, principal: StaffPrincipal, password: string) {
  const db = platform.database.db;
  const user = (await staff.findStaffUser(db, principal.user.applicationId, principal.user.id))!;
  if (!(await verifyPassword(user.passwordHash, password)))
    throw new DomainError('FORBIDDEN', 'The password is wrong.');
  const t = platform.now().getTime();
  await db.transaction().execute(async (tx) => {
    await staff.updateStaffUser(tx, user.id, { totpSecretEnc: null, totpEnabledAt: null }, t);
    await recordAudit(
      platform,
      tx,
      user.applicationId,
      { id: `staff:${user.id}`, label: user.email },
      'staff.totp_disable',
      { type: 'staff', id: user.id },
    );
  });
}

/** For tests and the CLI: the code an authenticator app would show now. */
export function currentTotpCode(secretBase32: string, at = Date.now()): string {
  return totpFor(secretBase32, 'x').generate({ timestamp: at });
}
