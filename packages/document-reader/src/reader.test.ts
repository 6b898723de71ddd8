import { readFileSync } from 'node:fs';
import bwipjs from 'bwip-js';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAamvaPayload, readPdf417 } from './barcode/pdf417.ts';
import { decodeImage } from './image.ts';
import { getOcrEngine } from './ocr/engine.ts';
import { readDocument } from './reader.ts';
import { hugePng, renderSyntheticDocument } from './testing.ts';

const TD3 = ['P<NLDDE<BRUIJN<<WILLEKE<LISELOTTE<<<<<<<<<<<', 'SPECI20142NLD6503101F2403096999999990<<<<<84'];
const TD1 = [
  'I<PRT007777779<ZZ92<<<<<<<<<<<',
  '8303143M3405282PRT<<<<<<<<<<<2',
  'CACADOR<DE<ARAUJO<<ANDRE<ESTEV',
];
const now = new Date('2024-01-15T00:00:00Z');

beforeAll(async () => {
  await getOcrEngine();
}, 60_000);

describe('reading synthetic documents', () => {
  it('reads a TD3 passport page exactly and fills the person and document fields', async () => {
    const img = await renderSyntheticDocument({
      mrz: TD3,
      text: ['KONINKRIJK DER NEDERLANDEN', 'De Bruijn'],
      width: 900,
    });
    const r = await readDocument(img, { now, portrait: false });
    expect(r.status).toBe('read');
    expect(r.mrz?.lines).toEqual(TD3);
    expect(r.mrz?.checkDigitsValid).toBe(true);
    expect(r.person.lastName).toMatchObject({ value: 'DE BRUIJN', source: 'mrz' });
    expect(r.person.firstName?.value).toBe('WILLEKE LISELOTTE');
    expect(r.person.dateOfBirth?.value).toBe('1965-03-10');
    expect(r.document).toMatchObject({
      number: { value: 'SPECI2014', source: 'mrz' },
      type: { value: 'passport' },
      country: { value: 'NLD' },
      expiryDate: { value: '2024-03-09' },
    });
    expect(r.document.number!.confidence).toBeGreaterThan(0.9);
  });

  it('reads a photographed card: rotated 4°, keystoned, blurred, noisy, on a background', async () => {
    const img = await renderSyntheticDocument({
      mrz: TD1,
      width: 800,
      rotateDegrees: 4,
      perspective: 0.06,
      blurSigma: 1,
      noise: 20,
      background: 60,
      jpegQuality: 70,
    });
    const r = await readDocument(img, { now, portrait: false });
    expect(r.mrz?.format).toBe('TD1');
    expect(r.mrz?.lines).toEqual(TD1);
  });

  it('reads a page turned upside down and reports the orientation', async () => {
    const img = await renderSyntheticDocument({ mrz: TD3, width: 900, rotateDegrees: 180, background: 30 });
    const r = await readDocument(img, { now, portrait: false });
    expect(r.mrz?.lines).toEqual(TD3);
    expect(r.orientation).toBe(2);
  });

  it('reads a page turned a quarter', async () => {
    const img = await renderSyntheticDocument({ mrz: TD3, width: 900, rotateDegrees: 90 });
    const r = await readDocument(img, { now, portrait: false });
    expect(r.mrz?.lines).toEqual(TD3);
    expect([1, 3]).toContain(r.orientation);
  });
});

describe('colour', () => {
  it('reads through a red stamp printed across the MRZ (colour dropout keeps only the dark ink)', async () => {
    const img = await renderSyntheticDocument({
      mrz: TD3,
      width: 900,
      stamps: [
        { text: 'SPECIMEN', x: 0.3, y: 0.92, size: 0.08, color: '#c02020' },
        { text: 'SPECIMEN', x: 0.75, y: 0.86, size: 0.08, color: '#c02020' },
      ],
    });
    const r = await readDocument(img, { now, portrait: false });
    expect(r.mrz?.lines).toEqual(TD3);
  });
});

describe('phone photos', () => {
  it('reads a HEIC photo (HEVC, as iPhones save them)', async () => {
    const heic = readFileSync(new URL('../fixtures/passport-td3.heic', import.meta.url));
    const r = await readDocument(heic, { now, portrait: false });
    expect(r.status).toBe('read');
    expect(r.mrz?.lines).toEqual(TD3);
  });

  it('applies the EXIF orientation before reading', async () => {
    const upright = await renderSyntheticDocument({ mrz: TD3, width: 900 });
    // Stored turned a quarter, with the EXIF tag that tells viewers to turn it back.
    const stored = await sharp(upright).rotate(-90).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const r = await readDocument(stored, { now, portrait: false });
    expect(r.mrz?.lines).toEqual(TD3);
    expect(r.orientation).toBe(0);
  });
});

describe('bad input gives a clear result', () => {
  it('a photo with no document: nothing found', async () => {
    const noise = Buffer.alloc(400 * 300 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) % 251;
    const img = await sharp(noise, { raw: { width: 400, height: 300, channels: 3 } })
      .blur(2)
      .jpeg()
      .toBuffer();
    const r = await readDocument(img, { portrait: false });
    expect(r.status).toBe('nothing-found');
    expect(r.mrz).toBeUndefined();
  });

  it('a truncated JPEG', async () => {
    const img = await renderSyntheticDocument({ mrz: TD3, width: 600 });
    const r = await readDocument(img.subarray(0, Math.floor(img.length / 2)));
    expect(r.status).toBe('invalid-image');
    expect(r.error?.code).toBe('CORRUPT_IMAGE');
  });

  it('a PDF', async () => {
    const r = await readDocument(Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF'));
    expect(r.error?.code).toBe('UNSUPPORTED_FORMAT');
  });

  it('an empty upload and random bytes', async () => {
    expect((await readDocument(Buffer.alloc(0))).error?.code).toBe('EMPTY_INPUT');
    expect((await readDocument(Buffer.from('hello, not an image'))).error?.code).toBe('UNSUPPORTED_FORMAT');
  });

  it('a 20,000 × 20,000 image is refused before decoding', async () => {
    const r = await decodeImage(hugePng(20_000, 20_000));
    expect(r).toMatchObject({ ok: false, code: 'IMAGE_TOO_LARGE' });
  });
});

describe('PDF417 on a driving-licence back', () => {
  const payload =
    '@\n\x1e\rANSI 636014080002DL00410278ZC03190024DLDAQD1234562\nDCSSAMPLE\nDDEN\nDACJOHN\nDDFN\nDADQUINCY\nDDGN\nDCAC\nDCBNONE\nDCDNONE\nDBD08312013\nDBB08311977\nDBA08312030\nDBC1\nDAU064 in\nDAYBRO\nDAG123 MAIN STREET\nDAISACRAMENTO\nDAJCA\nDAK958340000  \nDCF0123456789ABCDEFGHIJ\nDCGUSA\nDAW180\nDAZBRO\nDCK12345678900000000000\nDDAF\nDDB08292012\r';

  it('decodes a skewed symbol and parses the AAMVA fields', async () => {
    const png = await bwipjs.toBuffer({
      bcid: 'pdf417',
      text: payload,
      scale: 2,
      backgroundcolor: 'FFFFFF',
      padding: 10,
    });
    const skewed = await sharp(png)
      .rotate(7, { background: '#ffffff' })
      .blur(0.6)
      .jpeg({ quality: 70 })
      .toBuffer();
    const decoded = await decodeImage(skewed);
    if (!decoded.ok) throw new Error(decoded.code);
    const text = await readPdf417(decoded.image);
    expect(text).toBe(payload);
    expect(parseAamvaPayload(text!)).toMatchObject({
      firstName: 'JOHN',
      lastName: 'SAMPLE',
      dateOfBirth: '1977-08-31',
      expiryDate: '2030-08-31',
      documentNumber: 'D1234562',
      sex: 'M',
      country: 'USA',
      jurisdiction: 'CA',
    });
  });

  it('fills the reading from the barcode when there is no MRZ', async () => {
    const png = await bwipjs.toBuffer({
      bcid: 'pdf417',
      text: payload,
      scale: 2,
      backgroundcolor: 'FFFFFF',
      padding: 20,
    });
    const r = await readDocument(png, { portrait: false, now });
    expect(r.status).toBe('read');
    expect(r.barcode?.format).toBe('PDF417');
    expect(r.person.lastName).toMatchObject({ value: 'SAMPLE', source: 'barcode' });
    expect(r.document.type?.value).toBe('driving_licence');
  });
});
