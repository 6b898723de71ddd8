import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { computeCheckDigit } from './mrz/templates.ts';

/**
 * Test support: renders synthetic identity documents with an MRZ in OCR-B (the font file ships in
 * fixtures/, public domain). fontconfig is pointed at that folder so the tests do not depend on the
 * fonts installed on the machine.
 */
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

let fontsReady = false;
function useFixtureFonts(): void {
  if (fontsReady) return;
  const dir = mkdtempSync(path.join(tmpdir(), 'openidv-fonts-'));
  const conf = path.join(dir, 'fonts.conf');
  writeFileSync(
    conf,
    `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><dir>${fixtures}</dir><dir>/usr/share/fonts</dir><cachedir>${dir}</cachedir></fontconfig>`,
  );
  process.env['FONTCONFIG_FILE'] = conf;
  fontsReady = true;
}

export interface SyntheticDocumentOptions {
  mrz: string[];
  /** Extra visual-zone lines printed above the MRZ. */
  text?: string[];
  /** Card width in px (height follows the ID-1/ID-3 aspect). */
  width?: number;
  rotateDegrees?: number;
  blurSigma?: number;
  noise?: number;
  /** Horizontal keystone: the top edge is this fraction narrower than the bottom. */
  perspective?: number;
  /** Place the card on a textured background this many px larger on every side. */
  background?: number;
  jpegQuality?: number;
  /** Ink stamped over the card (multiplied, as ink is: print under it stays dark), e.g. a red "SPECIMEN" across the MRZ. */
  stamps?: Stamp[];
}

export interface Stamp {
  text: string;
  /** Centre of the text, as fractions of the card's width and height. */
  x: number;
  y: number;
  /** Font size as a fraction of the card's width. */
  size: number;
  color?: string;
  rotateDegrees?: number;
  font?: string;
}

export async function renderSyntheticDocument(o: SyntheticDocumentOptions): Promise<Buffer> {
  useFixtureFonts();
  const width = o.width ?? 1000;
  const chars = Math.max(...o.mrz.map((l) => l.length));
  const height = Math.round(width * (chars === 44 ? 0.7 : 0.63));
  // OCR-B advances about 0.72 em per character as rendered here.
  const fontSize = Math.floor((width * 0.9) / chars / 0.72);
  const lineGap = Math.round(fontSize * 1.25);
  const mrzTop = height - lineGap * o.mrz.length - fontSize * 0.4;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const text = (o.text ?? [])
    .map(
      (t, i) =>
        `<text x="${width * 0.38}" y="${height * 0.18 + i * fontSize * 1.3}" font-family="DejaVu Sans" font-size="${fontSize * 0.8}" fill="#223">${esc(t)}</text>`,
    )
    .join('');
  const mrz = o.mrz
    .map(
      (l, i) =>
        `<text x="${width * 0.04}" y="${mrzTop + (i + 1) * lineGap}" font-family="OCR B" font-size="${fontSize}" fill="#111">${esc(l)}</text>`,
    )
    .join('');
  const stamps = (o.stamps ?? [])
    .map((st) => {
      const x = width * st.x;
      const y = height * st.y;
      return `<text x="${x}" y="${y}" text-anchor="middle" dominant-baseline="middle" font-family="${st.font ?? 'DejaVu Sans'}" font-weight="bold" font-size="${width * st.size}" fill="${st.color ?? '#d02020'}" style="mix-blend-mode:multiply" transform="rotate(${st.rotateDegrees ?? 0} ${x} ${y})">${esc(st.text)}</text>`;
    })
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#e8eef5"/><stop offset="1" stop-color="#f6efe4"/></linearGradient></defs>
    <rect width="100%" height="100%" rx="${width * 0.03}" fill="url(#g)"/>
    <rect x="${width * 0.05}" y="${height * 0.1}" width="${width * 0.28}" height="${height * 0.5}" fill="#c9b8a8"/>
    ${text}${mrz}${stamps}</svg>`;
  let img = sharp(Buffer.from(svg)).flatten({ background: '#ffffff' });
  let buf: Buffer<ArrayBufferLike> = await img.png().toBuffer();
  if (o.perspective) buf = await keystone(buf, o.perspective);
  if (o.background) {
    const meta = await sharp(buf).metadata();
    const b = o.background;
    buf = await sharp({
      create: {
        width: meta.width! + 2 * b,
        height: meta.height! + 2 * b,
        channels: 3,
        background: '#6b5a48',
      },
    })
      .composite([{ input: buf, left: b, top: b }])
      .png()
      .toBuffer();
  }
  img = sharp(buf);
  if (o.rotateDegrees) img = img.rotate(o.rotateDegrees, { background: '#6b5a48' });
  if (o.blurSigma) img = img.blur(o.blurSigma);
  buf = await img.png().toBuffer();
  if (o.noise) buf = await addNoise(buf, o.noise);
  return sharp(buf)
    .jpeg({ quality: o.jpegQuality ?? 85 })
    .toBuffer();
}

async function addNoise(png: Buffer, amount: number): Promise<Buffer> {
  // Buffer<ArrayBufferLike> from sharp; the result is a fresh buffer either way.
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  for (let i = 0; i < data.length; i++)
    data[i] = Math.max(0, Math.min(255, data[i]! + (rand() - 0.5) * 2 * amount));
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
    .png()
    .toBuffer();
}

/** A simple keystone: each row is scaled horizontally about the centre, narrower towards the top. */
async function keystone(png: Buffer, amount: number): Promise<Buffer> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width: w, height: h } = info;
  const out = Buffer.alloc(data.length, 255);
  for (let y = 0; y < h; y++) {
    const s = 1 - amount * (1 - y / h);
    for (let x = 0; x < w; x++) {
      const sx = Math.round((x - w / 2) / s + w / 2);
      if (sx < 0 || sx >= w) continue;
      for (let c = 0; c < 3; c++) out[(y * w + x) * 3 + c] = data[(y * w + sx) * 3 + c]!;
    }
  }
  return sharp(out, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toBuffer();
}

/** A valid PNG header for a huge image (the pixel data is never reached). */
export function hugePng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface Td3Holder {
  /** Issuing state, e.g. "NLD". */
  country: string;
  lastName: string;
  firstNames: string;
  number: string;
  nationality?: string;
  /** YYMMDD */
  birth: string;
  sex: 'M' | 'F' | '<';
  /** YYMMDD */
  expiry: string;
  personalNumber?: string;
}

/** A passport MRZ (TD3) with every check digit computed, for documents the tests invent. */
export function td3Mrz(h: Td3Holder): string[] {
  const fill = (s: string, n: number) =>
    s
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, '<')
      .padEnd(n, '<')
      .slice(0, n);
  const word = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]+/g, '<');
  const names = `${word(h.lastName)}<<${word(h.firstNames)}`.padEnd(39, '<').slice(0, 39);
  const line1 = `P<${h.country}${names}`;
  const number = fill(h.number, 9);
  const personal = fill(h.personalNumber ?? '', 14);
  const d = (s: string) => String(computeCheckDigit(s));
  const personalCheck = /^<+$/.test(personal) ? '<' : d(personal);
  const body = `${number}${d(number)}${h.nationality ?? h.country}${h.birth}${d(h.birth)}${h.sex}${h.expiry}${d(h.expiry)}${personal}${personalCheck}`;
  const composite = d(
    `${number}${d(number)}${h.birth}${d(h.birth)}${h.expiry}${d(h.expiry)}${personal}${personalCheck}`,
  );
  return [line1, `${body}${composite}`];
}
