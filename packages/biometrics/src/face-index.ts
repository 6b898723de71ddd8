import { BiometricsError } from './errors.ts';

export interface FaceIndexHit<M> {
  id: string;
  similarity: number;
  meta: M;
}

export interface FaceIndexOptions {
  /** Embedding length (512 for the default embedder). */
  dimension: number;
  /** Up to this many entries every search is an exact scan; above it, a sign-bit prefilter picks candidates. */
  exactScanLimit?: number;
  /** Candidates kept by the prefilter and re-ranked exactly: max(minCandidates, size × candidateFraction). */
  minCandidates?: number;
  candidateFraction?: number;
}

const INITIAL_CAPACITY = 1024;

/**
 * In-memory 1:N index of unit-length face embeddings with exact cosine similarity.
 *
 * Vectors live in one contiguous Float32Array (a 512-d entry is 2 KiB). Past `exactScanLimit` entries a
 * full scan gets slow in JavaScript (≈0.5 s at 1M), so each vector also keeps its sign bits (64 B at 512-d):
 * the Hamming distance between sign bits tracks the angle between vectors (SimHash), is ~7× cheaper to
 * scan, and the best candidates by it are then re-ranked with the exact dot product. Removal swaps the last
 * entry into the hole, so storage stays dense.
 */
export class FaceIndex<M = unknown> {
  readonly dimension: number;
  readonly #words: number;
  readonly #exactScanLimit: number;
  readonly #minCandidates: number;
  readonly #candidateFraction: number;
  #vectors: Float32Array;
  #bits: Uint32Array;
  #ids: string[] = [];
  #meta: M[] = [];
  #slot = new Map<string, number>();

  constructor(options: FaceIndexOptions) {
    if (!Number.isInteger(options.dimension) || options.dimension < 1) {
      throw new BiometricsError('INVALID_EMBEDDING', 'dimension must be a positive integer');
    }
    this.dimension = options.dimension;
    this.#words = Math.ceil(options.dimension / 32);
    this.#exactScanLimit = options.exactScanLimit ?? 20_000;
    this.#minCandidates = options.minCandidates ?? 1000;
    this.#candidateFraction = options.candidateFraction ?? 0.002;
    this.#vectors = new Float32Array(INITIAL_CAPACITY * this.dimension);
    this.#bits = new Uint32Array(INITIAL_CAPACITY * this.#words);
  }

  get size(): number {
    return this.#ids.length;
  }

  /** Bytes held by vectors and sign bits (allocated capacity, not only the used part). */
  get bytes(): number {
    return this.#vectors.byteLength + this.#bits.byteLength;
  }

  has(id: string): boolean {
    return this.#slot.has(id);
  }

  /** Adds or replaces the entry `id`. The embedding is copied and normalised. */
  add(id: string, embedding: ArrayLike<number>, meta: M): void {
    const v = this.#checked(embedding);
    let slot = this.#slot.get(id);
    if (slot === undefined) {
      slot = this.#ids.length;
      this.#grow(slot + 1);
      this.#ids.push(id);
      this.#meta.push(meta);
      this.#slot.set(id, slot);
    } else {
      this.#meta[slot] = meta;
    }
    this.#vectors.set(v, slot * this.dimension);
    this.#bits.set(signBits(v, this.#words), slot * this.#words);
  }

  /** Removes `id`; returns whether it was there. */
  remove(id: string): boolean {
    const slot = this.#slot.get(id);
    if (slot === undefined) return false;
    const last = this.#ids.length - 1;
    if (slot !== last) {
      const d = this.dimension;
      const w = this.#words;
      this.#vectors.copyWithin(slot * d, last * d, (last + 1) * d);
      this.#bits.copyWithin(slot * w, last * w, (last + 1) * w);
      const movedId = this.#ids[last]!;
      this.#ids[slot] = movedId;
      this.#meta[slot] = this.#meta[last]!;
      this.#slot.set(movedId, slot);
    }
    this.#ids.pop();
    this.#meta.pop();
    this.#slot.delete(id);
    return true;
  }

  /** The `k` most similar entries with similarity ≥ `minSimilarity`, best first. */
  search(embedding: ArrayLike<number>, k: number, minSimilarity = -1): FaceIndexHit<M>[] {
    const q = this.#checked(embedding);
    const n = this.#ids.length;
    if (n === 0 || k < 1) return [];
    const candidates =
      n <= this.#exactScanLimit
        ? null
        : this.#prefilter(q, Math.max(this.#minCandidates, Math.ceil(n * this.#candidateFraction), k));
    const best = new TopK(k);
    const d = this.dimension;
    const vs = this.#vectors;
    const score = (slot: number) => {
      const o = slot * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let i = 0;
      // Four accumulators let the JIT overlap the multiply-adds (≈2× a single running sum).
      for (; i + 3 < d; i += 4) {
        s0 += vs[o + i]! * q[i]!;
        s1 += vs[o + i + 1]! * q[i + 1]!;
        s2 += vs[o + i + 2]! * q[i + 2]!;
        s3 += vs[o + i + 3]! * q[i + 3]!;
      }
      for (; i < d; i++) s0 += vs[o + i]! * q[i]!;
      const s = s0 + s1 + s2 + s3;
      if (s >= minSimilarity) best.offer(slot, s);
    };
    if (candidates) for (const slot of candidates) score(slot);
    else for (let slot = 0; slot < n; slot++) score(slot);
    return best.sorted().map(([slot, similarity]) => ({
      id: this.#ids[slot]!,
      similarity,
      meta: this.#meta[slot]!,
    }));
  }

  /** Slots of the `count` entries with the fewest differing sign bits from the query. */
  #prefilter(q: Float32Array, count: number): Int32Array {
    const n = this.#ids.length;
    const w = this.#words;
    const qb = signBits(q, w);
    const bits = this.#bits;
    const dist = new Uint16Array(n);
    const histogram = new Uint32Array(w * 32 + 1);
    for (let slot = 0; slot < n; slot++) {
      let c = 0;
      const o = slot * w;
      for (let j = 0; j < w; j++) c += popcount(bits[o + j]! ^ qb[j]!);
      dist[slot] = c;
      histogram[c]!++;
    }
    // The smallest distance cutoff that keeps at least `count` entries.
    let cutoff = 0;
    for (let seen = 0; cutoff < histogram.length; cutoff++) {
      seen += histogram[cutoff]!;
      if (seen >= count) break;
    }
    const out: number[] = [];
    for (let slot = 0; slot < n; slot++) if (dist[slot]! <= cutoff) out.push(slot);
    return Int32Array.from(out);
  }

  #checked(embedding: ArrayLike<number>): Float32Array {
    if (embedding.length !== this.dimension) {
      throw new BiometricsError(
        'INVALID_EMBEDDING',
        `expected ${this.dimension} values, got ${embedding.length}`,
      );
    }
    const v = Float32Array.from(embedding);
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
    if (!Number.isFinite(s) || s === 0) {
      throw new BiometricsError('INVALID_EMBEDDING', 'the embedding is zero or not finite');
    }
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < v.length; i++) v[i] = v[i]! * inv;
    return v;
  }

  #grow(needed: number): void {
    const capacity = this.#vectors.length / this.dimension;
    if (needed <= capacity) return;
    const next = Math.max(needed, Math.ceil(capacity * 1.5));
    const vectors = new Float32Array(next * this.dimension);
    vectors.set(this.#vectors);
    this.#vectors = vectors;
    const bits = new Uint32Array(next * this.#words);
    bits.set(this.#bits);
    this.#bits = bits;
  }
}

function signBits(v: Float32Array, words: number): Uint32Array {
  const out = new Uint32Array(words);
  for (let i = 0; i < v.length; i++) if (v[i]! > 0) out[i >> 5]! |= 1 << (i & 31);
  return out;
}

function popcount(x: number): number {
  let y = x >>> 0;
  y -= (y >>> 1) & 0x55555555;
  y = (y & 0x33333333) + ((y >>> 2) & 0x33333333);
  return Math.imul((y + (y >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Keeps the k best (slot, score) pairs in a small min-heap. */
class TopK {
  readonly #k: number;
  readonly #heap: [number, number][] = [];

  constructor(k: number) {
    this.#k = k;
  }

  offer(slot: number, score: number): void {
    const h = this.#heap;
    if (h.length < this.#k) {
      h.push([slot, score]);
      let i = h.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (h[p]![1] <= h[i]![1]) break;
        [h[p], h[i]] = [h[i]!, h[p]!];
        i = p;
      }
      return;
    }
    if (score <= h[0]![1]) return;
    h[0] = [slot, score];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l]![1] < h[m]![1]) m = l;
      if (r < h.length && h[r]![1] < h[m]![1]) m = r;
      if (m === i) break;
      [h[m], h[i]] = [h[i]!, h[m]!];
      i = m;
    }
  }

  sorted(): [number, number][] {
    return [...this.#heap].sort((a, b) => b[1] - a[1]);
  }
}
