import ipaddr from 'ipaddr.js';

/** An address as a number: IPv4 as a 32-bit integer, IPv6 as a 128-bit bigint. */
export type IpNumber = { version: 4; value: number } | { version: 6; value: bigint };

/** Parses an address; IPv4-mapped IPv6 (::ffff:1.2.3.4) counts as the IPv4 address. Undefined when invalid. */
export function parseIp(text: string): { ip: IpNumber; normalised: string; range: string } | undefined {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(text.trim());
  } catch {
    return undefined;
  }
  const range = addr.range();
  if (addr.kind() === 'ipv4') {
    const b = (addr as ipaddr.IPv4).octets;
    const value = ((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!;
    return { ip: { version: 4, value }, normalised: addr.toString(), range };
  }
  let value = 0n;
  for (const part of (addr as ipaddr.IPv6).parts) value = (value << 16n) + BigInt(part);
  return { ip: { version: 6, value }, normalised: addr.toString(), range };
}

/** First and last address of a CIDR block ("10.0.0.0/8", "2001:db8::/32") or of a single address. */
export function parseCidr(text: string): { first: IpNumber; last: IpNumber } | undefined {
  const t = text.trim();
  if (!t.includes('/')) {
    const one = parseIp(t);
    return one && { first: one.ip, last: one.ip };
  }
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(t);
  } catch {
    return undefined;
  }
  const [addr, bits] = parsed;
  const base = parseIp(addr.toString());
  if (!base) return undefined;
  if (base.ip.version === 4 && addr.kind() === 'ipv4') {
    const size = 2 ** (32 - bits);
    const first = Math.floor(base.ip.value / size) * size;
    return { first: { version: 4, value: first }, last: { version: 4, value: first + size - 1 } };
  }
  if (base.ip.version === 6) {
    const hostBits = BigInt(128 - bits);
    const first = (base.ip.value >> hostBits) << hostBits;
    return {
      first: { version: 6, value: first },
      last: { version: 6, value: first + (1n << hostBits) - 1n },
    };
  }
  return undefined;
}

/**
 * Sorted, non-overlapping IPv4 ranges with one number each (a country code or an ASN), found by binary search.
 * Typed arrays keep 400,000 ranges in about 5 MB.
 */
export class Ipv4Ranges {
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  readonly values: Uint32Array;
  constructor(starts: Uint32Array, ends: Uint32Array, values: Uint32Array) {
    this.starts = starts;
    this.ends = ends;
    this.values = values;
  }
  get size(): number {
    return this.starts.length;
  }
  find(ip: number): number | undefined {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! <= ip) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && ip <= this.ends[hi]! ? this.values[hi] : undefined;
  }
}

/** The same for IPv6: each bound kept as two 64-bit halves. */
export class Ipv6Ranges {
  readonly starts: BigUint64Array;
  readonly ends: BigUint64Array;
  readonly values: Uint32Array;
  constructor(starts: BigUint64Array, ends: BigUint64Array, values: Uint32Array) {
    this.starts = starts;
    this.ends = ends;
    this.values = values;
  }
  get size(): number {
    return this.values.length;
  }
  find(ip: bigint): number | undefined {
    const h = ip >> 64n;
    const l = ip & MASK64;
    const le = (aHi: bigint, aLo: bigint) => aHi < h || (aHi === h && aLo <= l);
    let lo = 0;
    let hi = this.values.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (le(this.starts[2 * mid]!, this.starts[2 * mid + 1]!)) lo = mid + 1;
      else hi = mid - 1;
    }
    if (hi < 0) return undefined;
    const eHi = this.ends[2 * hi]!;
    const eLo = this.ends[2 * hi + 1]!;
    return h < eHi || (h === eHi && l <= eLo) ? this.values[hi] : undefined;
  }
}

const MASK64 = (1n << 64n) - 1n;

export interface RangeRow<T> {
  first: IpNumber;
  last: IpNumber;
  value: T;
}

/** Builds the lookup tables from rows in any order. */
export function buildTables(rows: RangeRow<number>[]): { v4: Ipv4Ranges; v6: Ipv6Ranges } {
  const c = new Columns();
  for (const r of rows) c.push(r.first, r.last, r.value);
  return c.tables();
}

/** Ranges gathered column by column (no object per row), sorted by start when needed. */
class Columns {
  s4: number[] = [];
  e4: number[] = [];
  v4: number[] = [];
  s6: bigint[] = [];
  e6: bigint[] = [];
  v6: number[] = [];
  push(first: IpNumber, last: IpNumber, value: number) {
    if (first.version === 4 && last.version === 4) {
      this.s4.push(first.value);
      this.e4.push(last.value);
      this.v4.push(value);
    } else if (first.version === 6 && last.version === 6) {
      this.s6.push(first.value);
      this.e6.push(last.value);
      this.v6.push(value);
    }
  }
  tables(): { v4: Ipv4Ranges; v6: Ipv6Ranges } {
    const o4 = order(this.s4, (a, b) => a - b);
    const o6 = order(this.s6, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const t4 = new Ipv4Ranges(
      Uint32Array.from(o4, (i) => this.s4[i]!),
      Uint32Array.from(o4, (i) => this.e4[i]!),
      Uint32Array.from(o4, (i) => this.v4[i]!),
    );
    const s6 = new BigUint64Array(o6.length * 2);
    const e6 = new BigUint64Array(o6.length * 2);
    o6.forEach((i, k) => {
      s6[2 * k] = this.s6[i]! >> 64n;
      s6[2 * k + 1] = this.s6[i]! & MASK64;
      e6[2 * k] = this.e6[i]! >> 64n;
      e6[2 * k + 1] = this.e6[i]! & MASK64;
    });
    return {
      v4: t4,
      v6: new Ipv6Ranges(
        s6,
        e6,
        Uint32Array.from(o6, (i) => this.v6[i]!),
      ),
    };
  }
}

/** Indices in ascending order of `keys` (the identity when already sorted, as published files are). */
function order<T>(keys: T[], cmp: (a: T, b: T) => number): Uint32Array {
  const idx = new Uint32Array(keys.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  for (let i = 1; i < keys.length; i++) {
    if (cmp(keys[i - 1]!, keys[i]!) > 0) return idx.sort((a, b) => cmp(keys[a]!, keys[b]!));
  }
  return idx;
}

/** Reads an ip-location-db CSV straight into lookup tables (see parseRangeCsv for the format). */
export function parseRangeTables(
  text: string,
  value: (third: string, fourth: string | undefined) => number | undefined,
  version?: 4 | 6,
): { v4: Ipv4Ranges; v6: Ipv6Ranges } {
  const c = new Columns();
  eachRange(text, value, version, (first, last, v) => c.push(first, last, v));
  return c.tables();
}

/**
 * Reads an ip-location-db CSV (`start,end,value[,name]`, addresses as numbers or as text) into range rows.
 * `value` turns the third column (and the fourth, when there is one) into the stored number.
 */
export function parseRangeCsv(
  text: string,
  value: (third: string, fourth: string | undefined) => number | undefined,
  version?: 4 | 6,
): RangeRow<number>[] {
  const rows: RangeRow<number>[] = [];
  eachRange(text, value, version, (first, last, v) => rows.push({ first, last, value: v }));
  return rows;
}

function eachRange(
  text: string,
  value: (third: string, fourth: string | undefined) => number | undefined,
  version: 4 | 6 | undefined,
  emit: (first: IpNumber, last: IpNumber, value: number) => void,
): void {
  let start = 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = n;
    const stop = text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    const lineStart = start;
    start = end + 1;
    if (stop <= lineStart || text.charCodeAt(lineStart) === 35 /* # */) continue;
    const c1 = text.indexOf(',', lineStart);
    if (c1 < 0 || c1 >= stop) continue;
    const c2 = text.indexOf(',', c1 + 1);
    if (c2 < 0 || c2 >= stop) continue;
    let c3 = text.indexOf(',', c2 + 1);
    if (c3 >= stop) c3 = -1;
    const third = c3 < 0 ? text.slice(c2 + 1, stop) : text.slice(c2 + 1, c3);
    const fourth = c3 < 0 ? undefined : text.slice(c3 + 1, stop);
    const v = value(third, fourth);
    if (v === undefined) continue;
    const first = toIpNumber(text.slice(lineStart, c1), version);
    const last = toIpNumber(text.slice(c1 + 1, c2), version);
    if (!first || !last || first.version !== last.version) continue;
    emit(first, last, v);
  }
}

function toIpNumber(s: string, version: 4 | 6 | undefined): IpNumber | undefined {
  if (version === 4 || (version === undefined && s.length <= 10)) {
    const v = Number(s);
    if (Number.isInteger(v) && v >= 0 && v <= 0xffffffff && s.length > 0) return { version: 4, value: v };
  }
  if (s.includes('.') || s.includes(':')) return parseIp(s)?.ip;
  if (!/^\d+$/.test(s)) return undefined;
  return { version: 6, value: BigInt(s) };
}
