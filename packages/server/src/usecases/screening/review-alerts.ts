import { hitFingerprint } from '@openidv/check-aml';
import { DomainError } from '@openidv/domain';
import { screening } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';

/**
 * "Not this person": the hit is suppressed for this user until the list entry changes (its fingerprint).
 * Used when a reviewer dismisses a monitoring alert, or an AML hit on a session.
 */
export async function suppressHit(
  platform: Platform,
  applicationId: string,
  input: { vendorData: string; entityId: string; note?: string | undefined },
  by: string,
) {
  const fingerprint = hitFingerprint(platform.screening.current(), input.entityId);
  if (!fingerprint)
    throw new DomainError('NOT_FOUND', `No list entry ${input.entityId} in the lists in service.`);
  await screening.upsertSuppression(platform.database.db, {
    applicationId,
    vendorData: input.vendorData,
    entityId: input.entityId,
    fingerprint,
    by,
    note: input.note ?? null,
    now: platform.now().getTime(),
  });
  return { vendorData: input.vendorData, entityId: input.entityId, fingerprint };
}

export async function resolveAlert(
  platform: Platform,
  applicationId: string,
  id: string,
  outcome: 'dismissed' | 'confirmed',
  by: string,
  note: string | undefined,
) {
  const alert = await screening.findAlert(platform.database.db, applicationId, id);
  if (!alert) throw new DomainError('NOT_FOUND', `No screening alert ${id}.`);
  if (alert.status !== 'open') {
    throw new DomainError('INVALID_TRANSITION', `The alert was already ${alert.status}.`, {
      status: alert.status,
    });
  }
  await screening.resolveAlert(platform.database.db, id, outcome, by, note ?? null, platform.now().getTime());
  if (outcome === 'dismissed') {
    await screening.upsertSuppression(platform.database.db, {
      applicationId,
      vendorData: alert.vendorData,
      entityId: alert.entityId,
      fingerprint: alert.entityFingerprint,
      by,
      note: note ?? null,
      now: platform.now().getTime(),
    });
  }
  return (await screening.findAlert(platform.database.db, applicationId, id))!;
}
