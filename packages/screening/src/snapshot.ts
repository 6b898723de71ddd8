import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { err, type ImportError, type ListMeta, ok, type Result, type ScreeningEntity } from './model.ts';
import { buildIndex, type ScreeningIndex } from './search-index.ts';

/** The snapshot shipped in this package: freely redistributable official lists only. */
export const DEFAULT_SNAPSHOT_PATH = fileURLToPath(
  new URL('../data/official-lists.jsonl.gz', import.meta.url),
);

export interface Snapshot {
  createdAt: string;
  lists: ListMeta[];
  entities: ScreeningEntity[];
}

/** Drops empty fields so the shipped file stays small; the loader puts them back. */
function compact(e: ScreeningEntity): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (k === 'id') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (v === undefined) continue;
    out[k] = v;
  }
  return out;
}

function expand(o: Record<string, unknown>): ScreeningEntity {
  const e = {
    names: [],
    birthDates: [],
    birthPlaces: [],
    nationalities: [],
    countries: [],
    identifiers: [],
    programs: [],
    topics: [],
    ...o,
  } as unknown as ScreeningEntity;
  e.id = `${e.listId}:${e.ref}`;
  return e;
}

/** Serialises lists as gzipped JSON lines: one header line with the lists' metadata, then one entity a line. */
export function encodeSnapshot(snapshot: Snapshot): Buffer {
  const lines = [JSON.stringify({ snapshot: 1, createdAt: snapshot.createdAt, lists: snapshot.lists })];
  for (const e of snapshot.entities) lines.push(JSON.stringify(compact(e)));
  return gzipSync(`${lines.join('\n')}\n`, { level: 9 });
}

export function decodeSnapshot(bytes: Uint8Array): Result<Snapshot, ImportError> {
  let text: string;
  try {
    text = gunzipSync(bytes).toString('utf8');
  } catch (e) {
    return err({
      code: 'LIST_TRUNCATED',
      message: `The snapshot is not a complete gzip file: ${(e as Error).message}`,
    });
  }
  const lines = text.split('\n').filter((l) => l.length > 0);
  try {
    const header = JSON.parse(lines[0] ?? '{}') as {
      snapshot?: number;
      createdAt?: string;
      lists?: ListMeta[];
    };
    if (header.snapshot !== 1 || !Array.isArray(header.lists)) {
      return err({
        code: 'LIST_WRONG_FORMAT',
        message: 'Not an openidv screening snapshot (header missing).',
      });
    }
    const entities = lines.slice(1).map((l) => expand(JSON.parse(l) as Record<string, unknown>));
    const expected = header.lists.reduce((s, l) => s + l.entityCount, 0);
    if (entities.length !== expected) {
      return err({
        code: 'LIST_TRUNCATED',
        message: `The snapshot holds ${entities.length} entities but its header lists ${expected}.`,
      });
    }
    return ok({ createdAt: header.createdAt ?? '', lists: header.lists, entities });
  } catch (e) {
    return err({
      code: 'LIST_MALFORMED',
      message: `The snapshot has an invalid line: ${(e as Error).message}`,
    });
  }
}

export function loadSnapshot(path: string = DEFAULT_SNAPSHOT_PATH): Result<Snapshot, ImportError> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return err({
      code: 'LIST_READ_FAILED',
      message: `Cannot read the snapshot ${path}: ${(e as Error).message}`,
    });
  }
  return decodeSnapshot(bytes);
}

/** Loads the shipped snapshot and builds the index: what a server does at start-up before any import. */
export function loadDefaultIndex(path: string = DEFAULT_SNAPSHOT_PATH): Result<ScreeningIndex, ImportError> {
  const snap = loadSnapshot(path);
  if (!snap.ok) return snap;
  return ok(buildIndex(snap.value.entities, snap.value.lists));
}
