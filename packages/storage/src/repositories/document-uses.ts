import type { Executor } from './applications.ts';

/**
 * The document each decided session showed, as a keyed digest (state, type and number), so a later session of
 * another user with the same document is found. This module never sees a document number.
 */

export interface DocumentUseRow {
  sessionId: string;
  vendorData: string | null;
  seenAt: Date;
}

/** Records (or replaces, on a later attempt) the document the session showed. */
export async function recordDocumentUse(
  db: Executor,
  u: { applicationId: string; sessionId: string; digest: string; now: number },
): Promise<void> {
  await db
    .insertInto('document_uses')
    .values({
      session_id: u.sessionId,
      application_id: u.applicationId,
      digest: u.digest,
      created_at: u.now,
    })
    .onConflict((oc) =>
      oc.column('session_id').doUpdateSet((eb) => ({
        digest: eb.ref('excluded.digest'),
        created_at: eb.ref('excluded.created_at'),
      })),
    )
    .execute();
}

/**
 * The application's other sessions (not erased) that showed the document, newest first; with `excludeVendorData`,
 * only those of other users (sessions without a vendorData count as other users).
 */
export async function findDocumentUses(
  db: Executor,
  q: {
    applicationId: string;
    digest: string;
    excludeSessionId: string;
    excludeVendorData?: string;
    limit: number;
  },
): Promise<DocumentUseRow[]> {
  let query = db
    .selectFrom('document_uses')
    .innerJoin('sessions', 'sessions.id', 'document_uses.session_id')
    .select(['document_uses.session_id', 'sessions.vendor_data', 'document_uses.created_at'])
    .where('document_uses.application_id', '=', q.applicationId)
    .where('document_uses.digest', '=', q.digest)
    .where('document_uses.session_id', '<>', q.excludeSessionId)
    .where('sessions.deleted_at', 'is', null);
  const excluded = q.excludeVendorData;
  if (excluded !== undefined) {
    query = query.where((eb) =>
      eb.or([eb('sessions.vendor_data', 'is', null), eb('sessions.vendor_data', '<>', excluded)]),
    );
  }
  const rows = await query
    .orderBy('document_uses.created_at', 'desc')
    .orderBy('document_uses.session_id', 'desc')
    .limit(q.limit)
    .execute();
  return rows.map((r) => ({
    sessionId: r.session_id,
    vendorData: r.vendor_data,
    seenAt: new Date(Number(r.created_at)),
  }));
}

export async function deleteDocumentUseBySession(db: Executor, sessionId: string): Promise<number> {
  const r = await db.deleteFrom('document_uses').where('session_id', '=', sessionId).executeTakeFirst();
  return Number(r.numDeletedRows);
}
