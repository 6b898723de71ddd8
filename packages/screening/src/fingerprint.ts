import { createHash } from 'node:crypto';
import type { ScreeningEntity } from './model.ts';

/**
 * A digest of what a list entry says about a person (names, dates, countries, identifiers, programmes).
 * A reviewer's "not this person" holds for one fingerprint: when the list changes the entry, it is judged anew.
 */
export function entityFingerprint(e: ScreeningEntity): string {
  const content = {
    schema: e.schema,
    names: e.names.map((n) => `${n.strength}:${n.name}`).sort(),
    birthDates: [...e.birthDates].sort(),
    nationalities: [...e.nationalities].sort(),
    countries: [...e.countries].sort(),
    gender: e.gender ?? null,
    identifiers: e.identifiers.map((i) => JSON.stringify(i)).sort(),
    programs: [...e.programs].sort(),
    topics: [...e.topics].sort(),
  };
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 32);
}
