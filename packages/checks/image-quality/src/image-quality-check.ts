import type { CheckDefinition, CheckOutput, MediaContext, Reason } from '@openidv/domain';
import { decodeImage, ImageDecodeError, toGreyscale } from '@openidv/image-decoding';
import { z } from 'zod';
import { exposure, laplacianVariance } from './measure.ts';

/** Measurements are taken on a copy scaled to this longer side, so thresholds do not depend on camera resolution. */
const ANALYSIS_SIDE = 1024;

export const imageQualityConfigSchema = z.object({
  contexts: z
    .array(z.enum(['document-front', 'document-back', 'face', 'additional-document', 'face-reference']))
    .default(['document-front', 'document-back', 'face'])
    .describe('Which uploads to judge.'),
  required: z
    .array(z.enum(['document-front', 'document-back', 'face', 'additional-document', 'face-reference']))
    .default([])
    .describe('Uploads that must be present; a missing one is MEDIA_MISSING.'),
  minShortSide: z.number().int().min(1).default(480).describe('Smallest accepted shorter side, in pixels.'),
  minSharpness: z
    .number()
    .min(0)
    .default(80)
    .describe('Smallest accepted variance of the Laplacian, measured at 1024 px on the longer side.'),
  maxOverexposedShare: z
    .number()
    .min(0)
    .max(1)
    .default(0.2)
    .describe('Largest share of blown-out pixels (≥250).'),
  maxMeanBrightness: z.number().min(0).max(255).default(235),
  minMeanBrightness: z.number().min(0).max(255).default(40),
  maxUnderexposedShare: z.number().min(0).max(1).default(0.5).describe('Largest share of black pixels (≤5).'),
});
export type ImageQualityConfig = z.infer<typeof imageQualityConfigSchema>;

const REASONS = {
  IMAGE_UNREADABLE: { action: 'resubmit', description: 'An upload could not be decoded as an image.' },
  IMAGE_TOO_LARGE: { action: 'resubmit', description: 'An image has more pixels than openidv decodes.' },
  IMAGE_TOO_SMALL: { action: 'resubmit', description: 'An image is below the minimum resolution.' },
  IMAGE_TOO_BLURRY: { action: 'resubmit', description: 'An image is out of focus or shaken.' },
  IMAGE_OVEREXPOSED: { action: 'resubmit', description: 'An image is too bright or has strong glare.' },
  IMAGE_UNDEREXPOSED: { action: 'resubmit', description: 'An image is too dark.' },
  MEDIA_MISSING: { action: 'resubmit', description: 'No image was uploaded for a step the workflow needs.' },
} as const;

interface ImageMeasurement {
  mediaId: string;
  context: MediaContext;
  format?: string;
  width?: number;
  height?: number;
  orientation?: number;
  sharpness?: number;
  meanBrightness?: number;
  overexposedShare?: number;
  underexposedShare?: number;
  reasons: string[];
}

export const imageQualityCheck: CheckDefinition<ImageQualityConfig> = {
  type: 'image-quality',
  description:
    'Decodes each photo (JPEG, PNG, WebP, HEIC), applies its EXIF orientation and measures resolution, blur and exposure.',
  configSchema: imageQualityConfigSchema,
  reasonCodes: REASONS,

  async run(evidence, config): Promise<CheckOutput> {
    const items = evidence.media.filter(
      (m) => (config.contexts as string[]).includes(m.context) && m.mimeType.startsWith('image/'),
    );
    const missing = config.required.filter((c) => !evidence.media.some((m) => m.context === c));
    if (missing.length) {
      return {
        status: 'failed',
        score: 0,
        reasons: missing.map((c) => ({
          code: 'MEDIA_MISSING',
          message: `No ${describe(c)} was uploaded; this verification needs one.`,
        })),
        evidence: { missing, contexts: config.contexts },
      };
    }
    if (items.length === 0) {
      return {
        status: 'not_applicable',
        reasons: [],
        evidence: { contexts: config.contexts, images: [] },
      };
    }
    const images: ImageMeasurement[] = [];
    const reasons: Reason[] = [];
    let worstScore = 1;
    for (const item of items) {
      const m: ImageMeasurement = { mediaId: item.id, context: item.context, reasons: [] };
      images.push(m);
      const fail = (code: keyof typeof REASONS, message: string) => {
        m.reasons.push(code);
        reasons.push({ code, message });
      };
      try {
        const decoded = await decodeImage(await item.read());
        Object.assign(m, { format: decoded.format, width: decoded.width, height: decoded.height });
        m.orientation = decoded.orientation;
        const grey = await toGreyscale(decoded, ANALYSIS_SIDE);
        m.sharpness = round(laplacianVariance(grey.data, grey.width, grey.height));
        const exp = exposure(grey.data);
        m.meanBrightness = round(exp.meanBrightness);
        m.overexposedShare = round(exp.overexposedShare, 4);
        m.underexposedShare = round(exp.underexposedShare, 4);

        const label = describe(item.context);
        const shortSide = Math.min(decoded.width, decoded.height);
        if (shortSide < config.minShortSide) {
          fail(
            'IMAGE_TOO_SMALL',
            `The ${label} is ${decoded.width} × ${decoded.height} pixels; take it with at least ${config.minShortSide} pixels on the shorter side.`,
          );
        }
        if (m.sharpness < config.minSharpness) {
          fail('IMAGE_TOO_BLURRY', `The ${label} is blurry; hold the camera still and let it focus.`);
        }
        if (
          exp.overexposedShare > config.maxOverexposedShare ||
          exp.meanBrightness > config.maxMeanBrightness
        ) {
          fail('IMAGE_OVEREXPOSED', `The ${label} is too bright or has glare; avoid direct light on it.`);
        }
        if (
          exp.meanBrightness < config.minMeanBrightness ||
          exp.underexposedShare > config.maxUnderexposedShare
        ) {
          fail('IMAGE_UNDEREXPOSED', `The ${label} is too dark; take it in better light.`);
        }
        worstScore = Math.min(
          worstScore,
          Math.min(1, m.sharpness / (2 * config.minSharpness)),
          Math.min(1, shortSide / config.minShortSide),
        );
      } catch (e) {
        if (!(e instanceof ImageDecodeError)) throw e;
        fail(e.code, `The ${describe(item.context)} could not be read: ${e.message}`);
        worstScore = 0;
      }
    }
    return {
      status: reasons.length ? 'failed' : 'passed',
      score: round(worstScore, 3),
      threshold: 0.5,
      reasons,
      evidence: { analysisSide: ANALYSIS_SIDE, thresholds: config, images },
    };
  },
};

function describe(context: MediaContext): string {
  return context === 'face' ? 'selfie' : context.replace('-', ' ');
}

function round(v: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
