import { decodeImage as decodeUpright, ImageDecodeError } from '@openidv/image-decoding';
import sharp from 'sharp';
import { fail, ok, type Result } from './errors.ts';

/** Packed 8-bit RGB pixels, row-major, no padding. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A decoded upload and how much it was resized (decoded size ÷ upright source size). */
export interface DecodedImage {
  image: RgbImage;
  scale: number;
  sourceWidth: number;
  sourceHeight: number;
}

export interface DecodeOptions {
  /** Refuse images with more pixels than this before decoding them (decompression bombs). */
  maxInputPixels: number;
  /** Longer side after decoding; larger photos are scaled down (detection needs no more, and it bounds time). */
  maxSide: number;
  /** Shorter side after decoding; smaller images (document portraits, tight crops) are scaled up for the detector. */
  minSide: number;
}

export const DEFAULT_DECODE_OPTIONS: DecodeOptions = {
  maxInputPixels: 50_000_000,
  maxSide: 1600,
  minSide: 480,
};

/**
 * Decodes any image sharp reads into upright sRGB pixels: the EXIF orientation is applied,
 * alpha flattened onto white, and the size brought inside [minSide, maxSide].
 */
export async function decodeImage(
  bytes: Uint8Array,
  options: DecodeOptions = DEFAULT_DECODE_OPTIONS,
): Promise<Result<DecodedImage>> {
  if (bytes.length === 0) return fail('IMAGE_UNREADABLE', 'The file is empty.');
  // The platform's decoder: JPEG, PNG, WebP, AVIF and phone HEICs (HEVC, which sharp alone cannot read),
  // upright by EXIF, and the pixel limit checked from the header before decoding.
  let upright: Awaited<ReturnType<typeof decodeUpright>>;
  try {
    upright = await decodeUpright(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      options.maxInputPixels,
    );
  } catch (e) {
    if (e instanceof ImageDecodeError) return fail(e.code, e.message);
    throw e;
  }
  const { width, height } = upright;
  if (width < 1 || height < 1) return fail('IMAGE_UNREADABLE', 'The image has no pixels.');
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  let scale = 1;
  if (long > options.maxSide) scale = options.maxSide / long;
  else if (short < options.minSide) scale = Math.min(options.minSide / short, options.maxSide / long);
  const targetW = Math.max(1, Math.round(width * scale));
  const targetH = Math.max(1, Math.round(height * scale));
  try {
    const { data, info } = await upright.image
      .clone()
      .resize(targetW, targetH, { fit: 'fill', kernel: scale > 1 ? 'cubic' : 'lanczos3' })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) return fail('IMAGE_UNREADABLE', 'The image could not be converted to RGB.');
    const image = {
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
      width: info.width,
      height: info.height,
    };
    return ok({ image, scale: info.width / width, sourceWidth: width, sourceHeight: height });
  } catch {
    return fail('IMAGE_UNREADABLE', 'The image is damaged or truncated and cannot be decoded.');
  }
}

/** Encodes RGB pixels as JPEG (for artifacts such as the aligned face crop). */
export async function encodeJpeg(image: RgbImage, quality = 90): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
}

/**
 * Surrounds the image with a mid-grey border `fraction` of its longer side wide. Face detectors trained on
 * whole scenes miss faces that fill the frame (tight crops, document portraits); a border gives them context.
 */
export function padImage(image: RgbImage, fraction: number): { image: RgbImage; offset: number } {
  const offset = Math.round(Math.max(image.width, image.height) * fraction);
  const width = image.width + 2 * offset;
  const height = image.height + 2 * offset;
  const data = new Uint8Array(width * height * 3).fill(128);
  for (let y = 0; y < image.height; y++) {
    const src = image.data.subarray(y * image.width * 3, (y + 1) * image.width * 3);
    data.set(src, ((y + offset) * width + offset) * 3);
  }
  return { image: { data, width, height }, offset };
}
