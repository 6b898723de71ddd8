import { randomBytes } from 'node:crypto';

/**
 * Ids carry a prefix that says what they name and sort by creation time:
 * `<prefix>_<10 chars base32 ms timestamp><16 chars base32 randomness>`.
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export type IdPrefix =
  | 'app'
  | 'key'
  | 'ses'
  | 'att'
  | 'med'
  | 'evt'
  | 'wf'
  | 'wh'
  | 'whd'
  | 'job'
  | 'usr'
  | 'lst'
  | 'alr'
  | 'stf'
  | 'sgn'
  | 'aud';

function encodeTime(ms: number): string {
  let out = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

/** Random bytes are drawn in batches: one syscall per 256 ids instead of one per id. */
const POOL_SIZE = 2560;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  if (offset + 10 > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  // 10 random bytes = 80 bits = 16 base32 characters, taken 5 bytes (40 bits, 8 characters) at a time.
  let rand = '';
  for (let half = 0; half < 2; half++) {
    const i = offset + half * 5;
    let hi = (pool[i]! << 12) | (pool[i + 1]! << 4) | (pool[i + 2]! >> 4); // 20 bits
    let lo = ((pool[i + 2]! & 0x0f) << 16) | (pool[i + 3]! << 8) | pool[i + 4]!; // 20 bits
    let chunk = '';
    for (let c = 0; c < 4; c++) {
      chunk = ALPHABET[lo & 31] + chunk;
      lo >>= 5;
    }
    for (let c = 0; c < 4; c++) {
      chunk = ALPHABET[hi & 31] + chunk;
      hi >>= 5;
    }
    rand += chunk;
  }
  offset += 10;
  return `${prefix}_${encodeTime(now)}${rand}`;
}

export function hasPrefix(id: string, prefix: IdPrefix): boolean {
  return id.startsWith(`${prefix}_`) && id.length === prefix.length + 27;
}
