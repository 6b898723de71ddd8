import { randomUUID } from 'node:crypto';
import { type DialectIdKind, type DialectIdRow, dialects, type Executor } from '@openidv/storage';
import type { DialectName } from './dialect.ts';

/**
 * Vendors name sessions, attempts and media with UUIDs; integrations store them in UUID columns and validate
 * them. Each dialect gets its own random UUID v4 for a core id, created the first time the dialect shows it.
 */
export async function externalIdFor(
  db: Executor,
  dialect: DialectName,
  kind: DialectIdKind,
  internalId: string,
  owner: { applicationId: string; sessionId: string; credentialId?: string | null },
  extra: Record<string, unknown> = {},
  externalId: string = randomUUID(),
): Promise<DialectIdRow> {
  const found = await dialects.findByInternalId(db, dialect, internalId);
  if (found) return found;
  return dialects.insertDialectId(db, {
    dialect,
    externalId,
    kind,
    internalId,
    applicationId: owner.applicationId,
    sessionId: owner.sessionId,
    credentialId: owner.credentialId ?? null,
    extra,
    createdAt: new Date(),
  });
}

/** The core id behind a dialect id, if it is of the wanted kind and belongs to the application. */
export async function resolveExternalId(
  db: Executor,
  dialect: DialectName,
  kind: DialectIdKind,
  externalId: string,
  applicationId: string,
): Promise<DialectIdRow | undefined> {
  const row = await dialects.findByExternalId(db, dialect, externalId);
  return row && row.kind === kind && row.applicationId === applicationId ? row : undefined;
}
