import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOSTING_NETWORKS, type NetworkInfo, VPN_NETWORKS } from './networks.ts';
import {
  buildTables,
  type IpNumber,
  type Ipv4Ranges,
  type Ipv6Ranges,
  parseCidr,
  parseIp,
  parseRangeCsv,
  parseRangeTables,
  type RangeRow,
} from './ranges.ts';

const require = createRequire(import.meta.url);
const SHIPPED_DATA = join(dirname(fileURLToPath(import.meta.url)), '..', 'data');
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** What the offline data says about one address. */
export interface IpFacts {
  ip: string;
  version: 4 | 6;
  /** "public", or ipaddr.js's range name (private, loopback, linkLocal, uniqueLocal, …): no lookups for those. */
  range: string;
  /** ISO 3166-1 alpha-2. */
  country?: string;
  asn?: number;
  organisation?: string;
  tor: boolean;
  hosting?: { name: string; kind: string; source: 'network' | 'imported-range' };
  vpn?: { name: string; source: 'network' | 'imported-range' };
}

export interface DataSource {
  name: string;
  /** "shipped" (in the npm packages or this package) or "imported" (risk-data import, in the data directory). */
  origin: 'shipped' | 'imported';
  file: string;
  licence: string;
  date?: string;
  entries?: number;
}

/** Files `openidv risk-data import` writes into the data directory, by kind. */
export const IMPORT_FILES = {
  tor: 'tor-exit-nodes.lst',
  vpn: 'vpn-ranges.txt',
  hosting: 'hosting.txt',
  'country-ipv4': 'country-ipv4.csv',
  'country-ipv6': 'country-ipv6.csv',
  'asn-ipv4': 'asn-ipv4.csv',
  'asn-ipv6': 'asn-ipv6.csv',
} as const;
export type IpImportKind = keyof typeof IMPORT_FILES;

type Tables = { v4: Ipv4Ranges; v6: Ipv6Ranges };
interface Cached<T> {
  value: T;
  file: string;
  mtimeMs: number;
}

const countryCode = (c: string) => (c.length === 2 ? (c.charCodeAt(0) << 8) | c.charCodeAt(1) : undefined);
const codeCountry = (n: number) => String.fromCharCode(n >> 8, n & 0xff);

function unquote(s: string | undefined): string {
  if (!s) return '';
  const t = s.trim();
  return t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
}

/**
 * The IP intelligence of one data directory: country and ASN tables (loaded on first use, once per process,
 * and again only when an imported file changes), the Tor exit list, and the hosting and VPN networks.
 */
export class IpIntelligence {
  readonly #dataDir: string | undefined;
  readonly #cache = new Map<string, Cached<unknown>>();
  #checkedAt = 0;
  readonly #organisations = new Map<number, string>();

  readonly #refreshMs: number;

  /** `refreshMs`: how often, at most, imported files are looked at for changes (default 10 s). */
  constructor(dataDir?: string, options: { refreshMs?: number } = {}) {
    this.#dataDir = dataDir;
    this.#refreshMs = options.refreshMs ?? 10_000;
  }

  /** Re-reads imported files that changed (or appeared) since they were loaded. */
  #fresh(): void {
    const now = Date.now();
    if (now - this.#checkedAt < this.#refreshMs) return;
    this.#checkedAt = now;
    for (const [key, c] of this.#cache) {
      const m = mtime(c.file);
      if (m !== c.mtimeMs || this.#resolve(key as keyof typeof FILES) !== c.file) this.#cache.delete(key);
    }
  }

  #resolve(key: keyof typeof FILES): string {
    const f = FILES[key];
    const imported = this.#dataDir && f.imported ? join(this.#dataDir, f.imported) : undefined;
    if (imported && existsSync(imported)) return imported;
    return f.shipped();
  }

  #load<T>(key: keyof typeof FILES, parse: (text: string) => T): T {
    const hit = this.#cache.get(key);
    if (hit) return hit.value as T;
    const file = this.#resolve(key);
    const value = existsSync(file) ? parse(readFileSync(file, 'utf8')) : parse('');
    this.#cache.set(key, { value, file, mtimeMs: mtime(file) });
    return value;
  }

  #country(ip: IpNumber): string | undefined {
    const key = ip.version === 4 ? 'country-ipv4' : 'country-ipv6';
    const t = this.#load<Tables>(key, (text) =>
      parseRangeTables(text, (c) => countryCode(c.trim()), ip.version),
    );
    const code = ip.version === 4 ? t.v4.find(ip.value) : t.v6.find(ip.value);
    return code === undefined ? undefined : codeCountry(code);
  }

  #asn(ip: IpNumber): number | undefined {
    const key = ip.version === 4 ? 'asn-ipv4' : 'asn-ipv6';
    const t = this.#load<Tables>(key, (text) =>
      parseRangeTables(
        text,
        (asn, org) => {
          const n = Number(asn);
          if (!Number.isInteger(n) || n <= 0) return undefined;
          if (org && !this.#organisations.has(n)) this.#organisations.set(n, unquote(org));
          return n;
        },
        ip.version,
      ),
    );
    return ip.version === 4 ? t.v4.find(ip.value) : t.v6.find(ip.value);
  }

  #tor(): Set<string> {
    return this.#load('tor', (text) => {
      const set = new Set<string>();
      for (const ip of parseIpList(text)) set.add(ip);
      return set;
    });
  }

  #importedRanges(key: 'vpn' | 'hosting'): { tables: Tables; names: string[]; asns: Map<number, string> } {
    return this.#load(key, (text) => parseRangeList(text));
  }

  /** Everything known about the address. Undefined when it is not an IP address. */
  lookup(text: string): IpFacts | undefined {
    this.#fresh();
    const parsed = parseIp(text);
    if (!parsed) return undefined;
    const { ip } = parsed;
    const facts: IpFacts = {
      ip: parsed.normalised,
      version: ip.version,
      range: parsed.range === 'unicast' ? 'public' : parsed.range,
      tor: this.#tor().has(parsed.normalised),
    };
    if (facts.range !== 'public') return facts;
    const country = this.#country(ip);
    if (country && country !== 'ZZ') facts.country = country;
    const asn = this.#asn(ip);
    if (asn !== undefined) {
      facts.asn = asn;
      const org = this.#organisations.get(asn);
      if (org) facts.organisation = org;
      const known = NETWORKS.get(asn);
      if (known?.kind === 'vpn') facts.vpn = { name: known.name, source: 'network' };
      else if (known) facts.hosting = { name: known.name, kind: known.kind, source: 'network' };
    }
    // Imported data is the operator's own, often more precise (a provider's published ranges): it wins.
    const hosting = this.#importedRanges('hosting');
    const hostingAsn = asn !== undefined ? hosting.asns.get(asn) : undefined;
    if (hostingAsn !== undefined) facts.hosting = { name: hostingAsn, kind: 'hosting', source: 'network' };
    const h = find(hosting.tables, ip);
    if (h !== undefined)
      facts.hosting = {
        name: hosting.names[h] ?? 'imported range',
        kind: 'hosting',
        source: 'imported-range',
      };
    const vpnRanges = this.#importedRanges('vpn');
    const vpnAsn = asn !== undefined ? vpnRanges.asns.get(asn) : undefined;
    if (vpnAsn !== undefined) facts.vpn = { name: vpnAsn, source: 'network' };
    const v = find(vpnRanges.tables, ip);
    if (v !== undefined)
      facts.vpn = { name: vpnRanges.names[v] ?? 'imported range', source: 'imported-range' };
    return facts;
  }

  /** The registered organisation of an AS number (from the IPv4 ASN data). */
  organisation(asn: number): string | undefined {
    this.#asn({ version: 4, value: 0 });
    return this.#organisations.get(asn);
  }

  /** Loads every table now (a server can call this at start instead of paying on the first session). */
  warm(): void {
    this.lookup('1.1.1.1');
    this.lookup('2606:4700:4700::1111');
  }

  /** Where each piece of data comes from, with licence and date, for `risk-data show` and the check's evidence. */
  sources(): DataSource[] {
    return (Object.keys(FILES) as (keyof typeof FILES)[]).map((key) => {
      const file = this.#resolve(key);
      const f = FILES[key];
      const imported = this.#dataDir !== undefined && file.startsWith(this.#dataDir);
      const meta = imported ? readMeta(file) : undefined;
      return {
        name: key,
        origin: imported ? 'imported' : 'shipped',
        file,
        licence: imported ? (meta?.licence ?? 'as imported') : f.licence,
        ...((meta?.date ?? f.date) && { date: meta?.date ?? f.date }),
        ...(meta?.entries !== undefined && { entries: meta.entries }),
      };
    });
  }
}

function find(t: Tables, ip: IpNumber): number | undefined {
  return ip.version === 4 ? t.v4.find(ip.value) : t.v6.find(ip.value);
}

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

const NETWORKS = new Map<number, NetworkInfo>([...HOSTING_NETWORKS, ...VPN_NETWORKS].map((n) => [n.asn, n]));

const FILES = {
  'country-ipv4': {
    shipped: () =>
      join(packageDir('@ip-location-db/geo-whois-asn-country'), 'geo-whois-asn-country-ipv4-num.csv'),
    imported: IMPORT_FILES['country-ipv4'],
    licence: 'CC0-1.0 (ip-location-db geo-whois-asn-country)',
    date: packageDate('@ip-location-db/geo-whois-asn-country'),
  },
  'country-ipv6': {
    shipped: () =>
      join(packageDir('@ip-location-db/geo-whois-asn-country'), 'geo-whois-asn-country-ipv6-num.csv'),
    imported: IMPORT_FILES['country-ipv6'],
    licence: 'CC0-1.0 (ip-location-db geo-whois-asn-country)',
    date: packageDate('@ip-location-db/geo-whois-asn-country'),
  },
  'asn-ipv4': {
    shipped: () => join(packageDir('@ip-location-db/asn'), 'asn-ipv4-num.csv'),
    imported: IMPORT_FILES['asn-ipv4'],
    licence: 'CC-BY-4.0 (RouteViews, DB-IP, NRO via ip-location-db asn)',
    date: packageDate('@ip-location-db/asn'),
  },
  'asn-ipv6': {
    shipped: () => join(packageDir('@ip-location-db/asn'), 'asn-ipv6-num.csv'),
    imported: IMPORT_FILES['asn-ipv6'],
    licence: 'CC-BY-4.0 (DB-IP, NRO via ip-location-db asn)',
    date: packageDate('@ip-location-db/asn'),
  },
  tor: {
    shipped: () => join(SHIPPED_DATA, 'tor-exit-nodes.lst'),
    imported: IMPORT_FILES.tor,
    licence: 'MIT (Tor Project exit lists as collected by SecOps-Institute, see data/README.md)',
    date: '2024-02-27',
  },
  hosting: {
    shipped: () => join(SHIPPED_DATA, 'empty.txt'),
    imported: IMPORT_FILES.hosting,
    licence: 'openidv hosting networks (src/networks.ts) plus imported ranges',
    date: undefined,
  },
  vpn: {
    shipped: () => join(SHIPPED_DATA, 'empty.txt'),
    imported: IMPORT_FILES.vpn,
    licence: 'openidv VPN networks (src/networks.ts) plus imported ranges',
    date: undefined,
  },
} as const;

function packageDate(name: string): string | undefined {
  try {
    const v: string = require(`${name}/package.json`).version;
    // ip-location-db versions end in YYYYMMDDHH
    const m = /\.(\d{4})(\d{2})(\d{2})\d{2}$/.exec(v);
    return m ? `${m[1]}-${m[2]}-${m[3]}` : v;
  } catch {
    return undefined;
  }
}

function readMeta(file: string): { date?: string; licence?: string; entries?: number } | undefined {
  try {
    return JSON.parse(readFileSync(`${file}.meta.json`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Addresses from a plain list (one per line, # comments) or the Tor Project's exit-addresses format. */
export function parseIpList(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const token = line.startsWith('ExitAddress ') ? line.split(/\s+/)[1]! : line.split(/[\s,]+/)[0]!;
    const p = parseIp(token);
    if (p) out.push(p.normalised);
  }
  return out;
}

/**
 * Ranges and networks from a list: per line a CIDR block, an address, or an AS number ("AS16509"), each
 * optionally followed by a name; or a JSON document (e.g. a cloud provider's published ranges) whose
 * CIDR-looking strings are taken.
 */
export function parseRangeList(text: string): { tables: Tables; names: string[]; asns: Map<number, string> } {
  const rows: RangeRow<number>[] = [];
  const names: string[] = [];
  const asns = new Map<number, string>();
  const add = (cidr: string, name: string | undefined) => {
    const r = parseCidr(cidr);
    if (!r) return false;
    rows.push({ first: r.first, last: r.last, value: names.length });
    names.push(name || 'imported range');
    return true;
  };
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const walk = (v: unknown, name: string | undefined) => {
      if (typeof v === 'string') {
        if (/^[0-9a-f.:]+\/\d{1,3}$/i.test(v)) add(v, name);
      } else if (Array.isArray(v)) for (const x of v) walk(x, name);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        const here =
          typeof o['service'] === 'string'
            ? `${o['service']}`
            : typeof o['scope'] === 'string'
              ? `${o['scope']}`
              : name;
        for (const x of Object.values(o)) walk(x, here);
      }
    };
    walk(JSON.parse(trimmed), undefined);
  } else {
    for (const raw of text.split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      if (!line) continue;
      const [first, ...rest] = line.split(/[\s,]+/);
      const name = rest.join(' ').trim() || undefined;
      const asn = /^AS(\d+)$/i.exec(first!);
      if (asn) asns.set(Number(asn[1]), name ?? `AS${asn[1]}`);
      else add(first!, name);
    }
  }
  return { tables: buildTables(rows), names, asns };
}

/**
 * Counts the entries of a file for `openidv risk-data import` (0 when it is not of that kind). The caller stores
 * the file as IMPORT_FILES[kind] in the data directory, where it replaces the shipped data.
 */
export function countIpData(kind: IpImportKind, text: string): number {
  if (kind === 'tor') return parseIpList(text).length;
  if (kind === 'vpn' || kind === 'hosting') {
    const parsed = parseRangeList(text);
    return parsed.names.length + parsed.asns.size;
  }
  const version = kind.endsWith('ipv6') ? 6 : 4;
  return parseRangeCsv(
    text,
    (v) => (kind.startsWith('country') ? countryCode(v.trim()) : Number(v) > 0 ? Number(v) : undefined),
    version,
  ).length;
}

const shared = new Map<string, IpIntelligence>();

/** One instance per data directory and process, so the tables are loaded once. */
export function ipIntelligence(dataDir?: string): IpIntelligence {
  const key = dataDir ?? '';
  let i = shared.get(key);
  if (!i) {
    i = new IpIntelligence(dataDir);
    shared.set(key, i);
  }
  return i;
}
