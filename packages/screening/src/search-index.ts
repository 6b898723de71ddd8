import type { EntitySchema, ListMeta, NameStrength, ScreeningEntity } from './model.ts';
import { fold, nameForms, ORG_FORMS, phonetic, skeleton } from './normalize.ts';
import { charMask } from './similarity-bound.ts';

export interface TokenInfo {
  text: string;
  /** Entities whose names contain the token. */
  df: number;
  /** 0.25..1: rare tokens say more about who someone is than "mohammed" or "ltd" do. */
  weight: number;
  phon: string[];
  skel: string;
  folded: string;
  digit: boolean;
}

export interface IndexedName {
  entity: number;
  /** The entity's schema, kept here so scoring need not load the entity. */
  schema: EntitySchema;
  strength: NameStrength;
  original: string;
  tokens: Int32Array;
  /** Tokens joined by spaces, and sorted, for literal comparison regardless of order. */
  norm: string;
  sorted: string;
  /** Tokens joined without spaces, for names written with different spacing ("Abdul Rahman"). */
  joined: string;
  abjad: boolean;
  /** 1 where the token is a family name: the part before the comma of "FAMILY, Given" names. */
  family: Uint8Array;
}

/**
 * The in-memory screening index: every name of every entity, tokenised once, with an inverted
 * index from token, phonetic and consonant-skeleton keys to names for candidate generation.
 */
export interface ScreeningIndex {
  entities: ScreeningEntity[];
  lists: ListMeta[];
  tokens: TokenInfo[];
  /**
   * The tokens' weight, length and digit flag by token id, densely packed: scoring reads them for every token of
   * every candidate name, and loading scattered token objects for it cost more than the arithmetic.
   */
  tokenWeight: Float64Array;
  tokenLength: Int32Array;
  tokenDigit: Uint8Array;
  /**
   * What similarity-bound.ts needs to rule a token pair out without reading either token: each token's letters as
   * bits and its first letter, and the same of its folded spelling (folded forms are numbered, so that two tokens
   * with the same folded spelling can be told by their numbers).
   */
  tokenMask: Int32Array;
  tokenFirst: Int32Array;
  tokenFolded: Int32Array;
  foldedIds: Map<string, number>;
  foldedLength: Int32Array;
  foldedMask: Int32Array;
  foldedFirst: Int32Array;
  tokenIds: Map<string, number>;
  names: IndexedName[];
  postings: Map<string, Int32Array>;
  buildMs: number;
}

/** Keys a token contributes to candidate generation; the prefix letter says which kind. */
export function tokenKeys(text: string, phon: string[], skel: string): string[] {
  const keys = [`t${text}`];
  for (const p of phon) keys.push(`m${p}`);
  if (skel.length >= 2) keys.push(`s${skel}`);
  // a shared beginning catches endings that differ by language ("Putinas", "Alexandros")
  if (text.length >= 5) keys.push(`p${text.slice(0, 4)}`);
  return keys;
}

export function weightFor(df: number, entityCount: number, text?: string): number {
  if (text !== undefined && (ORG_FORMS.has(text) || text.length === 1)) return 0.2;
  if (df <= 3) return 1;
  // log-scaled inverse frequency, floored so common names still count for something
  const idf = Math.log(entityCount / df) / Math.log(entityCount / 3);
  return Math.min(1, Math.max(0.25, idf));
}

export function buildIndex(entities: ScreeningEntity[], lists: ListMeta[] = []): ScreeningIndex {
  const started = performance.now();
  const tokenIds = new Map<string, number>();
  const tokens: TokenInfo[] = [];
  const names: IndexedName[] = [];
  const postingLists = new Map<string, number[]>();
  const lastEntity: number[] = [];

  const post = (key: string, nameIdx: number) => {
    let list = postingLists.get(key);
    if (!list) {
      list = [];
      postingLists.set(key, list);
    }
    if (list[list.length - 1] !== nameIdx) list.push(nameIdx);
  };

  entities.forEach((entity, entityIdx) => {
    for (const name of entity.names) {
      const comma = entity.schema === 'person' ? name.name.indexOf(',') : -1;
      const familyTokens = new Set(comma > 0 ? (nameForms(name.name.slice(0, comma))[0]?.tokens ?? []) : []);
      for (const form of nameForms(name.name)) {
        const ids = new Int32Array(form.tokens.length);
        form.tokens.forEach((t, i) => {
          let id = tokenIds.get(t);
          if (id === undefined) {
            id = tokens.length;
            tokenIds.set(t, id);
            tokens.push({
              text: t,
              df: 0,
              weight: 1,
              phon: phonetic(t),
              skel: skeleton(t),
              folded: fold(t),
              digit: /\d/.test(t),
            });
            lastEntity.push(-1);
          }
          if (lastEntity[id] !== entityIdx) {
            lastEntity[id] = entityIdx;
            tokens[id]!.df++;
          }
          ids[i] = id;
        });
        const nameIdx = names.length;
        const joined = form.tokens.join('');
        names.push({
          entity: entityIdx,
          schema: entity.schema,
          strength: name.strength,
          original: name.name,
          tokens: ids,
          norm: form.tokens.join(' '),
          sorted: [...form.tokens].sort().join(' '),
          joined,
          abjad: form.abjad,
          family: Uint8Array.from(form.tokens, (t) => (familyTokens.has(t) ? 1 : 0)),
        });
        for (const id of ids) {
          const info = tokens[id]!;
          for (const key of tokenKeys(info.text, info.phon, info.skel)) post(key, nameIdx);
        }
        if (form.tokens.length > 1) {
          post(`j${joined}`, nameIdx);
          const js = skeleton(joined);
          if (js.length >= 3) post(`s${js}`, nameIdx);
        }
      }
    }
  });
  for (const t of tokens) t.weight = weightFor(t.df, Math.max(entities.length, 10), t.text);
  const tokenWeight = Float64Array.from(tokens, (t) => t.weight);
  const tokenLength = Int32Array.from(tokens, (t) => t.text.length);
  const tokenDigit = Uint8Array.from(tokens, (t) => (t.digit ? 1 : 0));
  const foldedIds = new Map<string, number>();
  const tokenFolded = Int32Array.from(tokens, (t) => {
    let id = foldedIds.get(t.folded);
    if (id === undefined) {
      id = foldedIds.size;
      foldedIds.set(t.folded, id);
    }
    return id;
  });
  const folds = [...foldedIds.keys()];
  const postings = new Map<string, Int32Array>();
  for (const [k, v] of postingLists) postings.set(k, Int32Array.from(v));
  return {
    entities,
    lists,
    tokens,
    tokenWeight,
    tokenLength,
    tokenDigit,
    tokenMask: Int32Array.from(tokens, (t) => charMask(t.text)),
    tokenFirst: Int32Array.from(tokens, (t) => t.text.charCodeAt(0)),
    tokenFolded,
    foldedIds,
    foldedLength: Int32Array.from(folds, (f) => f.length),
    foldedMask: Int32Array.from(folds, charMask),
    foldedFirst: Int32Array.from(folds, (f) => f.charCodeAt(0)),
    tokenIds,
    names,
    postings,
    buildMs: performance.now() - started,
  };
}
