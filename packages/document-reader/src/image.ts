import { decodeImage as decodeUpload, ImageDecodeError, sniffMediaType } from '@openidv/image-decoding';

/** A decoded image in memory: 8-bit RGB, rows top to bottom, EXIF orientation applied. */
export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

export type ImageErrorCode = 'EMPTY_INPUT' | 'UNSUPPORTED_FORMAT' | 'CORRUPT_IMAGE' | 'IMAGE_TOO_LARGE';

export type DecodeResult =
  | { ok: true; image: RgbImage }
  | { ok: false; code: ImageErrorCode; message: string };

/** Larger inputs are refused before decoding: a 20,000 × 20,000 image would need 1.2 GB as RGB. */
export const MAX_INPUT_PIXELS = 50_000_000;
/** Documents are read at most at this long side; phone photos are larger than the MRZ needs. */
export const WORKING_LONG_SIDE = 2000;

/**
 * Decodes an upload into RGB at the working size through `@openidv/image-decoding` (JPEG, PNG, WebP,
 * AVIF and phone HEIC, EXIF orientation applied, oversized images refused before decoding). Errors are
 * values: a PDF, truncated file or oversized image never throws.
 */
export async function decodeImage(bytes: Buffer): Promise<DecodeResult> {
  if (bytes.length === 0) return { ok: false, code: 'EMPTY_INPUT', message: 'The file is empty.' };
  let decoded: Awaited<ReturnType<typeof decodeUpload>>;
  try {
    decoded = await decodeUpload(bytes, MAX_INPUT_PIXELS);
  } catch (e) {
    if (e instanceof ImageDecodeError && e.code === 'IMAGE_TOO_LARGE') {
      return { ok: false, code: 'IMAGE_TOO_LARGE', message: e.message };
    }
    return unreadable(bytes);
  }
  try {
    const { data, info } = await decoded.image
      .clone()
      .resize({
        width: WORKING_LONG_SIDE,
        height: WORKING_LONG_SIDE,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) return toRgb(data, info.width, info.height, info.channels);
    return { ok: true, image: { data, width: info.width, height: info.height } };
  } catch {
    return {
      ok: false,
      code: 'CORRUPT_IMAGE',
      message: 'The image is truncated or damaged and cannot be decoded.',
    };
  }
}

/** Tells a file that is no image at all (a PDF, a text) from an image that is damaged. */
async function unreadable(bytes: Buffer): Promise<DecodeResult> {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') {
    return {
      ok: false,
      code: 'UNSUPPORTED_FORMAT',
      message: 'PDF files are not read; upload a photo of the document.',
    };
  }
  if ((await sniffMediaType(bytes))?.kind === 'image') {
    return {
      ok: false,
      code: 'CORRUPT_IMAGE',
      message: 'The image is truncated or damaged and cannot be decoded.',
    };
  }
  return {
    ok: false,
    code: 'UNSUPPORTED_FORMAT',
    message: 'The file is not an image format that can be read (JPEG, PNG, WebP, HEIC, AVIF).',
  };
}

function toRgb(data: Buffer, width: number, height: number, channels: number): DecodeResult {
  const out = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const g = data[i * channels] ?? 0;
    out[i * 3] = g;
    out[i * 3 + 1] = channels >= 3 ? (data[i * channels + 1] ?? g) : g;
    out[i * 3 + 2] = channels >= 3 ? (data[i * channels + 2] ?? g) : g;
  }
  return { ok: true, image: { data: out, width, height } };
}

/**
 * Grey image of the dark ink only (colour dropout): each pixel is its brightest channel, so black
 * print stays dark while coloured stamps, guilloches and tinted backgrounds (a red "SPECIMEN" stamp
 * across the MRZ) turn light. Luma kept them mid-grey, and the recogniser read them as strokes.
 */
export function toInkGray(image: RgbImage): Uint8Array {
  const n = image.width * image.height;
  const out = new Uint8Array(n);
  const d = image.data;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    out[i] = Math.max(d[j]!, d[j + 1]!, d[j + 2]!);
  }
  return out;
}

/** Luma plane of an RGB image, used by the OCR stages. */
export function toGray(image: RgbImage): Uint8Array {
  const n = image.width * image.height;
  const out = new Uint8Array(n);
  const d = image.data;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    out[i] = (d[j]! * 77 + d[j + 1]! * 150 + d[j + 2]! * 29) >> 8;
  }
  return out;
}

/** Rotates an RGB image by a multiple of 90° clockwise. */
export function rotate90(image: RgbImage, quarterTurns: number): RgbImage {
  const q = ((quarterTurns % 4) + 4) % 4;
  if (q === 0) return image;
  const { width: w, height: h, data } = image;
  const ow = q === 2 ? w : h;
  const oh = q === 2 ? h : w;
  const out = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let ox: number;
      let oy: number;
      if (q === 1) {
        ox = h - 1 - y;
        oy = x;
      } else if (q === 2) {
        ox = w - 1 - x;
        oy = h - 1 - y;
      } else {
        ox = y;
        oy = w - 1 - x;
      }
      const si = (y * w + x) * 3;
      const di = (oy * ow + ox) * 3;
      out[di] = data[si]!;
      out[di + 1] = data[si + 1]!;
      out[di + 2] = data[si + 2]!;
    }
  }
  return { data: out, width: ow, height: oh };
}
