import { loadFaceEngine } from '@openidv/biometrics';
import { DomainError, newId } from '@openidv/domain';
import { faces, media, sessions } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';

export const ENROL_FACE_JOB = 'faces.enrol';

/**
 * An approved user's selfie joins the application's face templates, so a later applicant with the same face
 * under another vendorData is found (DUPLICATE_FACE). Runs as a job after the decision: it needs the model.
 */
export async function enrolApprovedFace(
  platform: Platform,
  sessionId: string,
  attemptId: string,
): Promise<void> {
  const db = platform.database.db;
  const session = await sessions.findSessionById(db, sessionId);
  if (!session || session.deletedAt || session.status !== 'approved') return;
  const selfie = (await media.listMedia(db, sessionId, attemptId)).filter((m) => m.context === 'face').at(-1);
  if (!selfie) return;
  const engine = await loadFaceEngine();
  const analysis = await engine.analyse(await platform.files.get(selfie.storageKey));
  const face = analysis.ok ? analysis.value.faces[0] : undefined;
  if (!face) return;
  const id = newId('fce', platform.now().getTime());
  await faces.insertFaceTemplate(db, {
    id,
    applicationId: session.applicationId,
    kind: 'approved',
    sessionId,
    vendorData: session.vendorData,
    embeddingEnc: platform.faces.seal(id, face.embedding),
    note: null,
    createdBy: 'system',
    createdAt: platform.now(),
  });
}

/** Adds a face to the blocklist, from an image or from a session's selfie. */
export async function blocklistFace(
  platform: Platform,
  applicationId: string,
  input: { image?: Buffer; sessionId?: string; note?: string },
  by: string,
) {
  let bytes = input.image;
  let sessionId: string | null = null;
  let vendorData: string | null = null;
  if (!bytes && input.sessionId) {
    const session = await sessions.findSession(platform.database.db, applicationId, input.sessionId);
    if (!session || session.deletedAt) throw new DomainError('NOT_FOUND', `No session ${input.sessionId}.`);
    const selfie = (await media.listMedia(platform.database.db, session.id))
      .filter((m) => m.context === 'face')
      .at(-1);
    if (!selfie) throw new DomainError('VALIDATION_FAILED', 'sessionId: that session has no selfie.');
    bytes = await platform.files.get(selfie.storageKey);
    sessionId = session.id;
    vendorData = session.vendorData;
  }
  if (!bytes)
    throw new DomainError('VALIDATION_FAILED', 'Give an image (field "file" or "content") or a sessionId.');
  const engine = await loadFaceEngine();
  const analysis = await engine.analyse(bytes);
  if (!analysis.ok)
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `The image could not be read: ${analysis.error.message}`);
  const face = analysis.value.faces[0];
  if (!face) throw new DomainError('NO_FACE_FOUND', 'No face was found in the image.');
  const id = newId('fce', platform.now().getTime());
  const row = {
    id,
    applicationId,
    kind: 'blocklist' as const,
    sessionId,
    vendorData,
    embeddingEnc: platform.faces.seal(id, face.embedding),
    note: input.note ?? null,
    createdBy: by,
    createdAt: platform.now(),
  };
  await faces.insertFaceTemplate(platform.database.db, row);
  return row;
}
