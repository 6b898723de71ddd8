import decodeHeic from 'heic-decode';
import sharp, { type Metadata, type Sharp } from 'sharp';

/** Images above this are refused before decoding: a 20,000 × 20,000 photo is an attack, not a selfie. */
export const DEFAULT_MAX_PIXELS = 100_000_000;

export class ImageDecodeError extends Error {
  readonly code: 'IMAGE_UNREADABLE' | 'IMAGE_TOO_LARGE';
  constructor(code: 'IMAGE_UNREADABLE' | 'IMAGE_TOO_LARGE', message: string) {
    super(message);
    this.name = 'ImageDecodeError';
    this.code = code;
  }
}

export interface DecodedImage {
  /** A sharp pipeline over the decoded pixels, upright (EXIF orientation applied). Clone before reuse. */
  image: Sharp;
  width: number;
  height: number;
  /** The container format, e.g. "jpeg", "heif". */
  format: string;
  /** The EXIF orientation that was applied (1 = none). */
  orientation: number;
}

/**
 * Decodes JPEG, PNG, WebP, AVIF and HEIC. libvips (through sharp) has no HEVC decoder, so HEIC photos from
 * phones go through libheif compiled to WASM (heic-decode) and are handed to sharp as raw RGBA.
 */
export async function decodeImage(bytes: Buffer, maxPixels = DEFAULT_MAX_PIXELS): Promise<DecodedImage> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw new ImageDecodeError(
      'IMAGE_UNREADABLE',
      `The file is not a readable image (${(e as Error).message}).`,
    );
  }
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  if (w * h > maxPixels) {
    throw new ImageDecodeError(
      'IMAGE_TOO_LARGE',
      `The image is ${w} × ${h} pixels; at most ${maxPixels.toLocaleString('en')} pixels are accepted.`,
    );
  }
  const orientation = meta.orientation ?? 1;
  if (meta.format === 'heif' && meta.compression === 'hevc') {
    try {
      const out = await decodeHeic({ buffer: bytes });
      const image = sharp(Buffer.from(out.data.buffer, out.data.byteOffset, out.data.byteLength), {
        raw: { width: out.width, height: out.height, channels: 4 },
      });
      // libheif applies the container's rotation itself.
      return { image, width: out.width, height: out.height, format: 'heif', orientation: 1 };
    } catch (e) {
      throw new ImageDecodeError(
        'IMAGE_UNREADABLE',
        `The HEIC image could not be decoded (${(e as Error).message}).`,
      );
    }
  }
  const upright = orientation >= 5 && orientation <= 8;
  const image = sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' }).rotate();
  return {
    image,
    width: upright ? h : w,
    height: upright ? w : h,
    format: meta.format ?? 'unknown',
    orientation,
  };
}

/** Greyscale pixels of the upright image, scaled so the longer side is at most `maxSide`. */
export async function toGreyscale(
  decoded: DecodedImage,
  maxSide: number,
): Promise<{ data: Buffer; width: number; height: number }> {
  try {
    const { data, info } = await decoded.image
      .clone()
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch (e) {
    throw new ImageDecodeError('IMAGE_UNREADABLE', `The image data is damaged (${(e as Error).message}).`);
  }
}
