import { readFileSync } from 'node:fs';
import { loadFaceEngine } from '@openidv/biometrics';
import type { CheckResult, CheckServices, MediaContext, MediaItem, SessionEvidence } from '@openidv/domain';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createFaceMatchCheck } from './face-match.ts';
import { createLivenessCheck } from './liveness.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../biometrics/fixtures/${name}`, import.meta.url));
const personA = fixture('person-a.jpg');
const personB = fixture('person-b.jpg');

// One engine for every check instance, as the server does.
const deps = { engine: loadFaceEngine };
const faceMatch = createFaceMatchCheck(deps);
const liveness = createLivenessCheck(deps);

let n = 0;
function media(context: MediaContext, bytes: Buffer): MediaItem {
  n++;
  return {
    id: `med_${n}`,
    context,
    mimeType: 'image/jpeg',
    size: bytes.length,
    sha256: '',
    createdAt: new Date(1_700_000_000_000 + n),
    read: async () => bytes,
  };
}

function evidence(items: MediaItem[], previous: Record<string, CheckResult> = {}): SessionEvidence {
  return {
    applicationId: 'app_1',
    sessionId: 'ses_1',
    attemptId: 'att_1',
    expected: {},
    collected: {},
    media: items,
    previous,
  };
}

const services: CheckServices = {
  saveArtifact: async () => 'med_artifact',
  now: () => new Date(),
  signal: new AbortController().signal,
};

const config = faceMatch.configSchema.parse({});
const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code);

describe('face-match check', () => {
  it('passes the selfie against the portrait the document check cut out, and reports an age', async () => {
    const selfie = await sharp(personA).flop().resize(240).jpeg({ quality: 70 }).toBuffer();
    const portrait = media('document-portrait', personA);
    const document: CheckResult = {
      type: 'document',
      status: 'passed',
      reasons: [],
      evidence: {},
      artifacts: { portrait: portrait.id },
    };
    const r = await faceMatch.run(
      evidence([media('face', selfie), portrait], { document }),
      config,
      services,
    );
    expect(r.status).toBe('passed');
    expect(r.score).toBeGreaterThan(config.threshold);
    expect(r.threshold).toBe(config.threshold);
    expect(r.evidence['referenceMediaId']).toBe(portrait.id);
    expect(r.extracted?.person?.estimatedAge?.value).toBeGreaterThan(15);
    expect(JSON.stringify(r.evidence)).not.toMatch(/embedding/);
  });

  it('fails FACE_MISMATCH for two different people (reference photo sent by the business)', async () => {
    const r = await faceMatch.run(
      evidence([media('face', personA), media('face-reference', personB)]),
      config,
      services,
    );
    expect(r.status).toBe('failed');
    expect(codes(r)).toEqual(['FACE_MISMATCH']);
    expect(r.score).toBeLessThan(config.threshold);
  });

  it('uses the threshold of the workflow config', async () => {
    const strict = faceMatch.configSchema.parse({ threshold: 0.999 });
    const r = await faceMatch.run(
      evidence([media('face', personA), media('face-reference', personA)]),
      strict,
      services,
    );
    expect(r.threshold).toBe(0.999);
  });

  it('fails NO_FACE_FOUND for a selfie without a face and for a corrupt file', async () => {
    const wall = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#a0a0a0' } })
      .jpeg()
      .toBuffer();
    for (const bytes of [wall, personA.subarray(0, 500)]) {
      const r = await faceMatch.run(
        evidence([media('face', bytes), media('face-reference', personB)]),
        config,
        services,
      );
      expect(r.status).toBe('failed');
      expect(codes(r)).toEqual(['NO_FACE_FOUND']);
    }
  });

  it('fails MULTIPLE_FACES when the selfie shows more than one person', async () => {
    const r = await faceMatch.run(
      evidence([media('face', fixture('two-people.jpg')), media('face-reference', personB)]),
      config,
      services,
    );
    expect(codes(r)).toContain('MULTIPLE_FACES');
  });

  it('fails FACE_TOO_SMALL for a face far from the camera', async () => {
    const scene = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#778899' } })
      .composite([{ input: await sharp(personA).resize(140).toBuffer(), left: 300, top: 200 }])
      .jpeg()
      .toBuffer();
    const r = await faceMatch.run(
      evidence([media('face', scene), media('face-reference', personA)]),
      config,
      services,
    );
    expect(codes(r)).toContain('FACE_TOO_SMALL');
  });

  it('fails FACE_TOO_BLURRY for a blurred selfie', async () => {
    const blurred = await sharp(personB).blur(3).jpeg().toBuffer();
    const r = await faceMatch.run(
      evidence([media('face', blurred), media('face-reference', personB)]),
      config,
      services,
    );
    expect(codes(r)).toContain('FACE_TOO_BLURRY');
  });

  it('is not applicable without a selfie', async () => {
    const r = await faceMatch.run(evidence([media('face-reference', personB)]), config, services);
    expect(r.status).toBe('not_applicable');
  });
});

describe('liveness check', () => {
  it('scores the selfie with the passive model against the configured threshold', async () => {
    const lenient = liveness.configSchema.parse({ threshold: 0 });
    const r = await liveness.run(evidence([media('face', personB)]), lenient, services);
    expect(r.status).toBe('passed');
    expect(r.score).toBeGreaterThanOrEqual(0);
    const strict = liveness.configSchema.parse({ threshold: 1 });
    const s = await liveness.run(evidence([media('face', personB)]), strict, services);
    expect(s.status).toBe('failed');
    expect(codes(s)).toEqual(['LIVENESS_FAILED']);
  });

  it('fails NO_FACE_FOUND when the selfie has no face', async () => {
    const wall = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#a0a0a0' } })
      .jpeg()
      .toBuffer();
    const r = await liveness.run(evidence([media('face', wall)]), liveness.configSchema.parse({}), services);
    expect(codes(r)).toEqual(['NO_FACE_FOUND']);
  });
});
