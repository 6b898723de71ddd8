import { randomBytes } from 'node:crypto';

/**
 * Ids carry a prefix that says what they name and sort by creation time:
 * `<prefix>_<10 chars base32 ms timestamp><16 chars base32 randomness>`.
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export type IdPrefix = 'app' | 'key' | 'ses' | 'att' | 'med' | 'evt' | 'wf' | 'wh' | 'whd' | 'job' | 'usr';

function encodeTime(ms: number): string {
  let out = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  const bytes = randomBytes(10);
  let rand = '';
  // 10 bytes = 80 bits = 16 base32 chars
  let acc = 0n;
  for (const b of bytes) acc = (acc << 8n) | BigInt(b);
  for (let i = 0; i < 16; i++) {
    rand = ALPHABET[Number(acc & 31n)] + rand;
    acc >>= 5n;
  }
  return `${prefix}_${encodeTime(now)}${rand}`;
}

export function hasPrefix(id: string, prefix: IdPrefix): boolean {
  return id.startsWith(`${prefix}_`) && id.length === prefix.length + 27;
}
