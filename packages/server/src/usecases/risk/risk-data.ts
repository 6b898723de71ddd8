import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DISPOSABLE_FILE, disposableDomains, normaliseDomainList } from '@openidv/check-email-risk';
import { countIpData, IMPORT_FILES, type IpImportKind, ipIntelligence } from '@openidv/check-ip-risk';

/** What `openidv risk-data import KIND FILE` accepts. */
export const RISK_DATA_KINDS = [...(Object.keys(IMPORT_FILES) as IpImportKind[]), 'disposable'] as const;
export type RiskDataKind = (typeof RISK_DATA_KINDS)[number];

export function riskDataDir(dataDir: string): string {
  return join(dataDir, 'risk-data');
}

/**
 * Validates a refreshed data file and stores it in the data directory, where it replaces the shipped data of its
 * kind; running servers pick it up within seconds (they watch the files' modification times).
 */
export function importRiskData(
  dataDir: string,
  kind: RiskDataKind,
  file: string,
  meta: { date?: string | undefined; licence?: string | undefined } = {},
): { kind: RiskDataKind; file: string; entries: number } {
  let text = readFileSync(file, 'utf8');
  let entries: number;
  if (kind === 'disposable') {
    ({ text, entries } = normaliseDomainList(text));
    if (entries < 10)
      throw new Error(
        `only ${entries} domains found in ${basename(file)}; a disposable list has thousands. Nothing was imported`,
      );
  } else {
    entries = countIpData(kind, text);
    if (entries === 0) throw new Error(`no ${kind} entries found in ${basename(file)}; nothing was imported`);
  }
  const dir = riskDataDir(dataDir);
  mkdirSync(dir, { recursive: true });
  const target = join(dir, kind === 'disposable' ? DISPOSABLE_FILE : IMPORT_FILES[kind]);
  // the meta first, then the data by rename: a reader never sees a half-written file
  writeFileSync(
    `${target}.meta.json`,
    JSON.stringify({
      source: basename(file),
      date: meta.date ?? new Date().toISOString().slice(0, 10),
      ...(meta.licence && { licence: meta.licence }),
      entries,
      importedAt: new Date().toISOString(),
    }),
  );
  writeFileSync(`${target}.tmp`, text);
  renameSync(`${target}.tmp`, target);
  return { kind, file: target, entries };
}

/** The data in service, shipped or imported, with licence, date and size. */
export function showRiskData(dataDir: string) {
  const dir = riskDataDir(dataDir);
  const list = disposableDomains(dir).source;
  return [
    ...ipIntelligence(dir).sources(),
    {
      name: 'disposable',
      origin: list.origin,
      licence: list.licence,
      ...(list.date && { date: list.date }),
      entries: list.entries,
    },
  ];
}
