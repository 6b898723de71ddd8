/**
 * Rebuilds data/official-lists.jsonl.gz from the official list files:
 *   node packages/screening/scripts/build-snapshot.ts /path/to/sanctions/lists
 * Only lists that may be redistributed go in (US government works, UN documents). OpenSanctions
 * data (CC BY-NC) must never be added here.
 */
import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseList } from '../src/importers/index.ts';
import type { ParsedList } from '../src/model.ts';
import { DEFAULT_SNAPSHOT_PATH, encodeSnapshot } from '../src/snapshot.ts';

const dir = process.argv[2] ?? '/work/shared/data/sanctions/lists';
const parts = (base: string, files: Record<string, string>) =>
  Object.fromEntries(Object.entries(files).map(([k, f]) => [k, createReadStream(join(dir, base, f))]));

function must(r: Awaited<ReturnType<typeof parseList>>): ParsedList {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

const lists = [
  must(
    await parseList(
      'ofac-sdn-csv',
      parts('ofac_sdn_2021-07', {
        sdn: 'sdn.csv',
        alt: 'alt.csv',
        add: 'add.csv',
        comments: 'sdn_comments.csv',
      }),
      { date: '2021-07-07' },
    ),
  ),
  must(
    await parseList(
      'ofac-sdn-csv',
      parts('ofac_consolidated_non_sdn_2025-12', {
        prim: 'cons_prim.csv',
        alt: 'cons_alt.csv',
        add: 'cons_add.csv',
        comments: 'cons_comments.csv',
      }),
      { listId: 'us-ofac-cons', date: '2025-12-19' },
    ),
  ),
  must(await parseList('un-sc-xml', createReadStream(join(dir, 'un_sc_consolidated_2026-02-27.xml')))),
];
const bytes = encodeSnapshot({
  createdAt: new Date().toISOString().slice(0, 10),
  lists: lists.map((l) => l.meta),
  entities: lists.flatMap((l) => l.entities),
});
writeFileSync(DEFAULT_SNAPSHOT_PATH, bytes);
console.log(
  `wrote ${DEFAULT_SNAPSHOT_PATH}: ${bytes.length} bytes, ${lists.map((l) => `${l.meta.listId} ${l.meta.entityCount}`).join(', ')}`,
);
