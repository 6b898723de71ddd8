import { jaroWinkler } from '@skyra/jaro-winkler';
import { distance } from 'fastest-levenshtein';
import { toCountryCode } from './countries.ts';
import { parseDate } from './dates.ts';
import type { EntitySchema, EntityTopic, ScreeningEntity } from './model.ts';
import { fold, type NameForm, nameForms, phonetic, skeleton } from './normalize.ts';
import { type IndexedName, type ScreeningIndex, tokenKeys, weightFor } from './search-index.ts';
import { charMask, commonCharsBound, plainSimilarityBound } from './similarity-bound.ts';

export interface ScreeningQuery {
  name: string;
  /** YYYY-MM-DD, YYYY-MM or YYYY. */
  dateOfBirth?: string;
  /** Alpha-2, alpha-3 or an English country name. */
  nationality?: string;
  country?: string;
  gender?: 'male' | 'female' | 'M' | 'F';
  type?: EntitySchema;
}

/**
 * Scoring weights. Defaults were measured with bench/screening.bench.ts; the qualifier penalties
 * follow the published values of OpenSanctions' logic-v2 matcher (country -0.2, year of birth
 * -0.15, full date of birth -0.25, gender -0.2, weak alias 0.8).
 */
export interface ScoringWeights {
  /** Weight of a query token with no counterpart in the listed name (a surname the list lacks). */
  extraQueryToken: number;
  /** Weight of a listed-name token the query lacks (a middle name or patronymic left out). */
  extraResultToken: number;
  /** Weight of a listed family name (from "FAMILY, Given" names) the query lacks. */
  extraFamilyToken: number;
  /** Below this similarity two tokens are not paired. */
  minTokenSimilarity: number;
  weakAlias: number;
  countryMismatch: number;
  dobYearMismatch: number;
  dobDayMismatch: number;
  genderMismatch: number;
}

export const DEFAULT_WEIGHTS: ScoringWeights = {
  extraQueryToken: 0.8,
  extraResultToken: 0.1,
  extraFamilyToken: 0.5,
  minTokenSimilarity: 0.72,
  weakAlias: 0.8,
  countryMismatch: -0.2,
  dobYearMismatch: -0.15,
  dobDayMismatch: -0.25,
  genderMismatch: -0.2,
};

export const DEFAULT_THRESHOLD = 0.8;

export interface ScreeningOptions {
  /** Hits at or above this score are matches (0..1). */
  threshold?: number;
  /** Most hits returned. */
  limit?: number;
  /** Also return the best candidates below the threshold, marked match: false. */
  includeNonMatches?: boolean;
  /** Only screen against these lists. */
  listIds?: string[];
  /** Only entities with one of these topics (e.g. ["role.pep"]). */
  topics?: EntityTopic[];
  weights?: Partial<ScoringWeights>;
  /** How many candidate names the first stage hands to scoring. */
  candidates?: number;
}

export type FeatureName = 'name' | 'weak_alias' | 'dob' | 'country' | 'gender';

export interface FeatureExplanation {
  feature: FeatureName;
  /** What the feature added to (or took from) the score. */
  contribution: number;
  detail: string;
}

export interface ScreeningHit {
  entityId: string;
  listId: string;
  /** The list's own reference for the entry. */
  ref: string;
  reference?: string;
  schema: EntitySchema;
  /** The entry's primary name. */
  name: string;
  /** The listed name (primary or alias) that matched best. */
  matchedName: string;
  matchedNameStrength: 'primary' | 'strong' | 'weak';
  score: number;
  match: boolean;
  lists: Array<{ listId: string; title: string; date?: string }>;
  topics: EntityTopic[];
  programs: string[];
  birthDates: string[];
  nationalities: string[];
  explanation: FeatureExplanation[];
}

interface QueryToken {
  /** Position across all forms of the query, for the similarity cache. */
  slot: number;
  text: string;
  id: number;
  weight: number;
  phon: string[];
  skel: string;
  folded: string;
  digit: boolean;
  /** For similarity-bound.ts: letters as bits, first letter, and the same of the folded spelling. */
  mask: number;
  first: number;
  foldedId: number;
  foldedMask: number;
  foldedFirst: number;
}

interface PreparedForm {
  form: NameForm;
  tokens: QueryToken[];
  norm: string;
  sorted: string;
  joined: string;
}

function prepare(index: ScreeningIndex, form: NameForm, firstSlot: number): PreparedForm {
  const count = Math.max(index.entities.length, 10);
  const tokens = form.tokens.map((text, i): QueryToken => {
    const id = index.tokenIds.get(text) ?? -1;
    const info = id >= 0 ? index.tokens[id] : undefined;
    const folded = info ? info.folded : fold(text);
    return {
      slot: firstSlot + i,
      text,
      id,
      weight: info ? info.weight : weightFor(0, count, text),
      phon: info ? info.phon : phonetic(text),
      skel: info ? info.skel : skeleton(text),
      folded,
      digit: info ? info.digit : hasDigit(text),
      mask: charMask(text),
      first: text.charCodeAt(0),
      // a spelling no listed token folds to is equal to none of theirs
      foldedId: index.foldedIds.get(folded) ?? -1,
      foldedMask: charMask(folded),
      foldedFirst: folded.charCodeAt(0),
    };
  });
  return {
    form,
    tokens,
    norm: form.tokens.join(' '),
    sorted: [...form.tokens].sort().join(' '),
    joined: form.tokens.join(''),
  };
}

const DIGIT = /\d/;
const hasDigit = (s: string) => DIGIT.test(s);

/** Edit-distance and Jaro-Winkler agreement of two strings, 0..1. */
function plainSimilarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  // the edit ratio can be no better than the length difference allows
  if (Math.abs(a.length - b.length) / longest > 0.4) return 0;
  return (1 - distance(a, b) / longest + jaroWinkler(a, b)) / 2;
}

/** How tokens are compared: names of people and companies loosely, names of vessels and aircraft strictly. */
export type Comparison = 'name' | 'abjad' | 'strict' | 'org';

/** Similarity of two name tokens, 0..1: edit distance, Jaro-Winkler, phonetic and (across abjads) skeleton agreement. */
export function tokenSimilarity(
  a: string,
  b: string,
  mode: Comparison = 'name',
  pa: string[] = phonetic(a),
  pb: string[] = phonetic(b),
  sa = skeleton(a),
  sb = skeleton(b),
  fa = fold(a),
  fb = fold(b),
): number {
  if (a === b) return 1;
  if (hasDigit(a) || hasDigit(b)) return 0;
  return differentTokenSimilarity(a, b, mode, pa, pb, sa, sb, fa, fb);
}

/** tokenSimilarity for two tokens already known to differ and to hold no digit. */
function differentTokenSimilarity(
  a: string,
  b: string,
  mode: Comparison,
  pa: string[],
  pb: string[],
  sa: string,
  sb: string,
  fa: string,
  fb: string,
): number {
  // a single letter is an initial in a person's name, but a letter of an acronym in a company's
  if (a.length === 1 || b.length === 1) return mode !== 'org' && a[0] === b[0] ? 0.9 : 0;
  if (mode === 'strict') return 1 - distance(a, b) / Math.max(a.length, b.length);
  let sim = plainSimilarity(a, b);
  if (fa !== a || fb !== b) sim = Math.max(sim, 0.95 * (fa === fb ? 1 : plainSimilarity(fa, fb)));
  // sounding alike closes part of the gap ("Poutine"/"Putin", "Mohammed"/"Muhammad"), but only
  // for spellings already close: Double Metaphone also equates "Fattah" and "Fuad"
  if (sim >= 0.6 && Math.min(a.length, b.length) >= 3 && pa.some((p) => pb.includes(p)))
    sim += (1 - sim) * 0.5;
  if (mode === 'abjad' && sa && sb) {
    const skel = 1 - distance(sa, sb) / Math.max(sa.length, sb.length);
    // Two consonants alike are weak evidence: "fwad" (Fuad) and "food" both give "bd". Such a pair counts only when
    // the spellings themselves are alike, not on the skeleton alone.
    if (Math.min(sa.length, sb.length) >= 3) sim = Math.max(sim, skel * 0.9);
  }
  return sim;
}

interface Scorer {
  index: ScreeningIndex;
  w: ScoringWeights;
  cache: SimilarityCache;
}

const MODES: Comparison[] = ['name', 'abjad', 'strict', 'org'];

/**
 * Token-pair similarities of the current query. A listed token gets a small local number the first time the query
 * meets it, and its similarities to every (query token, mode) sit side by side, computed on first use (NaN until
 * then). Screening is bound by memory access, not arithmetic: this keeps one lookup per listed token per name (its
 * stamp and local number are adjacent) and the similarities in a few kilobytes, where a Map, and then one
 * index-sized row per query token, cost most of the scoring time in cache misses. Nothing is cleared between
 * queries: an entry is valid when its stamp is the current query's.
 */
interface SimilarityCache {
  /** Two per index token: the stamp of the query that last met it, and its local number in that query. */
  locals: Int32Array;
  sims: Float64Array;
  /** Similarities per local token: query token slots × comparison modes. */
  width: number;
  used: number;
  query: number;
}

const similarityCaches = new WeakMap<ScreeningIndex, SimilarityCache>();

function similarityCacheFor(index: ScreeningIndex, slots: number): SimilarityCache {
  let cache = similarityCaches.get(index);
  if (!cache || cache.query === 0x7fffffff) {
    // new index, or stamps about to wrap (once every two billion queries): start afresh
    cache = {
      locals: new Int32Array(index.tokens.length * 2),
      sims: new Float64Array(4096),
      width: 0,
      used: 0,
      query: 0,
    };
    similarityCaches.set(index, cache);
  }
  cache.query++;
  cache.used = 0;
  cache.width = slots * MODES.length;
  return cache;
}

/** The query's local number for a listed token, given on first sight with its similarities still to compute. */
function localOf(cache: SimilarityCache, rid: number): number {
  const at = rid * 2;
  if (cache.locals[at] === cache.query) return cache.locals[at + 1]!;
  const local = cache.used++;
  cache.locals[at] = cache.query;
  cache.locals[at + 1] = local;
  const end = (local + 1) * cache.width;
  if (cache.sims.length < end) {
    const grown = new Float64Array(end * 2);
    grown.set(cache.sims.subarray(0, local * cache.width));
    cache.sims = grown;
  }
  cache.sims.fill(Number.NaN, local * cache.width, end);
  return local;
}

function pairSim(
  s: Scorer,
  q: QueryToken,
  rid: number,
  local: number,
  modeNo: number,
  mode: Comparison,
): number {
  // the same token: the query's token ids come from the index's own table
  if (q.id === rid) return 1;
  const cache = s.cache;
  const at = local * cache.width + q.slot * MODES.length + modeNo;
  const known = cache.sims[at]!;
  if (!Number.isNaN(known)) return known;
  // a pair that cannot reach minTokenSimilarity is never paired, so its exact similarity is not needed
  if (cannotPair(s, q, rid, mode)) {
    cache.sims[at] = 0;
    return 0;
  }
  const r = s.index.tokens[rid]!;
  const sim =
    q.digit || r.digit
      ? 0
      : differentTokenSimilarity(q.text, r.text, mode, q.phon, r.phon, q.skel, r.skel, q.folded, r.folded);
  cache.sims[at] = sim;
  return sim;
}

/** Bound on plainSimilarity from the two tokens' lengths and letters, with its early zero for lengths far apart. */
function plainBound(la: number, ma: number, fa: number, lb: number, mb: number, fb: number): number {
  const longest = Math.max(la, lb);
  if (Math.abs(la - lb) / longest > 0.4) return 0;
  const common = commonCharsBound(la, ma, lb, mb);
  return common < 0 ? 1 : plainSimilarityBound(la, lb, common, fa === fb);
}

/**
 * True when differentTokenSimilarity is certainly below minTokenSimilarity, judged from the tokens' letters alone
 * (similarity-bound.ts), so that most pairs a query meets skip edit distance and Jaro-Winkler. Every step of
 * differentTokenSimilarity is bounded in turn; abjad skeletons and initials are not, and are always computed.
 */
function cannotPair(s: Scorer, q: QueryToken, rid: number, mode: Comparison): boolean {
  const ix = s.index;
  const la = q.text.length;
  const lb = ix.tokenLength[rid]!;
  if (mode === 'abjad' || la < 2 || lb < 2) return false;
  const min = s.w.minTokenSimilarity;
  if (mode === 'strict') {
    const common = commonCharsBound(la, q.mask, lb, ix.tokenMask[rid]!);
    return common >= 0 && common / Math.max(la, lb) < min;
  }
  let bound = plainBound(la, q.mask, q.first, lb, ix.tokenMask[rid]!, ix.tokenFirst[rid]!);
  const folded = ix.tokenFolded[rid]!;
  if (bound < min) {
    // the folded spellings are compared when either token folds; bounding them also when neither does (a token
    // that does not fold is its own fold) only loosens the bound
    bound = Math.max(
      bound,
      0.95 *
        (q.foldedId === folded
          ? 1
          : plainBound(
              q.folded.length,
              q.foldedMask,
              q.foldedFirst,
              ix.foldedLength[folded]!,
              ix.foldedMask[folded]!,
              ix.foldedFirst[folded]!,
            )),
    );
  }
  // sounding alike lifts a similarity of 0.6 or more halfway to 1
  if (bound >= 0.6 && Math.min(la, lb) >= 3) return false;
  return bound < min;
}

function joinSimilarity(a: string, b: string, mode: Comparison): number {
  if (a === b) return 1;
  const plain = mode === 'strict' ? 1 - distance(a, b) / Math.max(a.length, b.length) : plainSimilarity(a, b);
  if (mode !== 'abjad') return plain;
  const sa = skeleton(a);
  const sb = skeleton(b);
  // as for single tokens, a short skeleton is weak evidence ("fwad ysa" and "PDVSA" both give "bds")
  return Math.max(plain, sa === sb && sa.length >= 4 ? 0.9 : 0);
}

/**
 * Cheap test before comparing "abdulrahman" with "abdul"+"rahman": same first letter, similar length. It takes
 * lengths and first letters, which the index keeps packed, so that the tokens themselves are read only for the
 * pairs that pass.
 */
function joinable(
  wholeLength: number,
  wholeFirst: number,
  aLength: number,
  aFirst: number,
  bLength: number,
  mode: Comparison,
): boolean {
  if (mode === 'abjad') return true; // vowels come and go across the scripts
  return Math.abs(wholeLength - aLength - bLength) <= 2 && wholeFirst === aFirst;
}

/**
 * Scratch arrays for scoreName, reused across calls (it runs for up to 200 candidate names per query and is
 * never re-entered): allocating them per call was a large share of the screening time.
 */
let scratchSims = new Float64Array(64);
let scratchQ = new Uint8Array(16);
let scratchR = new Uint8Array(16);

function scoreScratch(m: number, n: number) {
  if (scratchSims.length < m * n) scratchSims = new Float64Array(m * n * 2);
  if (scratchQ.length < m) scratchQ = new Uint8Array(m * 2);
  if (scratchR.length < n) scratchR = new Uint8Array(n * 2);
  scratchQ.fill(0, 0, m);
  scratchR.fill(0, 0, n);
  return { sims: scratchSims, usedQ: scratchQ, usedR: scratchR };
}

/** Shared empty list for what is only collected when explaining (never written to otherwise). */
const NO_STRINGS: string[] = [];

/** One token of a pair that is a single letter: an initial, which is weak evidence either way. */
const INITIAL_WEIGHT = 0.2;

/**
 * Aligns query tokens to listed-name tokens in any order and scores the alignment: the weighted
 * mean similarity of paired tokens, where unpaired tokens count as zero with a reduced weight
 * (missing middle names cost little, an extra surname in the query costs a lot). With `explanation`, the
 * alignment is also described there; without, nothing is allocated for the hundreds of names scored per query.
 */
function scoreName(
  s: Scorer,
  q: PreparedForm,
  name: IndexedName,
  mode: Comparison,
  explanation?: { detail: string },
): number {
  const explain = explanation !== undefined;
  if (q.norm === name.norm) {
    if (explain) explanation.detail = `literal match "${name.original}"`;
    return 1;
  }
  if (q.sorted === name.sorted) {
    if (explain) explanation.detail = `same names in another order "${name.original}"`;
    return 1;
  }
  const tokens = s.index.tokens;
  const m = q.tokens.length;
  const n = name.tokens.length;
  const { sims, usedQ, usedR } = scoreScratch(m, n);
  const modeNo = MODES.indexOf(mode);
  for (let j = 0; j < n; j++) {
    const rid = name.tokens[j]!;
    const local = localOf(s.cache, rid);
    for (let i = 0; i < m; i++) sims[i * n + j] = pairSim(s, q.tokens[i]!, rid, local, modeNo, mode);
  }
  let matchedScore = 0;
  let matchedWeight = 0;
  // Explanations only: not allocated for the hundreds of candidates scored without one.
  const pairs: string[] = explain ? [] : NO_STRINGS;
  // Greedy best-first pairing: names are short, and the best pair is almost always right.
  for (let round = 0; round < Math.min(m, n); round++) {
    let best = -1;
    let bi = -1;
    let bj = -1;
    for (let i = 0; i < m; i++) {
      if (usedQ[i]) continue;
      for (let j = 0; j < n; j++) {
        if (usedR[j]) continue;
        const v = sims[i * n + j]!;
        if (v > best) {
          best = v;
          bi = i;
          bj = j;
        }
      }
    }
    if (best < s.w.minTokenSimilarity) break;
    usedQ[bi] = 1;
    usedR[bj] = 1;
    const qt = q.tokens[bi]!;
    const rid = name.tokens[bj]!;
    const weight =
      qt.text.length === 1 || s.index.tokenLength[rid] === 1
        ? INITIAL_WEIGHT
        : (qt.weight + s.index.tokenWeight[rid]!) / 2;
    matchedScore += best * weight;
    matchedWeight += weight;
    if (explain) pairs.push(best === 1 ? qt.text : `${qt.text}~${tokens[rid]!.text} ${best.toFixed(2)}`);
  }
  if (matchedWeight < Math.max(m, n) && m !== n) {
    // A token on one side written as two on the other ("abdulrahman" / "abdul rahman").
    for (let i = 0; i < m; i++) {
      if (usedQ[i]) continue;
      for (let j = 0; j + 1 < n; j++) {
        if (usedR[j] || usedR[j + 1]) continue;
        const ra = name.tokens[j]!;
        const rb = name.tokens[j + 1]!;
        const qt = q.tokens[i]!;
        const ix = s.index;
        if (
          !joinable(
            qt.text.length,
            qt.first,
            ix.tokenLength[ra]!,
            ix.tokenFirst[ra]!,
            ix.tokenLength[rb]!,
            mode,
          )
        )
          continue;
        const a = tokens[ra]!;
        const b = tokens[rb]!;
        const sim = joinSimilarity(q.tokens[i]!.text, a.text + b.text, mode);
        if (sim >= 0.88) {
          usedQ[i] = usedR[j] = usedR[j + 1] = 1;
          const weight = (q.tokens[i]!.weight + Math.max(a.weight, b.weight)) / 2;
          matchedScore += sim * weight;
          matchedWeight += weight;
          if (explain) pairs.push(`${q.tokens[i]!.text}~${a.text}${b.text} ${sim.toFixed(2)}`);
          break;
        }
      }
    }
    for (let j = 0; j < n; j++) {
      if (usedR[j]) continue;
      for (let i = 0; i + 1 < m; i++) {
        if (usedQ[i] || usedQ[i + 1]) continue;
        const rid = name.tokens[j]!;
        const qa = q.tokens[i]!;
        const qb = q.tokens[i + 1]!;
        if (
          !joinable(
            s.index.tokenLength[rid]!,
            s.index.tokenFirst[rid]!,
            qa.text.length,
            qa.first,
            qb.text.length,
            mode,
          )
        )
          continue;
        const r = tokens[rid]!;
        const sim = joinSimilarity(q.tokens[i]!.text + q.tokens[i + 1]!.text, r.text, mode);
        if (sim >= 0.88) {
          usedR[j] = usedQ[i] = usedQ[i + 1] = 1;
          const weight = (Math.max(q.tokens[i]!.weight, q.tokens[i + 1]!.weight) + r.weight) / 2;
          matchedScore += sim * weight;
          matchedWeight += weight;
          if (explain) pairs.push(`${q.tokens[i]!.text}${q.tokens[i + 1]!.text}~${r.text} ${sim.toFixed(2)}`);
          break;
        }
      }
    }
  }
  let extra = 0;
  let numbersQ = '';
  let numbersR = '';
  const missingQ: string[] = explain ? [] : NO_STRINGS;
  const missingR: string[] = explain ? [] : NO_STRINGS;
  for (let i = 0; i < m; i++) {
    const t = q.tokens[i]!;
    if (t.digit) numbersQ += ` ${t.text}`;
    if (usedQ[i]) continue;
    extra += t.weight * s.w.extraQueryToken;
    if (explain) missingQ.push(t.text);
  }
  for (let j = 0; j < n; j++) {
    const rid = name.tokens[j]!;
    if (s.index.tokenDigit[rid]) numbersR += ` ${tokens[rid]!.text}`;
    if (usedR[j]) continue;
    // a family name the query lacks costs more than a missing middle name or patronymic
    extra += s.index.tokenWeight[rid]! * (name.family[j] ? s.w.extraFamilyToken : s.w.extraResultToken);
    if (explain) missingR.push(tokens[rid]!.text);
  }
  const total = matchedWeight + extra;
  let score = total > 0 ? matchedScore / total : 0;
  // "Snow Storm 1" is not "Snow Storm 2": differing numbers are strong evidence of another entity.
  const numberMismatch = numbersQ !== '' && numbersR !== '' && numbersQ !== numbersR;
  if (numberMismatch) score *= 0.7;
  if (!explain) return score;
  let detail = `"${name.original}": ${pairs.join(', ') || 'no token pairs'}`;
  if (missingQ.length) detail += `; not in listed name: ${missingQ.join(' ')}`;
  if (missingR.length) detail += `; listed name has more: ${missingR.join(' ')}`;
  if (numberMismatch) detail += `; numbers differ (${numbersQ.trim()} / ${numbersR.trim()})`;
  explanation.detail = detail;
  return score;
}

/**
 * Per-index scratch arrays, reused across queries: allocating and clearing arrays the size of the whole index
 * on every query cost more than the candidate search itself. Only the touched entries are reset afterwards.
 */
const scratch = new WeakMap<ScreeningIndex, { acc: Float64Array; stamp: Int32Array }>();

function candidateNames(index: ScreeningIndex, forms: PreparedForm[], limit: number): number[] {
  let buffers = scratch.get(index);
  if (!buffers) {
    buffers = {
      acc: new Float64Array(index.names.length),
      stamp: new Int32Array(index.names.length).fill(-1),
    };
    scratch.set(index, buffers);
  }
  const { acc, stamp } = buffers;
  const touched: number[] = [];
  try {
    return collectCandidates(index, forms, limit, acc, stamp, touched);
  } finally {
    for (const i of touched) {
      acc[i] = 0;
      stamp[i] = -1;
    }
  }
}

function collectCandidates(
  index: ScreeningIndex,
  forms: PreparedForm[],
  limit: number,
  acc: Float64Array,
  stamp: Int32Array,
  touched: number[],
): number[] {
  let tokenNo = 0;
  for (const f of forms) {
    // legal forms and initials ("S.A.", "J.") would pull in thousands of names; other tokens find them
    const informative = f.tokens.filter((t) => t.weight > 0.2);
    const seeds = informative.length ? informative : f.tokens;
    const groups: Array<{ keys: string[]; weights: number[] }> = seeds.map((t) => {
      const keys = tokenKeys(t.text, t.phon, t.skel);
      const factor: Record<string, number> = { t: 1, m: 0.8, s: 0.6, p: 0.5 };
      return { keys, weights: keys.map((k) => (factor[k[0]!] ?? 0.5) * t.weight) };
    });
    if (f.tokens.length > 1) {
      const keys = [`j${f.joined}`];
      const js = skeleton(f.joined);
      if (js.length >= 3) keys.push(`s${js}`);
      groups.push({ keys, weights: keys.map((k) => (k[0] === 'j' ? 2 : 1)) });
    }
    for (const g of groups) {
      // keys in descending weight, so a name's first touch by this token is its best
      for (let k = 0; k < g.keys.length; k++) {
        const list = index.postings.get(g.keys[k]!);
        if (!list) continue;
        const w = g.weights[k]!;
        for (let x = 0; x < list.length; x++) {
          const nameIdx = list[x]!;
          if (stamp[nameIdx] === tokenNo) continue;
          if (stamp[nameIdx] === -1) touched.push(nameIdx);
          stamp[nameIdx] = tokenNo;
          acc[nameIdx]! += w;
        }
      }
      tokenNo++;
    }
  }
  if (touched.length <= limit) return [...touched];
  // The cut is the limit-th best score, selected in linear time; only the names at or above it are then ordered
  // (stably, as a sort of all of them would), not the thousands a common name touches.
  const scores = new Float64Array(touched.length);
  for (let i = 0; i < touched.length; i++) scores[i] = acc[touched[i]!]!;
  const cut = nthSmallest(scores, touched.length - limit);
  const kept = touched.filter((nameIdx) => acc[nameIdx]! >= cut);
  kept.sort((a, b) => acc[b]! - acc[a]!);
  // keep ties at the cut so the order of the lists does not decide who is screened
  let end = limit;
  while (end < kept.length && end < limit * 2 && acc[kept[end]!] === cut) end++;
  return kept.slice(0, end);
}

/** The k-th smallest value (0-based) of the array, by quickselect; reorders the array. */
function nthSmallest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k]!;
  }
  return values[k]!;
}

function yearOf(d: string): string {
  return d.slice(0, 4);
}

function dobFeature(
  w: ScoringWeights,
  query: string | undefined,
  listed: string[],
): FeatureExplanation | undefined {
  const q = parseDate(query);
  if (!q || listed.length === 0) return undefined;
  const sharedPrecision = listed.some((d) => d === q || d.startsWith(q) || q.startsWith(d));
  if (sharedPrecision) {
    return { feature: 'dob', contribution: 0, detail: `date of birth ${q} agrees with ${listed.join(', ')}` };
  }
  let contribution = 0;
  const years = new Set(listed.map(yearOf));
  if (!years.has(yearOf(q))) contribution += w.dobYearMismatch;
  const fullListed = listed.filter((d) => d.length === 10);
  if (q.length === 10 && fullListed.length > 0) {
    const flipped = `${q.slice(0, 4)}-${q.slice(8, 10)}-${q.slice(5, 7)}`;
    contribution += fullListed.includes(flipped) ? w.dobDayMismatch * 0.5 : w.dobDayMismatch;
  }
  if (contribution === 0) {
    return {
      feature: 'dob',
      contribution: 0,
      detail: `date of birth ${q} is within listed ${listed.join(', ')}`,
    };
  }
  return {
    feature: 'dob',
    contribution,
    detail: `date of birth ${q} differs from listed ${listed.join(', ')}`,
  };
}

function countryFeature(
  w: ScoringWeights,
  query: ScreeningQuery,
  entity: ScreeningEntity,
): FeatureExplanation | undefined {
  const wanted = [toCountryCode(query.nationality), toCountryCode(query.country)].filter(
    (c): c is string => !!c,
  );
  const listed = [...entity.nationalities, ...entity.countries];
  if (wanted.length === 0 || listed.length === 0) return undefined;
  if (wanted.some((c) => listed.includes(c))) {
    return {
      feature: 'country',
      contribution: 0,
      detail: `country ${wanted.join('/')} is among listed ${listed.join(', ')}`,
    };
  }
  return {
    feature: 'country',
    contribution: w.countryMismatch,
    detail: `country ${wanted.join('/')} is not among listed ${listed.join(', ')}`,
  };
}

function genderFeature(
  w: ScoringWeights,
  query: ScreeningQuery,
  entity: ScreeningEntity,
): FeatureExplanation | undefined {
  if (!query.gender || !entity.gender) return undefined;
  const g = query.gender === 'M' ? 'male' : query.gender === 'F' ? 'female' : query.gender;
  if (g === entity.gender) return { feature: 'gender', contribution: 0, detail: `gender ${g} agrees` };
  return {
    feature: 'gender',
    contribution: w.genderMismatch,
    detail: `gender ${g} differs from listed ${entity.gender}`,
  };
}

function compatible(query: EntitySchema | undefined, listed: EntitySchema): boolean {
  return !query || query === 'unknown' || listed === 'unknown' || query === listed;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Per-entity best score of the current query, reused across queries (see screen). */
interface EntityBests {
  stamp: Int32Array;
  query: number;
  score: Float64Array;
  name: Int32Array;
  form: Int32Array;
  mode: Uint8Array;
}

const entityBests = new WeakMap<ScreeningIndex, EntityBests>();

function entityBestsFor(index: ScreeningIndex): EntityBests {
  let bests = entityBests.get(index);
  if (!bests || bests.query === 0x7fffffff) {
    const count = index.entities.length;
    bests = {
      stamp: new Int32Array(count),
      query: 0,
      score: new Float64Array(count),
      name: new Int32Array(count),
      form: new Int32Array(count),
      mode: new Uint8Array(count),
    };
    entityBests.set(index, bests);
  }
  bests.query++;
  return bests;
}

/**
 * Screens one name (with optional date of birth, nationality, gender and type) against the index.
 * Two stages: candidate names from the inverted index, then an explained score per entity.
 */
export function screen(
  index: ScreeningIndex,
  query: ScreeningQuery,
  options: ScreeningOptions = {},
): ScreeningHit[] {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const limit = options.limit ?? 10;
  const w: ScoringWeights = { ...DEFAULT_WEIGHTS, ...options.weights };
  let slots = 0;
  const forms = nameForms(query.name ?? '', { kanji: true }).map((f) => {
    const prepared = prepare(index, f, slots);
    slots += f.tokens.length;
    return prepared;
  });
  if (forms.length === 0) return [];
  const scorer: Scorer = { index, w, cache: similarityCacheFor(index, slots) };
  const candidates = candidateNames(index, forms, options.candidates ?? 200);

  // Each entity's best name so far, in per-index arrays stamped with this query rather than a Map: the loop runs
  // for every candidate name and the Map's lookups were a large share of it.
  const bests = entityBestsFor(index);
  const stamp = bests.query;
  const touched: number[] = [];
  for (const nameIdx of candidates) {
    const name = index.names[nameIdx]!;
    const entityIdx = name.entity;
    const seen = bests.stamp[entityIdx] === stamp;
    if (seen && bests.score[entityIdx]! >= 1) continue;
    const schema = name.schema;
    if (!compatible(query.type, schema)) continue;
    if (options.listIds || options.topics) {
      const entity = index.entities[entityIdx]!;
      if (options.listIds && !options.listIds.includes(entity.listId)) continue;
      if (options.topics && !entity.topics.some((t) => options.topics!.includes(t))) continue;
    }
    const strict = schema === 'vessel' || schema === 'aircraft';
    for (let formNo = 0; formNo < forms.length; formNo++) {
      const f = forms[formNo]!;
      let score: number;
      const mode: Comparison = strict
        ? 'strict'
        : f.form.abjad || name.abjad
          ? 'abjad'
          : schema === 'organisation'
            ? 'org'
            : 'name';
      if (name.strength === 'weak') {
        // A weak alias ("Abu Ali") is too common to fuzzy-match; only the same words count.
        score = f.norm === name.norm || f.sorted === name.sorted ? w.weakAlias : 0;
      } else {
        score = scoreName(scorer, f, name, mode);
      }
      if (bests.stamp[entityIdx] !== stamp) {
        bests.stamp[entityIdx] = stamp;
        touched.push(entityIdx);
      } else if (score <= bests.score[entityIdx]!) continue;
      bests.score[entityIdx] = score;
      bests.name[entityIdx] = nameIdx;
      bests.form[entityIdx] = formNo;
      bests.mode[entityIdx] = MODES.indexOf(mode);
    }
  }

  // Scores first, explanations last: only the hits that are returned pay for their explanation.
  const scored: {
    entityIdx: number;
    b: { score: number; name: IndexedName; form: PreparedForm; mode: Comparison };
    features: FeatureExplanation[];
    score: number;
    isMatch: boolean;
  }[] = [];
  for (const entityIdx of touched) {
    const b = {
      score: bests.score[entityIdx]!,
      name: index.names[bests.name[entityIdx]!]!,
      form: forms[bests.form[entityIdx]!]!,
      mode: MODES[bests.mode[entityIdx]!]!,
    };
    if (b.score <= 0) continue;
    // qualifiers only ever lower a score: a name below the threshold cannot become a match
    if (!options.includeNonMatches && round(b.score) < threshold) continue;
    const entity = index.entities[entityIdx]!;
    const features: FeatureExplanation[] = [];
    for (const f of [
      dobFeature(w, query.dateOfBirth, entity.birthDates),
      countryFeature(w, query, entity),
      genderFeature(w, query, entity),
    ]) {
      if (f) features.push({ ...f, contribution: round(f.contribution) });
    }
    const score = round(
      Math.min(
        1,
        Math.max(
          0,
          features.reduce((sum, f) => sum + f.contribution, round(b.score)),
        ),
      ),
    );
    const isMatch = score >= threshold;
    if (!isMatch && !options.includeNonMatches) continue;
    scored.push({ entityIdx, b, features, score, isMatch });
  }
  scored.sort(
    (x, y) =>
      y.score - x.score || index.entities[x.entityIdx]!.id.localeCompare(index.entities[y.entityIdx]!.id),
  );

  const hits: ScreeningHit[] = [];
  for (const { entityIdx, b, features, score, isMatch } of scored.slice(0, limit)) {
    const entity = index.entities[entityIdx]!;
    const weak = b.name.strength === 'weak';
    const described = { detail: `weak alias "${b.name.original}" matches literally` };
    if (!weak) scoreName(scorer, b.form, b.name, b.mode, described);
    const detail = described.detail;
    const explanation: FeatureExplanation[] = [
      { feature: weak ? 'weak_alias' : 'name', contribution: round(b.score), detail },
      ...features,
    ];
    const meta = index.lists.find((l) => l.listId === entity.listId);
    const primary = entity.names.find((n) => n.strength === 'primary') ?? entity.names[0];
    hits.push({
      entityId: entity.id,
      listId: entity.listId,
      ref: entity.ref,
      ...(entity.reference ? { reference: entity.reference } : {}),
      schema: entity.schema,
      name: primary?.name ?? b.name.original,
      matchedName: b.name.original,
      matchedNameStrength: b.name.strength,
      score,
      match: isMatch,
      lists: [
        {
          listId: entity.listId,
          title: meta?.title ?? entity.listId,
          ...(meta?.date ? { date: meta.date } : {}),
        },
      ],
      topics: entity.topics,
      programs: entity.programs,
      birthDates: entity.birthDates,
      nationalities: entity.nationalities,
      explanation,
    });
  }
  return hits;
}
