import { FaceIndex } from '@openidv/biometrics';
import type { FaceTemplateHit, FaceTemplates } from '@openidv/domain';
import { type Envelope, type Executor, type FaceTemplateRow, faces } from '@openidv/storage';

const DIMENSION = 512;

interface Meta {
  kind: FaceTemplateRow['kind'];
  sessionId: string | null;
  vendorData: string | null;
  note: string | null;
}

/**
 * Each application's face templates in memory (FaceIndex: exact search up to 20k faces, a bit-signature
 * prefilter above), loaded lazily from the sealed rows and kept in step with the database: a search first
 * compares a cheap version (count and last id) and loads only what changed.
 */
export class FaceTemplateStore implements FaceTemplates {
  readonly #db: Executor;
  readonly #envelope: Envelope;
  readonly #indexes = new Map<string, { index: FaceIndex<Meta>; version: string; lastId: string }>();

  constructor(db: Executor, envelope: Envelope) {
    this.#db = db;
    this.#envelope = envelope;
  }

  seal(id: string, embedding: Float32Array): string {
    return this.#envelope
      .seal(Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength), `face:${id}`)
      .toString('base64');
  }

  #open(row: FaceTemplateRow): Float32Array {
    const bytes = this.#envelope.open(Buffer.from(row.embeddingEnc, 'base64'), `face:${row.id}`);
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }

  async #load(applicationId: string): Promise<FaceIndex<Meta>> {
    const version = await faces.faceTemplatesVersion(this.#db, applicationId);
    let entry = this.#indexes.get(applicationId);
    if (entry && entry.version === version) return entry.index;
    const [count] = version.split(':');
    // Rows only added since the last load: add those. Anything else (a deletion): rebuild.
    const incremental = entry && Number(count) >= entry.index.size;
    if (!entry || !incremental) {
      entry = { index: new FaceIndex<Meta>({ dimension: DIMENSION }), version: '', lastId: '' };
    }
    for (const row of await faces.listFaceTemplates(this.#db, applicationId, entry.lastId)) {
      entry.index.add(row.id, this.#open(row), {
        kind: row.kind,
        sessionId: row.sessionId,
        vendorData: row.vendorData,
        note: row.note,
      });
      entry.lastId = row.id;
    }
    if (entry.index.size !== Number(count)) {
      // Rows were deleted while others were added: start over once.
      this.#indexes.delete(applicationId);
      return this.#load(applicationId);
    }
    entry.version = version;
    this.#indexes.set(applicationId, entry);
    return entry.index;
  }

  async search(
    applicationId: string,
    embedding: Float32Array,
    options: { kind: 'approved' | 'blocklist'; minSimilarity: number; limit: number },
  ): Promise<FaceTemplateHit[]> {
    const index = await this.#load(applicationId);
    // Both kinds share one index; ask for enough neighbours to fill the limit with the wanted kind.
    const hits = index.search(embedding, Math.min(index.size, options.limit * 4 + 20), options.minSimilarity);
    return hits
      .filter((h) => h.meta.kind === options.kind)
      .slice(0, options.limit)
      .map((h) => ({
        templateId: h.id,
        kind: h.meta.kind,
        sessionId: h.meta.sessionId,
        vendorData: h.meta.vendorData,
        similarity: h.similarity,
        note: h.meta.note,
      }));
  }

  /** The number of templates held for an application (loads it). */
  async size(applicationId: string): Promise<number> {
    return (await this.#load(applicationId)).size;
  }
}
