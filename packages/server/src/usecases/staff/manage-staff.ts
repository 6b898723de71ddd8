import { DomainError, newId } from '@openidv/domain';
import { STAFF_ROLES, type StaffRole, type StaffUserRow, staff } from '@openidv/storage';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import { type Actor, recordAudit } from '../audit/record-audit.ts';
import { hashPassword, PASSWORD_MIN_LENGTH } from './passwords.ts';

export const staffRoleSchema = z
  .enum(STAFF_ROLES)
  .describe('admin: everything; reviewer: cases, reviews and the queue; viewer: read-only.');

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(200);

export const createStaffInput = z
  .object({
    email: z.email().max(254).describe('Sign-in name; stored lower-cased.'),
    name: z.string().min(1).max(200).optional(),
    password: passwordSchema,
    role: staffRoleSchema,
  })
  .strict();

export const updateStaffInput = z
  .object({
    name: z.string().min(1).max(200).nullable().optional(),
    role: staffRoleSchema.optional(),
    password: passwordSchema.optional().describe('Sets a new password and signs the user out everywhere.'),
    disabled: z.boolean().optional().describe('A disabled user cannot sign in; their sign-ins end at once.'),
    resetTotp: z.literal(true).optional().describe('Removes the second factor (lost phone).'),
  })
  .strict();

export function presentStaff(u: StaffUserRow) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    totpEnabled: u.totpEnabledAt !== null,
    createdAt: u.createdAt.toISOString(),
    lastSignInAt: u.lastSignInAt?.toISOString() ?? null,
    disabled: u.disabledAt !== null,
  };
}

export async function createStaffUser(
  platform: Platform,
  applicationId: string,
  input: z.infer<typeof createStaffInput>,
  actor: Actor,
): Promise<StaffUserRow> {
  const email = input.email.trim().toLowerCase();
  const db = platform.database.db;
  const passwordHash = await hashPassword(input.password);
  const now = platform.now().getTime();
  const id = newId('stf', now);
  await db.transaction().execute(async (tx) => {
    const existing = await staff.findStaffUsersByEmail(tx, email);
    if (existing.length) throw new DomainError('STAFF_EMAIL_TAKEN', `A staff user ${email} already exists.`);
    await staff.insertStaffUser(tx, {
      id,
      applicationId,
      email,
      name: input.name ?? null,
      passwordHash,
      role: input.role,
      now,
    });
    await recordAudit(platform, tx, applicationId, actor, 'staff.create', { type: 'staff', id }, null, {
      email,
      role: input.role,
    });
  });
  return (await staff.findStaffUser(db, applicationId, id))!;
}

export async function updateStaffUser(
  platform: Platform,
  applicationId: string,
  id: string,
  input: z.infer<typeof updateStaffInput>,
  actor: Actor,
): Promise<StaffUserRow> {
  const db = platform.database.db;
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  const now = platform.now().getTime();
  await db.transaction().execute(async (tx) => {
    const user = await staff.findStaffUser(tx, applicationId, id);
    if (!user) throw new DomainError('NOT_FOUND', `No staff user ${id}.`);
    const losesAdmin =
      user.role === 'admin' &&
      !user.disabledAt &&
      ((input.role !== undefined && input.role !== 'admin') || input.disabled === true);
    if (losesAdmin && (await staff.countActiveAdmins(tx, applicationId)) <= 1) {
      throw new DomainError('LAST_ADMIN', 'This is the last active admin.');
    }
    const disabledAt = input.disabled === undefined ? undefined : input.disabled ? now : null;
    await staff.updateStaffUser(
      tx,
      id,
      {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.role !== undefined && { role: input.role as StaffRole }),
        ...(passwordHash && { passwordHash }),
        ...(disabledAt !== undefined && { disabledAt }),
        ...(input.resetTotp && { totpSecretEnc: null, totpEnabledAt: null }),
      },
      now,
    );
    // Anything that changes what the user may do ends their sign-ins, so it takes effect at once.
    if (passwordHash || input.disabled || input.role !== undefined || input.resetTotp) {
      await staff.deleteStaffSessionsOfUser(tx, id);
    }
    const before = {
      name: user.name,
      role: user.role,
      disabled: user.disabledAt !== null,
      totp: !!user.totpEnabledAt,
    };
    const after = {
      name: input.name === undefined ? user.name : input.name,
      role: input.role ?? user.role,
      disabled: input.disabled ?? user.disabledAt !== null,
      totp: input.resetTotp ? false : !!user.totpEnabledAt,
      ...(passwordHash && { passwordChanged: true }),
    };
    await recordAudit(
      platform,
      tx,
      applicationId,
      actor,
      'staff.update',
      { type: 'staff', id },
      before,
      after,
    );
  });
  return (await staff.findStaffUser(db, applicationId, id))!;
}
