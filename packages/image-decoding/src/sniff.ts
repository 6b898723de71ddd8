import { fileTypeFromBuffer } from 'file-type';

export type MediaKind = 'image' | 'video';

export interface SniffedType {
  mimeType: string;
  extension: string;
  kind: MediaKind;
}

const IMAGE_TYPES = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/heic',
  'image/heif',
  'image/avif',
]);
const VIDEO_TYPES = new Set(['video/mp4', 'video/webm', 'video/quicktime']);

/**
 * The type of an upload, read from its bytes (never from its name or Content-Type header).
 * Undefined when it is nothing openidv accepts.
 */
export async function sniffMediaType(bytes: Uint8Array): Promise<SniffedType | undefined> {
  const t = await fileTypeFromBuffer(bytes);
  if (!t) return undefined;
  // file-type names HEIF containers by brand; both decode the same way here.
  const mimeType =
    t.mime === 'image/heic-sequence' || t.mime === 'image/heif-sequence' ? 'image/heic' : t.mime;
  if (IMAGE_TYPES.has(mimeType)) return { mimeType, extension: t.ext, kind: 'image' };
  if (VIDEO_TYPES.has(mimeType)) return { mimeType, extension: t.ext, kind: 'video' };
  return undefined;
}
