import { describe, expect, it } from 'vitest';
import { DICTIONARIES, LANGS, pickLang, translator } from './index.ts';

describe('journey languages', () => {
  const reference = Object.keys(DICTIONARIES.en).sort();
  it.each(LANGS)('%s has every message, each non-empty, with the same placeholders as English', (lang) => {
    const dict = DICTIONARIES[lang] as Record<string, string>;
    expect(Object.keys(dict).sort()).toEqual(reference);
    for (const key of reference) {
      expect(dict[key]!.trim().length, `${lang}.${key}`).toBeGreaterThan(0);
      const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(holes(dict[key]!), `${lang}.${key}`).toEqual(
        holes((DICTIONARIES.en as Record<string, string>)[key]!),
      );
    }
  });

  it('chooses the session locale, then the browser, then English', () => {
    expect(pickLang([null, 'de-CH', 'en'])).toBe('de');
    expect(pickLang(['et-EE'])).toBe('et');
    expect(pickLang(['pt-BR', 'ar-EG'])).toBe('ar');
    expect(pickLang(['ja', 'zh'])).toBe('en');
  });

  it('fills placeholders', () => {
    expect(translator('fr')('stepOf', { n: 2, total: 4 })).toBe('Étape 2 sur 4');
  });
});
