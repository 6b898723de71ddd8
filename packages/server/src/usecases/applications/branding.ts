import { DomainError } from '@openidv/domain';
import { sniffMediaType } from '@openidv/image-decoding';
import { type ApplicationRow, applications } from '@openidv/storage';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';

/** Largest logo accepted, in bytes (it is sent inline with the journey state). */
export const LOGO_MAX_BYTES = 100_000;

const httpsUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .describe('An http(s) link shown on the consent screen.');

export const brandingInput = z
  .object({
    logo: z
      .string()
      .max(Math.ceil((LOGO_MAX_BYTES * 4) / 3) + 64)
      .nullable()
      .optional()
      .describe(
        `The logo as a \`data:image/png;base64,…\` URL (PNG, JPEG or WebP, at most ${LOGO_MAX_BYTES} bytes); null removes it.`,
      )
      .meta({ example: 'data:image/png;base64,iVBORw0KGgo…' }),
    primaryColor: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb colour')
      .nullable()
      .optional()
      .describe(
        'Colour of buttons and highlights in the journey; text on it is black or white, whichever reads. It must have a contrast of at least 3:1 against white (focus rings and selected options are drawn with it).',
      )
      .meta({ example: '#0b5fff' }),
    termsUrl: httpsUrl.nullable().optional(),
    privacyUrl: httpsUrl.nullable().optional(),
  })
  .strict();
export type BrandingInput = z.infer<typeof brandingInput>;

export const applicationInput = z
  .object({
    name: z.string().min(1).max(200).optional().describe('Shown to applicants: "Acme asks you to verify…".'),
    branding: brandingInput.optional(),
  })
  .strict();

export interface Branding {
  logo: string | null;
  primaryColor: string | null;
  termsUrl: string | null;
  privacyUrl: string | null;
}

export function presentBranding(b: Record<string, unknown>): Branding {
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    logo: str(b['logo']),
    primaryColor: str(b['primaryColor']),
    termsUrl: str(b['termsUrl']),
    privacyUrl: str(b['privacyUrl']),
  };
}

export function presentApplication(a: ApplicationRow) {
  return {
    id: a.id,
    name: a.name,
    branding: presentBranding(a.branding),
    createdAt: a.createdAt.toISOString(),
  };
}

async function checkLogo(logo: string): Promise<string> {
  const m = /^data:image\/(png|jpeg|webp);base64,([A-Za-z0-9+/=]+)$/.exec(logo);
  if (!m) {
    throw new DomainError(
      'VALIDATION_FAILED',
      'branding.logo: must be a base64 data: URL of a PNG, JPEG or WebP.',
    );
  }
  const bytes = Buffer.from(m[2]!, 'base64');
  if (bytes.length > LOGO_MAX_BYTES) {
    throw new DomainError(
      'PAYLOAD_TOO_LARGE',
      `branding.logo: at most ${LOGO_MAX_BYTES} bytes are accepted.`,
    );
  }
  const type = await sniffMediaType(bytes);
  if (!type || !['image/png', 'image/jpeg', 'image/webp'].includes(type.mimeType)) {
    throw new DomainError(
      'UNSUPPORTED_MEDIA_TYPE',
      'branding.logo: the bytes are not a PNG, JPEG or WebP image.',
    );
  }
  // Re-labelled with the sniffed type, so the browser is never told something else than what it gets.
  return `data:${type.mimeType};base64,${bytes.toString('base64')}`;
}

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** The WCAG contrast ratio of a colour against the journey's white page. */
export function contrastOnWhite(hex: string): number {
  return 1.05 / (luminance(hex) + 0.05);
}

/** Non-text contrast (WCAG 1.4.11): the colour draws focus rings and selected options on a white page. */
export const MIN_BRAND_CONTRAST = 3;

function checkColor(color: string): string {
  const ratio = contrastOnWhite(color);
  if (ratio < MIN_BRAND_CONTRAST) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `branding.primaryColor: ${color} has a contrast of ${ratio.toFixed(2)}:1 against the journey's white page; at least ${MIN_BRAND_CONTRAST}:1 is needed so focus rings and selected options stay visible.`,
      {
        issues: [
          `body.branding.primaryColor: contrast ${ratio.toFixed(2)}:1 is below ${MIN_BRAND_CONTRAST}:1`,
        ],
      },
    );
  }
  return color.toLowerCase();
}

/** Changes the application's name and journey branding; fields left out keep their value, null clears one. */
export async function updateApplication(
  platform: Platform,
  applicationId: string,
  input: z.infer<typeof applicationInput>,
) {
  const current = await applications.findApplication(platform.database.db, applicationId);
  if (!current) throw new DomainError('NOT_FOUND', `No application ${applicationId}.`);
  let branding: Record<string, unknown> | undefined;
  if (input.branding) {
    branding = { ...current.branding };
    for (const [k, v] of Object.entries(input.branding)) {
      if (v === undefined) continue;
      if (v === null) delete branding[k];
      else branding[k] = k === 'logo' ? await checkLogo(v) : k === 'primaryColor' ? checkColor(v) : v;
    }
  }
  const updated = await applications.updateApplication(platform.database.db, applicationId, {
    ...(input.name !== undefined && { name: input.name }),
    ...(branding && { branding }),
  });
  return presentApplication(updated!);
}
