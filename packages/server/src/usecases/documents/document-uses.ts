import { type Decision, type DocumentUsesPort, documentKey, type Session } from '@openidv/domain';
import { documentUses, type Executor } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';
import { digestValue } from '../risk/risk-values.ts';

/**
 * Remembers the document a decided session showed (as a keyed digest), so that another user showing the same
 * document later is caught by the document check. Only documents read from the evidence count: a number the
 * integrator sent proves nothing about what was shown.
 */
export async function recordDocumentUse(
  platform: Platform,
  db: Executor,
  session: Session,
  decision: Pick<Decision, 'document'>,
): Promise<void> {
  const d = decision.document;
  if (!d.number || d.number.source === 'api') return;
  const key = documentKey({ number: d.number.value, country: d.country?.value, type: d.type?.value });
  if (!key) return;
  await documentUses.recordDocumentUse(db, {
    applicationId: session.applicationId,
    sessionId: session.id,
    digest: digestValue(platform, session.applicationId, 'document-use', key),
    now: platform.now().getTime(),
  });
}

/** The read side the document check sees: other sessions of the application that showed the same document. */
export function documentUsesService(
  platform: Platform,
  session: Pick<Session, 'id' | 'applicationId'>,
): DocumentUsesPort {
  return {
    async find(document, { limit, excludeVendorData }) {
      const key = documentKey(document);
      if (!key) return [];
      return documentUses.findDocumentUses(platform.database.db, {
        applicationId: session.applicationId,
        digest: digestValue(platform, session.applicationId, 'document-use', key),
        excludeSessionId: session.id,
        ...(excludeVendorData !== undefined ? { excludeVendorData } : {}),
        limit,
      });
    },
  };
}
