import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse as parseAamva } from 'aamva-parser';
import sharp from 'sharp';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import type { RgbImage } from '../image.ts';

const require = createRequire(import.meta.url);
let ready: Promise<unknown> | undefined;

/** zxing-wasm fetches its wasm from a CDN by default; hand it the copy inside the package instead. */
function prepare(): Promise<unknown> {
  ready ??= (async () => {
    const entry = require.resolve('zxing-wasm/reader');
    const root = entry.slice(0, entry.lastIndexOf(`${path.sep}dist${path.sep}`));
    const wasmBinary = readFileSync(path.join(root, 'dist', 'reader', 'zxing_reader.wasm'));
    return prepareZXingModule({
      overrides: {
        wasmBinary: wasmBinary.buffer.slice(wasmBinary.byteOffset, wasmBinary.byteOffset + wasmBinary.length),
      },
      fireImmediately: true,
    });
  })();
  return ready;
}

/** PDF417 decoding fails beyond ~3° of skew, so the image is also tried turned by these angles. */
const SWEEP = [0, 4, -4, 8, -8, 12, -12, 16, -16];

/** Decodes the first PDF417 symbol on the image; returns its text exactly as encoded, or undefined. */
export async function readPdf417(image: RgbImage): Promise<string | undefined> {
  await prepare();
  for (const angle of SWEEP) {
    let pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
    if (angle) pipeline = pipeline.rotate(angle, { background: '#ffffff' });
    const { data, info } = await pipeline.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const imageData = {
      data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
      width: info.width,
      height: info.height,
      colorSpace: 'srgb' as const,
    };
    const results = await readBarcodes(imageData as unknown as Parameters<typeof readBarcodes>[0], {
      formats: ['PDF417'],
      tryHarder: true,
      tryRotate: true,
      textMode: 'Plain',
      maxNumberOfSymbols: 1,
    });
    const hit = results.find((r) => r.isValid && r.text);
    if (hit) return hit.text;
  }
  return undefined;
}

export interface AamvaFields {
  firstName?: string;
  lastName?: string;
  middleName?: string;
  /** YYYY-MM-DD */
  dateOfBirth?: string;
  expiryDate?: string;
  issueDate?: string;
  documentNumber?: string;
  sex?: 'M' | 'F' | 'X';
  /** ISO 3166-1 alpha-3 */
  country?: string;
  jurisdiction?: string;
  version?: number;
}

/** Parses an AAMVA card payload (any version) into person and document fields. */
export function parseAamvaPayload(text: string): AamvaFields | undefined {
  if (!text.includes('ANSI') && !text.includes('AAMVA')) return undefined;
  let raw: Record<string, unknown>;
  try {
    raw = parseAamva(text) as unknown as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  // The parser builds local-time Date objects from the card's calendar dates.
  const date = (v: unknown) => {
    if (!(v instanceof Date) || Number.isNaN(v.getTime())) return undefined;
    const p2 = (n: number) => String(n).padStart(2, '0');
    return `${v.getFullYear()}-${p2(v.getMonth() + 1)}-${p2(v.getDate())}`;
  };
  const gender = str(raw['gender']);
  const sex = gender === 'Male' ? 'M' : gender === 'Female' ? 'F' : gender === 'Other' ? 'X' : undefined;
  const country =
    raw['country'] === 'United States' ? 'USA' : raw['country'] === 'Canada' ? 'CAN' : undefined;
  const version = Number(str(raw['version']));
  const out: AamvaFields = {
    firstName: str(raw['firstName']),
    lastName: str(raw['lastName']),
    middleName: str(raw['middleName']),
    dateOfBirth: date(raw['dateOfBirth']),
    expiryDate: date(raw['expirationDate']),
    issueDate: date(raw['issueDate']),
    documentNumber: str(raw['driversLicenseId'] ?? raw['documentId']),
    sex,
    country,
    jurisdiction: str(raw['state']),
    version: Number.isFinite(version) ? version : undefined,
  };
  return out;
}
