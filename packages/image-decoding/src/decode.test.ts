import { readFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, toGreyscale } from './decode.ts';
import { sniffMediaType } from './sniff.ts';
import { renderScene } from './testing/scene.ts';

const heic = readFileSync(new URL('../fixtures/scene-800x540.heic', import.meta.url));

describe('sniffMediaType', () => {
  it('reads the type from the bytes, whatever the file is called', async () => {
    const jpg = await renderScene(200, 100);
    expect(await sniffMediaType(jpg)).toEqual({ mimeType: 'image/jpeg', extension: 'jpg', kind: 'image' });
    const png = await sharp(jpg).png().toBuffer();
    expect((await sniffMediaType(png))?.mimeType).toBe('image/png');
    const webp = await sharp(jpg).webp().toBuffer();
    expect((await sniffMediaType(webp))?.mimeType).toBe('image/webp');
    expect((await sniffMediaType(heic))?.mimeType).toBe('image/heic');
  });

  it('refuses what is not an image or video', async () => {
    expect(await sniffMediaType(Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n'))).toBeUndefined();
    expect(await sniffMediaType(Buffer.from('<html><script>alert(1)</script></html>'))).toBeUndefined();
    expect(await sniffMediaType(Buffer.alloc(0))).toBeUndefined();
  });
});

describe('decodeImage', () => {
  it('decodes a phone HEIC (HEVC), which libvips alone cannot', async () => {
    const d = await decodeImage(heic);
    expect([d.width, d.height]).toEqual([800, 540]);
    const g = await toGreyscale(d, 400);
    expect([g.width, g.height]).toEqual([400, 270]);
  });

  it('applies EXIF orientation so a portrait photo is upright', async () => {
    const jpg = await sharp(await renderScene(300, 200))
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const d = await decodeImage(jpg);
    expect(d.orientation).toBe(6);
    expect([d.width, d.height]).toEqual([200, 300]);
    const g = await toGreyscale(d, 1000);
    expect([g.width, g.height]).toEqual([200, 300]);
  });

  it('refuses a truncated file with IMAGE_UNREADABLE', async () => {
    const jpg = await renderScene(600, 400);
    await expect(async () => toGreyscale(await decodeImage(jpg.subarray(0, 600)), 100)).rejects.toMatchObject(
      {
        code: 'IMAGE_UNREADABLE',
      },
    );
  });

  it('refuses a 20,000 × 20,000 image before decoding it', async () => {
    // A PNG whose header claims 20000×20000: a few bytes on disk, 400 megapixels if decoded.
    const bomb = pngHeaderOnly(20000, 20000);
    await expect(decodeImage(bomb)).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
  });
});

function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
