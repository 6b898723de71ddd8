import { renderScene } from '@openidv/image-decoding/testing';
import sharp from 'sharp';

/** Photos for API tests: a sharp document-like photo, and a blurred copy. */
export async function testPhotos() {
  const sharpJpeg = await renderScene(1280, 860);
  return {
    sharpJpeg,
    blurredJpeg: await sharp(sharpJpeg).blur(6).jpeg().toBuffer(),
    png: await sharp(sharpJpeg).png().toBuffer(),
  };
}

export function multipart(
  context: string,
  bytes: Buffer,
  filename = 'photo.jpg',
  type = 'image/jpeg',
): FormData {
  const form = new FormData();
  form.append('context', context);
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), filename);
  return form;
}
