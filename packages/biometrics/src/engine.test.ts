import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareFaces, DEFAULT_MATCH_THRESHOLD, FaceEngine, loadFaceEngine } from './engine.ts';
import { DEFAULT_DECODE_OPTIONS, decodeImage } from './image.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const personA = fixture('person-a.jpg');
const personB = fixture('person-b.jpg');

let engine: FaceEngine;
beforeAll(async () => {
  engine = await loadFaceEngine();
}, 60_000);

async function facesOf(bytes: Uint8Array) {
  const r = await engine.analyse(bytes, { liveness: true });
  if (!r.ok) throw r.error;
  return r.value.faces;
}

describe('face engine', () => {
  it('loads the models once per process', async () => {
    expect(await loadFaceEngine()).toBe(engine);
  });

  it('finds one face with a box, quality, a unit embedding, an age and a liveness score', async () => {
    const [face, ...rest] = await facesOf(personA);
    expect(rest).toHaveLength(0);
    expect(face!.box.width).toBeGreaterThan(100);
    expect(face!.quality.interEyePx).toBeGreaterThan(20);
    expect(face!.embedding).toHaveLength(512);
    const norm = Math.hypot(...face!.embedding);
    expect(norm).toBeCloseTo(1, 4);
    expect(face!.age).toBeGreaterThan(15);
    expect(face!.age).toBeLessThan(45);
    expect(face!.liveness).toBeGreaterThanOrEqual(0);
    expect(face!.liveness).toBeLessThanOrEqual(1);
  });

  it('matches a face against a mirrored, smaller, recompressed copy of itself', async () => {
    const copy = await sharp(personA).flop().resize(220).jpeg({ quality: 60 }).toBuffer();
    const [a] = await facesOf(personA);
    const [b] = await facesOf(copy);
    const result = compareFaces(a!.embedding, b!.embedding);
    expect(result.threshold).toBe(DEFAULT_MATCH_THRESHOLD);
    expect(result.match).toBe(true);
    expect(result.similarity).toBeGreaterThan(0.6);
  });

  it('does not match two different people', async () => {
    const result = await engine.compareImages(personA, personB);
    expect(result.ok && result.value.match).toBe(false);
    expect(result.ok && result.value.similarity).toBeLessThan(DEFAULT_MATCH_THRESHOLD);
  });

  it('finds no face in a picture without one', async () => {
    const blank = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#d0c8b0' } })
      .png()
      .toBuffer();
    expect(await facesOf(blank)).toHaveLength(0);
  });

  it('finds every face in a group photo, largest first', async () => {
    const faces = await facesOf(fixture('two-people.jpg'));
    expect(faces.length).toBeGreaterThanOrEqual(2);
    expect(faces[0]!.box.width).toBeGreaterThanOrEqual(faces[1]!.box.width);
  });

  it('reports a small face with its size in the photo’s own pixels', async () => {
    const small = await sharp(personA).resize(140).toBuffer();
    const scene = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#778899' } })
      .composite([{ input: small, left: 300, top: 200 }])
      .jpeg()
      .toBuffer();
    const [face] = await facesOf(scene);
    expect(face!.quality.interEyePx).toBeLessThan(20);
    expect(face!.box.x).toBeGreaterThan(280);
  });

  it('applies the EXIF orientation of a rotated photo', async () => {
    const rotated = await sharp(await sharp(personA).rotate(-90).toBuffer())
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const r = await engine.analyse(rotated);
    expect(r.ok && [r.value.width, r.value.height]).toEqual([280, 300]);
    const [a] = await facesOf(personA);
    const [b] = await facesOf(rotated);
    expect(compareFaces(a!.embedding, b!.embedding).similarity).toBeGreaterThan(0.7);
  });

  it('measures a blurred face as less sharp', async () => {
    const [sharpFace] = await facesOf(personB);
    const [blurred] = await facesOf(await sharp(personB).blur(3).jpeg().toBuffer());
    expect(blurred!.quality.sharpness).toBeLessThan(40);
    expect(sharpFace!.quality.sharpness).toBeGreaterThan(200);
  });

  it('answers a corrupt, truncated or non-image file with IMAGE_UNREADABLE', async () => {
    for (const bad of [
      personA.subarray(0, 600),
      Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n'),
      Buffer.alloc(0),
      Buffer.from('not an image at all'),
    ]) {
      const r = await engine.analyse(bad);
      expect(r.ok ? 'decoded' : r.error.code).toBe('IMAGE_UNREADABLE');
    }
  });

  it('decodes a phone HEIC (HEVC) through the platform decoder, which sharp alone cannot', async () => {
    const heic = readFileSync(new URL('../../image-decoding/fixtures/scene-800x540.heic', import.meta.url));
    const r = await decodeImage(heic, DEFAULT_DECODE_OPTIONS);
    expect(r.ok).toBe(true);
    if (r.ok) expect([r.value.sourceWidth, r.value.sourceHeight]).toEqual([800, 540]);
    const analysis = await engine.analyse(heic);
    expect(analysis.ok && analysis.value.faces).toEqual([]); // a readable picture, with no face in it
  });

  it('refuses an image with too many pixels before decoding it', async () => {
    const huge = await sharp({ create: { width: 8000, height: 7000, channels: 3, background: '#000' } })
      .png({ compressionLevel: 1 })
      .toBuffer();
    const r = await engine.analyse(huge);
    expect(r.ok ? 'decoded' : r.error.code).toBe('IMAGE_TOO_LARGE');
  });
});

describe('repeated analyses', () => {
  it('analyses the same bytes once, and other bytes or options anew', async () => {
    let detections = 0;
    const counting = new FaceEngine({
      ...engine.models,
      detector: {
        name: engine.models.detector.name,
        detect: (image) => {
          detections++;
          return engine.models.detector.detect(image);
        },
      },
    });
    const first = await counting.analyse(personA);
    const again = await counting.analyse(new Uint8Array(personA));
    expect(again).toBe(first);
    expect(detections).toBe(1);
    await counting.analyse(personB);
    await counting.analyse(personA, { liveness: true });
    expect(detections).toBe(3);
  });
});
