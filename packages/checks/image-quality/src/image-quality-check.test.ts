import { createHash } from 'node:crypto';
import type { CheckServices, MediaContext, SessionEvidence } from '@openidv/domain';
import { renderScene } from '@openidv/image-decoding/testing';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageQualityCheck, imageQualityConfigSchema } from './image-quality-check.ts';

const config = imageQualityConfigSchema.parse({});
const services: CheckServices = {
  saveArtifact: async () => 'med_x',
  now: () => new Date(),
  signal: new AbortController().signal,
};

function evidence(items: { context: MediaContext; bytes: Buffer; mimeType?: string }[]): SessionEvidence {
  return {
    applicationId: 'app_1',
    sessionId: 'ses_1',
    attemptId: 'att_1',
    expected: {},
    collected: {},
    previous: {},
    media: items.map((m, i) => ({
      id: `med_${i}`,
      context: m.context,
      mimeType: m.mimeType ?? 'image/jpeg',
      size: m.bytes.length,
      sha256: createHash('sha256').update(m.bytes).digest('hex'),
      createdAt: new Date(),
      read: async () => m.bytes,
    })),
  };
}

const codes = async (bytes: Buffer) =>
  (
    await imageQualityCheck.run(evidence([{ context: 'document-front', bytes }]), config, services)
  ).reasons.map((r) => r.code);

describe('image-quality check', () => {
  let sharpPhoto: Buffer;
  beforeAll(async () => {
    sharpPhoto = await renderScene();
  });

  it('passes a sharp, well-exposed photo and reports what it measured', async () => {
    const r = await imageQualityCheck.run(
      evidence([{ context: 'document-front', bytes: sharpPhoto }]),
      config,
      services,
    );
    expect(r.status).toBe('passed');
    expect(r.reasons).toEqual([]);
    expect(r.score).toBeGreaterThanOrEqual(0.5);
    const [img] = (r.evidence as { images: Record<string, unknown>[] }).images;
    expect(img).toMatchObject({ width: 1280, height: 860, format: 'jpeg' });
    expect(img!.sharpness as number).toBeGreaterThan(config.minSharpness);
  });

  it('flags a blurred photo IMAGE_TOO_BLURRY', async () => {
    expect(await codes(await sharp(sharpPhoto).blur(6).jpeg().toBuffer())).toEqual(['IMAGE_TOO_BLURRY']);
  });

  it('flags a dark photo IMAGE_UNDEREXPOSED', async () => {
    expect(await codes(await sharp(sharpPhoto).linear(0.12, 0).jpeg().toBuffer())).toContain(
      'IMAGE_UNDEREXPOSED',
    );
  });

  it('flags a washed-out photo IMAGE_OVEREXPOSED', async () => {
    expect(await codes(await sharp(sharpPhoto).linear(2.5, 60).jpeg().toBuffer())).toContain(
      'IMAGE_OVEREXPOSED',
    );
  });

  it('flags a low-resolution photo IMAGE_TOO_SMALL', async () => {
    expect(await codes(await sharp(sharpPhoto).resize(400).jpeg().toBuffer())).toContain('IMAGE_TOO_SMALL');
  });

  it('flags a corrupt upload IMAGE_UNREADABLE instead of throwing', async () => {
    expect(await codes(sharpPhoto.subarray(0, 900))).toEqual(['IMAGE_UNREADABLE']);
  });

  it('judges PNG and WebP the same way as JPEG', async () => {
    expect(await codes(await sharp(sharpPhoto).png().toBuffer())).toEqual([]);
    expect(await codes(await sharp(sharpPhoto).webp({ quality: 85 }).toBuffer())).toEqual([]);
  });

  it('is not applicable when the session has no photo in the judged contexts', async () => {
    const r = await imageQualityCheck.run(
      evidence([{ context: 'liveness', bytes: sharpPhoto }]),
      config,
      services,
    );
    expect(r.status).toBe('not_applicable');
  });

  it('fails MEDIA_MISSING for each required upload that is absent', async () => {
    const cfg = imageQualityConfigSchema.parse({ required: ['document-front', 'face'] });
    const r = await imageQualityCheck.run(evidence([{ context: 'face', bytes: sharpPhoto }]), cfg, services);
    expect(r.status).toBe('failed');
    expect(r.reasons).toEqual([
      { code: 'MEDIA_MISSING', message: expect.stringContaining('document front') },
    ]);
  });

  it('rejects a config with a negative threshold', () => {
    expect(imageQualityConfigSchema.safeParse({ minSharpness: -1 }).success).toBe(false);
  });
});
