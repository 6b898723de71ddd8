import { renderSyntheticDocument, td3Mrz } from '@openidv/document-reader/testing';
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

/**
 * A synthetic Dutch passport of Anna Maria Visser (born 1990-02-15, number NX4R7K2P1), valid until 2034: the
 * document check alone has nothing against it.
 */
export function visserPassport(): Promise<Buffer> {
  return renderSyntheticDocument({
    mrz: td3Mrz({
      country: 'NLD',
      lastName: 'Visser',
      firstNames: 'Anna Maria',
      number: 'NX4R7K2P1',
      birth: '900215',
      sex: 'F',
      expiry: '340101',
    }),
    width: 1000,
  });
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
