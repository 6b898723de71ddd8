import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Envelope } from '../crypto/envelope.ts';

/** Media bytes on local disk, each file sealed with AES-256-GCM and bound to its storage key. */
export class EncryptedFileStore {
  readonly #root: string;
  readonly #envelope: Envelope;
  constructor(root: string, envelope: Envelope) {
    this.#root = root;
    this.#envelope = envelope;
  }

  #path(key: string): string {
    if (!/^[a-z0-9_/]+$/.test(key) || key.includes('..')) throw new Error('Invalid storage key.');
    return join(this.#root, `${key}.bin`);
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    // Write then rename, so a crash never leaves a half-written file under the final name.
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, this.#envelope.seal(bytes, key), { mode: 0o600 });
    await rename(tmp, path);
  }

  async get(key: string): Promise<Buffer> {
    return this.#envelope.open(await readFile(this.#path(key)), key);
  }

  async delete(key: string): Promise<void> {
    await rm(this.#path(key), { force: true });
  }

  /** Raw bytes as stored on disk (for tests that prove encryption at rest). */
  async readRaw(key: string): Promise<Buffer> {
    return readFile(this.#path(key));
  }
}
