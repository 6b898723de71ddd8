import { createHash } from 'node:crypto';
import { acceptsMedia, DomainError, type MediaContext, newId, type Session } from '@openidv/domain';
import { sniffMediaType } from '@openidv/image-decoding';
import { media, sessions } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';
import { recordEvent } from '../events/record-event.ts';
import { openAttemptIfResubmitting } from './open-attempt.ts';
import { markStartedInTx } from './start-session.ts';

/** Contexts an applicant or integrator may upload (document-portrait is produced by the document check). */
export const UPLOAD_CONTEXTS = [
  'document-front',
  'document-back',
  'face',
  'liveness',
  'additional-document',
  'face-reference',
] as const satisfies readonly MediaContext[];
export type UploadContext = (typeof UPLOAD_CONTEXTS)[number];

export function assertAcceptsMedia(session: Session, now: Date): void {
  if (session.expiresAt <= now && acceptsMedia(session.status)) {
    throw new DomainError('SESSION_EXPIRED', 'The session has expired; create a new one.');
  }
  if (!acceptsMedia(session.status)) {
    throw new DomainError(
      'SESSION_NOT_ACCEPTING_MEDIA',
      `The session is "${session.status}"; media can only be added before it is submitted.`,
      { status: session.status },
    );
  }
}

/**
 * For what else the applicant gives until submission (answers, collected data): a session that no longer
 * accepts it answers as a refused transition, since nothing was uploaded.
 */
export function assertAcceptsChanges(session: Session, now: Date, what: string): void {
  try {
    assertAcceptsMedia(session, now);
  } catch (e) {
    if (e instanceof DomainError && e.code === 'SESSION_NOT_ACCEPTING_MEDIA') {
      throw new DomainError(
        'INVALID_TRANSITION',
        `${what} cannot change once the session is "${session.status}".`,
        {
          status: session.status,
        },
      );
    }
    throw e;
  }
}

export async function addMedia(
  platform: Platform,
  session: Session,
  upload: { context: UploadContext; bytes: Buffer },
  actor: string,
) {
  const now = platform.now();
  assertAcceptsMedia(session, now);
  if (upload.bytes.length === 0) throw new DomainError('VALIDATION_FAILED', 'The file is empty.');
  if (upload.bytes.length > platform.config.uploadLimitBytes) {
    throw new DomainError(
      'PAYLOAD_TOO_LARGE',
      `The file is ${upload.bytes.length} bytes; at most ${platform.config.uploadLimitBytes} are accepted.`,
    );
  }
  // Income documents (payslips, P60s, statements) come as PDFs as often as photos.
  const pdf =
    upload.context === 'additional-document' && upload.bytes.subarray(0, 5).toString('latin1') === '%PDF-';
  const type = pdf
    ? { kind: 'document' as const, mimeType: 'application/pdf' }
    : await sniffMediaType(upload.bytes);
  const allowVideo = upload.context === 'liveness';
  if (!type || (type.kind === 'video' && !allowVideo)) {
    throw new DomainError(
      'UNSUPPORTED_MEDIA_TYPE',
      allowVideo
        ? 'Liveness media must be a JPEG, PNG, WebP, HEIC or AVIF image, or an MP4, WebM or QuickTime video.'
        : upload.context === 'additional-document'
          ? 'The file must be a PDF, or a JPEG, PNG, WebP, HEIC or AVIF image (its type is read from its bytes).'
          : 'The file must be a JPEG, PNG, WebP, HEIC or AVIF image (its type is read from its bytes).',
    );
  }
  const mediaId = newId('med', now.getTime());
  const storageKey = `${session.applicationId}/${session.id}/${mediaId}`.toLowerCase();
  // Bytes first: a row never points at a missing file. A crash in between leaves an orphan file, never a lie.
  await platform.files.put(storageKey, upload.bytes);
  const row = await platform.database.db.transaction().execute(async (tx) => {
    const current = await sessions.findSessionById(tx, session.id);
    if (!current) throw new DomainError('NOT_FOUND', `No session ${session.id}.`);
    assertAcceptsMedia(current, now);
    let s = await openAttemptIfResubmitting(platform, tx, current);
    s = await markStartedInTx(platform, tx, s, actor);
    const m = {
      id: mediaId,
      applicationId: s.applicationId,
      sessionId: s.id,
      attemptId: s.currentAttemptId,
      context: upload.context,
      mimeType: type.mimeType,
      size: upload.bytes.length,
      sha256: createHash('sha256').update(upload.bytes).digest('hex'),
      storageKey,
      createdAt: now,
    };
    await media.insertMedia(tx, m);
    await recordEvent(
      platform,
      tx,
      s,
      'media.uploaded',
      { mediaId, context: m.context, mimeType: m.mimeType, size: m.size },
      actor,
      { sessionId: s.id, mediaId, context: m.context, mimeType: m.mimeType, size: m.size },
    );
    return m;
  });
  return row;
}
