import { type BlocklistKind, DomainError, newId } from '@openidv/domain';
import { risk } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';
import { blocklistValue, digestValue, maskValue } from './risk-values.ts';

/** Blocks a value: stored as a keyed digest with a masked form for listings. Adding it twice is harmless. */
export async function addToBlocklist(
  platform: Platform,
  applicationId: string,
  kind: BlocklistKind,
  input: { value: string; note?: string | undefined },
  actor: string,
) {
  const normalised = blocklistValue(kind, input.value);
  const now = platform.now().getTime();
  return risk.addBlocklistEntry(platform.database.db, {
    id: newId('blk', now),
    applicationId,
    kind,
    digest: digestValue(platform, applicationId, kind, normalised),
    display: maskValue(kind, normalised),
    note: input.note ?? null,
    createdBy: actor,
    now,
  });
}

/** Whether a value is blocked (the value is normalised and digested, never stored). */
export async function findInBlocklist(
  platform: Platform,
  applicationId: string,
  kind: BlocklistKind,
  value: string,
) {
  const normalised = blocklistValue(kind, value);
  return risk.findBlocklistEntry(
    platform.database.db,
    applicationId,
    kind,
    digestValue(platform, applicationId, kind, normalised),
  );
}

export async function removeFromBlocklist(
  platform: Platform,
  applicationId: string,
  kind: BlocklistKind,
  id: string,
) {
  if (!(await risk.deleteBlocklistEntry(platform.database.db, applicationId, id, kind)))
    throw new DomainError('NOT_FOUND', `No ${kind} blocklist entry ${id}.`);
}
