import { newId } from '@openidv/domain';
import { type Executor, reviews } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';

/** Who is acting: an API key ("api:<id>"), a console user ("staff:<id>") or openidv itself ("system"). */
export interface Actor {
  id: string;
  label: string | null;
}

/** Writes one audit entry: who, when, what, on which target, with the state before and after. */
export async function recordAudit(
  platform: Platform,
  tx: Executor,
  applicationId: string,
  actor: Actor,
  action: string,
  target: { type: string; id: string | null },
  before?: unknown,
  after?: unknown,
): Promise<string> {
  const now = platform.now();
  const id = newId('aud', now.getTime());
  await reviews.insertAudit(tx, {
    id,
    applicationId,
    actor: actor.id,
    actorLabel: actor.label,
    action,
    targetType: target.type,
    targetId: target.id,
    before: before ?? null,
    after: after ?? null,
    createdAt: now,
  });
  return id;
}
