import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { DomainError, newId } from '@openidv/domain';
import { encodeSnapshot, LIST_FORMATS, type ListFormat, parseList } from '@openidv/screening';
import { jobs, screening } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';

export const MONITOR_JOB = 'screening.monitor';

/** Guesses a list's format from its file names and first bytes; `--format` overrides it. */
export async function detectFormat(paths: string[]): Promise<ListFormat> {
  const names = paths.map((p) => basename(p).toLowerCase());
  if (
    names.some((n) => /^(sdn|add|alt|sdn_comments|cons_prim|cons_add|cons_alt|cons_comments)\.csv$/.test(n))
  ) {
    return 'ofac-sdn-csv';
  }
  const head = (await readFile(paths[0]!)).subarray(0, 4096).toString('utf8');
  if (/<sdnList[\s>]/.test(head)) return 'ofac-sdn-xml';
  if (/<CONSOLIDATED_LIST[\s>]/.test(head)) return 'un-sc-xml';
  if (/<export[\s>]/.test(head) && /sanctionEntity|generationDate/.test(head)) return 'eu-fsf-xml';
  if (/^\uFEFF?(Last Updated|Name 6)/.test(head)) return 'uk-ofsi-csv';
  if (/^\s*\{"id":.*"schema":/.test(head)) return 'opensanctions-ftm';
  if (/^\s*\{"DATA_SOURCE":/.test(head)) return 'opensanctions-senzing';
  throw new DomainError(
    'LIST_IMPORT_FAILED',
    `Cannot tell the format of ${names.join(', ')}; give it with --format (one of ${LIST_FORMATS.join(', ')}).`,
  );
}

/**
 * Imports one list file (or, for OFAC CSV, its set of files) as a new version. A malformed or truncated file
 * fails with a clear error and stores nothing, so the previous version stays in service. Approved people are
 * screened again against it by a durable job.
 */
export async function importList(platform: Platform, paths: string[], format?: ListFormat) {
  const fmt = format ?? (await detectFormat(paths));
  const input =
    fmt === 'ofac-sdn-csv'
      ? Object.fromEntries(
          await Promise.all(
            paths.map(async (p) => [
              basename(p)
                .toLowerCase()
                .replace(/\.csv$/, ''),
              await readFile(p),
            ]),
          ),
        )
      : await readFile(paths[0]!);
  const parsed = await parseList(fmt, input);
  if (!parsed.ok) {
    throw new DomainError(
      'LIST_IMPORT_FAILED',
      `${parsed.error.message} Nothing was imported; the lists in service are unchanged.`,
      {
        importError: parsed.error.code,
      },
    );
  }
  const { meta, entities } = parsed.value;
  const now = platform.now();
  const id = newId('lst', now.getTime());
  await platform.database.db.transaction().execute(async (tx) => {
    await screening.insertListVersion(tx, {
      id,
      listId: meta.listId,
      meta,
      entityCount: entities.length,
      data: encodeSnapshot({ createdAt: now.toISOString(), lists: [meta], entities }),
      importedAt: now.getTime(),
    });
    await jobs.enqueueJob(tx, {
      type: MONITOR_JOB,
      payload: { versionId: id },
      runAt: now.getTime(),
      maxAttempts: 5,
      now: now.getTime(),
    });
  });
  await platform.screening.refresh();
  platform.wake();
  return { id, format: fmt, meta, entityCount: entities.length };
}
