import type { Session } from '@openidv/domain';
import { sessions } from '@openidv/storage';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import { recordSessionSignals } from '../risk/risk-signals.ts';
import { assertAcceptsChanges } from './add-media.ts';

export const collectedDataInput = z
  .object({
    ip: z.union([z.ipv4(), z.ipv6()]).optional().describe("The applicant's IP address."),
    userAgent: z.string().max(1000).optional(),
    deviceFingerprint: z.string().max(500).optional(),
    email: z.email().max(320).optional(),
    phone: z
      .string()
      .regex(/^\+?[0-9 ()-]{4,30}$/, 'must be a phone number, ideally in E.164 form like +3725551234')
      .optional(),
  })
  .strict()
  .refine(
    (o) => Object.keys(o).length > 0,
    'give at least one of ip, userAgent, deviceFingerprint, email, phone',
  );
export type CollectedDataInput = z.infer<typeof collectedDataInput>;

/** Merges what the integrator collected about the applicant into the session, for the risk checks. */
export async function addCollectedData(platform: Platform, session: Session, input: CollectedDataInput) {
  const now = platform.now();
  assertAcceptsChanges(session, now, 'Collected data');
  const merged = { ...session.collected, ...input };
  await platform.database.db.transaction().execute(async (tx) => {
    await sessions.updateCollectedData(tx, session.id, merged, now.getTime());
    await recordSessionSignals(platform, tx, { ...session, collected: merged });
  });
  return merged;
}
