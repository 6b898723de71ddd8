import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Envelope } from './envelope.ts';

describe('Envelope (AES-256-GCM)', () => {
  const env = new Envelope(randomBytes(32));

  it('round-trips bytes and never stores the plaintext', () => {
    const plain = Buffer.from('passport photo bytes');
    const sealed = env.seal(plain, 'med_1');
    expect(sealed.includes(plain)).toBe(false);
    expect(env.open(sealed, 'med_1')).toEqual(plain);
  });

  it('refuses a blob bound to another id (files cannot be swapped)', () => {
    const sealed = env.seal(Buffer.from('x'), 'med_1');
    expect(() => env.open(sealed, 'med_2')).toThrow();
  });

  it('refuses a tampered blob', () => {
    const sealed = env.seal(Buffer.from('hello world'), 'a');
    sealed[sealed.length - 20]! ^= 1;
    expect(() => env.open(sealed, 'a')).toThrow();
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new Envelope(randomBytes(16))).toThrow(/32 bytes/);
  });
});
