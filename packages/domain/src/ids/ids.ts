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
  | 'con'
  | 'evt'
  | 'wf'
  | 'wh'
  | 'whd'
  | 'job'
  | 'usr'
  | 'lst'
  | 'alr'
  | 'fce'
  | 'blk'
  | 'chl'
  | 'stf'
  | 'sgn'
  | 'aud'
  | 'qst'
  | 'idp'
  | 'eid';

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

/** The last id's time and random part (two 40-bit halves), to keep ids made in the same millisecond in order. */
let lastTime = -1;
let lastHi = 0;
let lastLo = 0;
const HALF = 2 ** 40;

function encodeHalf(v: number): string {
  let out = '';
  let x = v;
  for (let c = 0; c < 8; c++) {
    out = ALPHABET[x % 32] + out;
    x = Math.floor(x / 32);
  }
  return out;
}

function randomHalf(i: number): number {
  // 5 bytes = 40 bits, kept below 2^53 so plain numbers hold them exactly
  return (
    pool[i]! * 2 ** 32 +
    ((pool[i + 1]! << 24) >>> 0) +
    (pool[i + 2]! << 16) +
    (pool[i + 3]! << 8) +
    pool[i + 4]!
  );
}

/**
 * Ids made in the same millisecond by this process increase (the random part counts up from the
 * previous one), so events of one session list in the order they happened.
 */
export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  let time = now;
  let hi: number;
  let lo: number;
  if (time <= lastTime) {
    time = lastTime;
    hi = lastHi;
    lo = lastLo + 1;
    if (lo >= HALF) {
      lo = 0;
      hi = (hi + 1) % HALF;
    }
  } else {
    if (offset + 10 > POOL_SIZE) {
      pool = randomBytes(POOL_SIZE);
      offset = 0;
    }
    hi = randomHalf(offset);
    // Leave room to count up within the millisecond without carrying into hi.
    lo = randomHalf(offset + 5) % (HALF / 2);
    offset += 10;
  }
  lastTime = time;
  lastHi = hi;
  lastLo = lo;
  return `${prefix}_${encodeTime(time)}${encodeHalf(hi)}${encodeHalf(lo)}`;
}

export function hasPrefix(id: string, prefix: IdPrefix): boolean {
  return id.startsWith(`${prefix}_`) && id.length === prefix.length + 27;
}
