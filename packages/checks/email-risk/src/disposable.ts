import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/** The file `openidv risk-data import disposable FILE` writes; it replaces the shipped list. */
export const DISPOSABLE_FILE = 'disposable-domains.txt';

export interface DisposableList {
  /** Whether the domain, or a parent domain listed as a wildcard, is disposable; returns the listed entry. */
  match(domain: string): string | undefined;
  source: { origin: 'shipped' | 'imported'; date?: string; entries: number; licence: string };
}

function build(
  exact: Iterable<string>,
  wildcards: Iterable<string>,
  source: DisposableList['source'],
): DisposableList {
  const set = new Set<string>();
  for (const d of exact) set.add(d.trim().toLowerCase());
  const wild = new Set<string>();
  for (const d of wildcards) wild.add(d.trim().toLowerCase());
  return {
    source,
    match(domain) {
      const d = domain.toLowerCase().replace(/\.$/, '');
      if (set.has(d)) return d;
      // sub.mailinator.com is as disposable as mailinator.com when the parent is a wildcard entry
      const labels = d.split('.');
      for (let i = 0; i < labels.length - 1; i++) {
        const parent = labels.slice(i).join('.');
        if (wild.has(parent)) return `*.${parent}`;
      }
      return undefined;
    },
  };
}

/** Domains from a text file: one per line, "#" comments, "*.domain" for a domain and all its subdomains. */
export function parseDomainList(text: string): { exact: string[]; wildcards: string[] } {
  const exact: string[] = [];
  const wildcards: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim().toLowerCase();
    if (!line) continue;
    const wild = line.startsWith('*.');
    const domain = wild ? line.slice(2) : line;
    if (!/^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(domain)) continue;
    (wild ? wildcards : exact).push(domain);
  }
  return { exact, wildcards };
}

const cache = new Map<string, { list: DisposableList; mtimeMs: number }>();

/** The list in service for a data directory: an imported one, else the shipped npm package. Loaded once. */
export function disposableDomains(dataDir?: string): DisposableList {
  const file = dataDir ? join(dataDir, DISPOSABLE_FILE) : undefined;
  const mtimeMs = file && existsSync(file) ? statSync(file).mtimeMs : 0;
  const key = dataDir ?? '';
  const hit = cache.get(key);
  if (hit && hit.mtimeMs === mtimeMs) return hit.list;
  let list: DisposableList;
  if (file && mtimeMs) {
    const { exact, wildcards } = parseDomainList(readFileSync(file, 'utf8'));
    let meta: { date?: string; licence?: string } = {};
    try {
      meta = JSON.parse(readFileSync(`${file}.meta.json`, 'utf8'));
    } catch {}
    list = build(exact, wildcards, {
      origin: 'imported',
      ...(meta.date && { date: meta.date }),
      entries: exact.length + wildcards.length,
      licence: meta.licence ?? 'as imported',
    });
  } else {
    const exact: string[] = require('disposable-email-domains');
    const wildcards: string[] = require('disposable-email-domains/wildcard.json');
    const version: string = require('disposable-email-domains/package.json').version;
    list = build(exact, wildcards, {
      origin: 'shipped',
      date: `disposable-email-domains ${version}`,
      entries: exact.length + wildcards.length,
      licence: 'MIT (disposable-email-domains)',
    });
  }
  cache.set(key, { list, mtimeMs });
  return list;
}

/** A disposable-domain list as stored by `risk-data import`: one domain per line, "*." for wildcards. */
export function normaliseDomainList(text: string): { text: string; entries: number } {
  const { exact, wildcards } = parseDomainList(text);
  return {
    text: [...exact, ...wildcards.map((w) => `*.${w}`)].join('\n'),
    entries: exact.length + wildcards.length,
  };
}
