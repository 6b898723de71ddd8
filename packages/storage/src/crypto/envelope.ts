import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM with a random 96-bit nonce per message. Layout: "OIDV1" | nonce(12) | ciphertext | tag(16).
 * The associated data binds a ciphertext to what it belongs to (e.g. a media id) so files cannot be swapped.
 */
const MAGIC = Buffer.from('OIDV1');

export class Envelope {
  readonly #key: Buffer;
  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('The master key must be 32 bytes (AES-256).');
    this.#key = key;
  }

  seal(plaintext: Buffer, associatedData: string): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(Buffer.from(associatedData));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([MAGIC, nonce, body, cipher.getAuthTag()]);
  }

  open(sealed: Buffer, associatedData: string): Buffer {
    if (sealed.length < MAGIC.length + 28 || !sealed.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new Error('Not an openidv encrypted blob.');
    }
    const nonce = sealed.subarray(MAGIC.length, MAGIC.length + 12);
    const tag = sealed.subarray(sealed.length - 16);
    const body = sealed.subarray(MAGIC.length + 12, sealed.length - 16);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, nonce);
    decipher.setAAD(Buffer.from(associatedData));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  }

  /** A 256-bit key for one purpose (e.g. keyed digests), derived from the master key with HKDF-SHA256. */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.#key, Buffer.alloc(0), `openidv:${purpose}`, 32));
  }

  sealString(text: string, associatedData: string): string {
    return this.seal(Buffer.from(text, 'utf8'), associatedData).toString('base64');
  }

  openString(sealed: string, associatedData: string): string {
    return this.open(Buffer.from(sealed, 'base64'), associatedData).toString('utf8');
  }
}
