import { describe, expect, it } from 'vitest';
import { entityFingerprint } from './fingerprint.ts';
import type { ScreeningEntity } from './model.ts';

const entry: ScreeningEntity = {
  id: 'us-ofac-sdn:1',
  listId: 'us-ofac-sdn',
  ref: '1',
  schema: 'person',
  names: [
    { name: 'Ivan Petrov', strength: 'primary' },
    { name: 'Ivan Petroff', strength: 'weak' },
  ],
  birthDates: ['1970-01-01'],
  birthPlaces: [],
  nationalities: ['ru'],
  countries: [],
  identifiers: [],
  programs: ['UKRAINE-EO13660'],
  topics: ['sanction'],
};

describe('entityFingerprint', () => {
  it('is stable for the same content in any order', () => {
    const reordered = { ...entry, names: [...entry.names].reverse() };
    expect(entityFingerprint(reordered)).toBe(entityFingerprint(entry));
  });

  it('changes when the list changes what it says about the person', () => {
    expect(entityFingerprint({ ...entry, birthDates: ['1971-01-01'] })).not.toBe(entityFingerprint(entry));
    expect(
      entityFingerprint({ ...entry, names: [...entry.names, { name: 'I. Petrov', strength: 'strong' }] }),
    ).not.toBe(entityFingerprint(entry));
  });
});
