import { createHash } from 'node:crypto';
import type { EidPersonField, LevelOfAssurance, Session } from '@openidv/domain';
import type { EidTransactionRow } from '@openidv/storage';
import type { StoredEidResult } from '../../usecases/eid/eid-evidence.ts';

/** Hopae's numeric levels of assurance against eIDAS's: 1–2 low, 3 substantial, 4–5 high. */
export const LOA_NUMBER: Record<LevelOfAssurance, number> = { low: 2, substantial: 3, high: 4 };
export function levelForNumber(n: number): LevelOfAssurance {
  return n >= 4 ? 'high' : n === 3 ? 'substantial' : 'low';
}

/** Hopae's claim names (OpenID Connect standard claims) and the person field each comes from. */
export const HOPAE_CLAIMS: Record<string, EidPersonField | 'name'> = {
  given_name: 'firstName',
  family_name: 'lastName',
  name: 'name',
  birthdate: 'dateOfBirth',
  nationality: 'nationality',
  address: 'address',
  email: 'email',
  phone_number: 'phone',
};

export type HopaeFlow = 'qr' | 'redirect' | 'push';
export type HopaeStatus =
  | 'initiated'
  | 'pending'
  | 'authenticating'
  | 'completed'
  | 'failed'
  | 'expired'
  | 'cancelled';

/** The verification's status from the session and its latest sign-in. */
export function hopaeStatus(session: Session, latest: EidTransactionRow | undefined, now: Date): HopaeStatus {
  if (latest?.status === 'completed') return 'completed';
  if (session.status === 'cancelled') return 'cancelled';
  if (latest?.status === 'failed') {
    if (latest.errorCode === 'EID_CANCELLED') return 'cancelled';
    if (latest.errorCode === 'EID_EXPIRED') return 'expired';
    return 'failed';
  }
  if (session.status === 'expired' || session.status === 'abandoned' || session.expiresAt <= now)
    return 'expired';
  if (latest?.status === 'pending') return latest.channel === 'push' ? 'pending' : 'authenticating';
  return 'initiated';
}

/** `GET /verifications/{id}/userinfo`: the claims, the level of assurance and the provenance, in Hopae's shape. */
export function userinfoBody(
  verificationId: string,
  applicationId: string,
  result: StoredEidResult,
  requestedClaims: string[],
  finishedAt: Date,
) {
  const { person, provenance } = result.verification;
  const claims: Record<string, unknown> = {};
  for (const [claim, field] of Object.entries(HOPAE_CLAIMS)) {
    const value =
      field === 'name'
        ? [person.firstName, person.lastName].filter(Boolean).join(' ') || undefined
        : field === 'address'
          ? person.address && { formatted: person.address }
          : person[field];
    if (value) claims[claim] = value;
  }
  const level = provenance.levelOfAssurance;
  return {
    // Pairwise: the same person gets a different subject per application, as Hopae does.
    sub: createHash('sha256')
      .update(`${applicationId}\u0000${provenance.provider}\u0000${provenance.subject}`)
      .digest('base64url'),
    acr: `urn:hopae:loa${LOA_NUMBER[level]}`,
    loa: LOA_NUMBER[level],
    loa_label: level,
    missing_claims: requestedClaims.filter((c) => claims[c] === undefined),
    ...claims,
    provenance: {
      presentation: {
        channel: {
          type: 'centralized_idp',
          transport: provenance.channel === 'qr' ? 'qr_code' : 'internet',
        },
        credentials: [
          {
            type: provenance.provider,
            issuer: { id: provenance.issuer },
            claims: Object.keys(claims),
            evidence: evidenceBody(result),
          },
        ],
      },
      _metadata: { verification_id: verificationId, verified_at: finishedAt.toISOString() },
    },
  };
}

/** `GET /verifications/{id}/evidence`: the provider's token and the names of the keys under it. */
export function evidenceBody(result: StoredEidResult) {
  return { token: { id_token: result.idToken }, names: 'id_token' };
}
