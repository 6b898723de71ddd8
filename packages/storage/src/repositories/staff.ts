import type { DB } from '../database/schema.ts';
import type { Executor } from './applications.ts';

export const STAFF_ROLES = ['admin', 'reviewer', 'viewer'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffUserRow {
  id: string;
  applicationId: string;
  email: string;
  name: string | null;
  passwordHash: string;
  role: StaffRole;
  totpSecretEnc: string | null;
  totpEnabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  lastSignInAt: Date | null;
  disabledAt: Date | null;
}

export async function insertStaffUser(
  db: Executor,
  u: {
    id: string;
    applicationId: string;
    email: string;
    name: string | null;
    passwordHash: string;
    role: StaffRole;
    now: number;
  },
): Promise<void> {
  await db
    .insertInto('staff_users')
    .values({
      id: u.id,
      application_id: u.applicationId,
      email: u.email,
      name: u.name,
      password_hash: u.passwordHash,
      role: u.role,
      totp_secret_enc: null,
      totp_enabled_at: null,
      created_at: u.now,
      updated_at: u.now,
      last_sign_in_at: null,
      disabled_at: null,
    })
    .execute();
}

export async function findStaffUser(
  db: Executor,
  applicationId: string,
  id: string,
): Promise<StaffUserRow | undefined> {
  const r = await db
    .selectFrom('staff_users')
    .selectAll()
    .where('id', '=', id)
    .where('application_id', '=', applicationId)
    .executeTakeFirst();
  return r && toUser(r);
}

/** Staff sign in by email alone (the application follows from the account); emails are lower-cased. */
export async function findStaffUsersByEmail(db: Executor, email: string): Promise<StaffUserRow[]> {
  const rows = await db.selectFrom('staff_users').selectAll().where('email', '=', email).execute();
  return rows.map(toUser);
}

export async function listStaffUsers(db: Executor, applicationId: string): Promise<StaffUserRow[]> {
  const rows = await db
    .selectFrom('staff_users')
    .selectAll()
    .where('application_id', '=', applicationId)
    .orderBy('email')
    .execute();
  return rows.map(toUser);
}

export async function countActiveAdmins(db: Executor, applicationId: string): Promise<number> {
  const r = await db
    .selectFrom('staff_users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('application_id', '=', applicationId)
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function updateStaffUser(
  db: Executor,
  id: string,
  set: Partial<{
    name: string | null;
    role: StaffRole;
    passwordHash: string;
    totpSecretEnc: string | null;
    totpEnabledAt: number | null;
    lastSignInAt: number;
    disabledAt: number | null;
  }>,
  now: number,
): Promise<void> {
  await db
    .updateTable('staff_users')
    .set({
      updated_at: now,
      ...(set.name !== undefined && { name: set.name }),
      ...(set.role !== undefined && { role: set.role }),
      ...(set.passwordHash !== undefined && { password_hash: set.passwordHash }),
      ...(set.totpSecretEnc !== undefined && { totp_secret_enc: set.totpSecretEnc }),
      ...(set.totpEnabledAt !== undefined && { totp_enabled_at: set.totpEnabledAt }),
      ...(set.lastSignInAt !== undefined && { last_sign_in_at: set.lastSignInAt }),
      ...(set.disabledAt !== undefined && { disabled_at: set.disabledAt }),
    })
    .where('id', '=', id)
    .execute();
}

export interface StaffSessionRow {
  id: string;
  userId: string;
  applicationId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export async function insertStaffSession(
  db: Executor,
  s: { id: string; tokenHash: string; userId: string; applicationId: string; now: number; expiresAt: number },
): Promise<void> {
  await db
    .insertInto('staff_sessions')
    .values({
      id: s.id,
      token_hash: s.tokenHash,
      user_id: s.userId,
      application_id: s.applicationId,
      created_at: s.now,
      last_seen_at: s.now,
      expires_at: s.expiresAt,
    })
    .execute();
}

/** The sign-in a cookie token belongs to, with its user. */
export async function findStaffSessionByTokenHash(
  db: Executor,
  tokenHash: string,
): Promise<{ session: StaffSessionRow; user: StaffUserRow } | undefined> {
  const s = await db
    .selectFrom('staff_sessions')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!s) return undefined;
  const u = await db.selectFrom('staff_users').selectAll().where('id', '=', s.user_id).executeTakeFirst();
  if (!u) return undefined;
  return {
    session: {
      id: s.id,
      userId: s.user_id,
      applicationId: s.application_id,
      createdAt: new Date(Number(s.created_at)),
      lastSeenAt: new Date(Number(s.last_seen_at)),
      expiresAt: new Date(Number(s.expires_at)),
    },
    user: toUser(u),
  };
}

export async function touchStaffSession(db: Executor, id: string, now: number): Promise<void> {
  await db.updateTable('staff_sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

export async function deleteStaffSession(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('staff_sessions').where('id', '=', id).execute();
}

/** Signs a user out everywhere (password change, disabling, role change). */
export async function deleteStaffSessionsOfUser(
  db: Executor,
  userId: string,
  exceptId?: string,
): Promise<void> {
  let q = db.deleteFrom('staff_sessions').where('user_id', '=', userId);
  if (exceptId) q = q.where('id', '!=', exceptId);
  await q.execute();
}

export async function deleteExpiredStaffSessions(db: Executor, now: number): Promise<void> {
  await db.deleteFrom('staff_sessions').where('expires_at', '<', now).execute();
}

function toUser(r: DB['staff_users']): StaffUserRow {
  const d = (v: number | null) => (v == null ? null : new Date(Number(v)));
  return {
    id: r.id,
    applicationId: r.application_id,
    email: r.email,
    name: r.name,
    passwordHash: r.password_hash,
    role: r.role as StaffRole,
    totpSecretEnc: r.totp_secret_enc,
    totpEnabledAt: d(r.totp_enabled_at),
    createdAt: new Date(Number(r.created_at)),
    updatedAt: new Date(Number(r.updated_at)),
    lastSignInAt: d(r.last_sign_in_at),
    disabledAt: d(r.disabled_at),
  };
}
