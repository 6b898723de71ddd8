import {
  buildIndex,
  decodeSnapshot,
  type ListMeta,
  loadSnapshot,
  type ScreeningEntity,
  type ScreeningIndex,
} from '@openidv/screening';
import { type Executor, screening } from '@openidv/storage';

export interface ListInService extends ListMeta {
  /** "shipped" for the snapshot in this build, else the id of the imported version. */
  version: string;
  importedAt: string | null;
}

/**
 * The sanctions lists this server screens against: the snapshot shipped with the build, with each list
 * replaced by its newest imported version. The index is rebuilt only when the set of versions changes; a
 * failed import never reaches it (nothing is stored), so the previous version stays in service.
 */
export class ScreeningLists {
  readonly #db: Executor;
  #index: ScreeningIndex | undefined;
  #lists: ListInService[] = [];
  #key = '';
  #shipped: { lists: ListMeta[]; entities: ScreeningEntity[] } | undefined;

  constructor(db: Executor) {
    this.#db = db;
  }

  /** The current index; the shipped lists alone until `refresh` has seen imported versions. */
  current(): ScreeningIndex {
    if (!this.#index) {
      const shipped = this.#loadShipped();
      this.#index = buildIndex(shipped.entities, shipped.lists);
      this.#lists = shipped.lists.map((l) => ({ ...l, version: 'shipped', importedAt: null }));
    }
    return this.#index;
  }

  lists(): ListInService[] {
    this.current();
    return this.#lists;
  }

  /** Picks up versions imported by any process (the CLI, another server). Returns true when the index changed. */
  async refresh(): Promise<boolean> {
    const versions = await screening.listVersions(this.#db);
    const newest = new Map<string, (typeof versions)[number]>();
    for (const v of versions) if (!newest.has(v.listId)) newest.set(v.listId, v);
    const key = [...newest.values()]
      .map((v) => v.id)
      .sort()
      .join(',');
    if (key === this.#key && this.#index) return false;
    const shipped = this.#loadShipped();
    const lists: ListInService[] = [];
    const entities: ScreeningEntity[] = [];
    for (const meta of shipped.lists) {
      if (newest.has(meta.listId)) continue;
      lists.push({ ...meta, version: 'shipped', importedAt: null });
      entities.push(...shipped.entities.filter((e) => e.listId === meta.listId));
    }
    for (const v of newest.values()) {
      const data = await screening.versionData(this.#db, v.id);
      const decoded = data && decodeSnapshot(data);
      if (!decoded?.ok) continue; // a stored version that no longer decodes is skipped, never half-used
      for (const meta of decoded.value.lists)
        lists.push({ ...meta, version: v.id, importedAt: v.importedAt.toISOString() });
      entities.push(...decoded.value.entities);
    }
    this.#index = buildIndex(
      entities,
      lists.map(({ version: _v, importedAt: _i, ...meta }) => meta),
    );
    this.#lists = lists;
    this.#key = key;
    return true;
  }

  #loadShipped() {
    if (!this.#shipped) {
      const snap = loadSnapshot();
      if (!snap.ok)
        throw new Error(`The shipped sanctions snapshot could not be loaded: ${snap.error.message}`);
      this.#shipped = { lists: snap.value.lists, entities: snap.value.entities };
    }
    return this.#shipped;
  }
}
