import {
  type BlocklistPort,
  type Decision,
  identityOf,
  type Session,
  SIGNAL_KINDS,
  type SignalsPort,
  signalValue,
} from '@openidv/domain';
import { type Executor, risk } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';
import { digestOf } from './risk-values.ts';

/**
 * Remembers the session's device, IP, email and phone (as digests) for velocity counts: when collected data
 * arrives, and again when the session is decided, with the identity the document showed.
 */
export async function recordSessionSignals(
  platform: Platform,
  db: Executor,
  session: Session,
  decision?: Pick<Decision, 'person' | 'document'>,
): Promise<void> {
  const app = session.applicationId;
  const signals: { kind: string; digest: string }[] = [];
  for (const kind of SIGNAL_KINDS) {
    const v = signalValue(kind, session);
    const digest = v ? digestOf(platform, app, kind, v) : undefined;
    if (digest) signals.push({ kind, digest });
  }
  if (signals.length === 0) return;
  const identity = identityOf(decision ?? {}, session.expected);
  const identityDigest = identity ? digestOf(platform, app, 'identity', identity) : undefined;
  await risk.upsertSignals(db, {
    applicationId: app,
    sessionId: session.id,
    userDigest: session.vendorData ? (digestOf(platform, app, 'user', session.vendorData) ?? null) : null,
    identityDigest: identityDigest ?? null,
    now: platform.now().getTime(),
    signals,
  });
  if (identityDigest) await risk.setSignalIdentity(db, session.id, identityDigest);
}

/** The read side a check sees: counts over the application's other sessions, and the blocklists. */
export function riskServices(
  platform: Platform,
  session: Pick<Session, 'id' | 'applicationId'>,
): { signals: SignalsPort; blocklists: BlocklistPort } {
  const app = session.applicationId;
  const db = platform.database.db;
  return {
    signals: {
      async count(kind, value, { windowMs, identity }) {
        const digest = digestOf(platform, app, kind, value);
        if (!digest) return { sessions: 0, users: 0, identities: 0 };
        return risk.countSignals(db, {
          applicationId: app,
          kind,
          digest,
          since: platform.now().getTime() - windowMs,
          excludeSessionId: session.id,
          excludeIdentity: identity ? (digestOf(platform, app, 'identity', identity) ?? null) : null,
        });
      },
    },
    blocklists: {
      async find(kind, value) {
        const digest = digestOf(platform, app, kind, value);
        if (!digest) return undefined;
        const e = await risk.findBlocklistEntry(db, app, kind, digest);
        return e && { id: e.id, display: e.display, note: e.note };
      },
    },
  };
}
