import { describe, expect, it } from 'vitest';
import { hasPrefix, newId } from './ids.ts';

describe('newId', () => {
  it('carries its prefix and 26 base32 characters', () => {
    const id = newId('ses');
    expect(id).toMatch(/^ses_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(hasPrefix(id, 'ses')).toBe(true);
    expect(hasPrefix(id, 'med')).toBe(false);
  });

  it('sorts by creation time', () => {
    const a = newId('ses', Date.UTC(2031, 0, 1));
    const b = newId('ses', Date.UTC(2031, 0, 1, 0, 0, 1));
    const c = newId('ses', Date.UTC(2032, 5, 1));
    expect([c, a, b].sort()).toEqual([a, b, c]);
  });

  it('keeps ids made in the same millisecond in the order they were made', () => {
    const ids = Array.from({ length: 1000 }, () => newId('evt', 1_800_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    // A clock that steps back does not break the order either.
    const later = newId('evt', 1_700_000_000_000);
    expect(later > ids.at(-1)!).toBe(true);
  });

  it('does not repeat across many ids (including refills of the random pool)', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20_000; i++) ids.add(newId('evt', 0));
    expect(ids.size).toBe(20_000);
  });
});
