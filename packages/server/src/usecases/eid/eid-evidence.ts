import type { EidChannel, EidVerification, Session } from '@openidv/domain';
import { type EidTransactionRow, identityProviders } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';

const resultAad = (id: string) => `eid-result:${id}`;

/** What a finished sign-in keeps, sealed: the verified person, and the signed ID token as evidence. */
export interface StoredEidResult {
  verification: EidVerification;
  idToken: string;
  jwksUri: string | null;
}

export function openResult(platform: Platform, txn: EidTransactionRow): StoredEidResult | undefined {
  return txn.resultEnc
    ? (JSON.parse(platform.envelope.openString(txn.resultEnc, resultAad(txn.id))) as StoredEidResult)
    : undefined;
}

/** The verified person of an attempt, for the checks. */
export async function verificationFor(
  platform: Platform,
  sessionId: string,
  attemptId: string,
): Promise<EidVerification | undefined> {
  const txns = await identityProviders.listTransactions(platform.database.db, sessionId);
  const done = txns.find((t) => t.attemptId === attemptId && t.status === 'completed');
  return done && openResult(platform, done)?.verification;
}

export function sealResult(platform: Platform, txn: EidTransactionRow, result: StoredEidResult): string {
  return platform.envelope.sealString(JSON.stringify(result), resultAad(txn.id));
}

/** The evidence of a session's eID sign-ins: each signed ID token, for an auditor to verify again. */
export async function eidEvidence(platform: Platform, session: Session) {
  const txns = await identityProviders.listTransactions(platform.database.db, session.id);
  return txns
    .filter((t) => t.status === 'completed')
    .map((t) => {
      const r = openResult(platform, t)!;
      return {
        transactionId: t.id,
        attemptId: t.attemptId,
        type: 'id_token' as const,
        format: 'jwt' as const,
        idToken: r.idToken,
        jwksUri: r.jwksUri,
        provenance: { ...r.verification.provenance } as Record<string, unknown>,
        createdAt: (t.finishedAt ?? t.createdAt).toISOString(),
      };
    });
}

export function presentTransaction(t: EidTransactionRow) {
  return {
    id: t.id,
    providerId: t.providerId,
    channel: t.channel as EidChannel,
    status: t.status,
    ...(t.errorCode && { errorCode: t.errorCode }),
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt.toISOString(),
  };
}
