import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { disposableDomains, importDisposableDomains } from '@openidv/check-email-risk';
import { IMPORT_FILES, type IpImportKind, importIpData, ipIntelligence } from '@openidv/check-ip-risk';

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
  const text = readFileSync(file, 'utf8');
  const m = {
    source: basename(file),
    ...(meta.date && { date: meta.date }),
    ...(meta.licence && { licence: meta.licence }),
  };
  const dir = riskDataDir(dataDir);
  const r = kind === 'disposable' ? importDisposableDomains(dir, text, m) : importIpData(dir, kind, text, m);
  return { kind, ...r };
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
