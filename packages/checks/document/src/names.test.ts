import { describe, expect, it } from 'vitest';
import { mrzSpellings, nameScore } from './names.ts';

describe('name matching with ICAO transliteration', () => {
  it('spells names the way an MRZ does', () => {
    expect(mrzSpellings('Müller')).toEqual(['MUELLER', 'MULLER']);
    expect(mrzSpellings('Groß')).toContain('GROSS');
    expect(mrzSpellings('Øster-Åberg')).toContain('OESTER AABERG');
  });
  it.each([
    ['Müller', 'MUELLER'],
    ['Müller', 'MULLER'],
    ['José María', 'JOSE MARIA'],
    ['Maria Anna', 'ANNA MARIA'],
    ['Anna', 'ANNA MARIA'],
    ['de Bruijn', 'DE BRUIJN'],
    ['Cacador de Araujo', 'CACADOR DE ARAUJO'],
    ['Christelle Helene Laurence', 'CHRISTELLE HELENE LAUR'],
  ])('%s matches %s', (expected, read) => {
    expect(nameScore(expected, read)).toBeGreaterThanOrEqual(0.85);
  });
  it.each([
    ['Smith', 'JOHNSON'],
    ['Anna', 'PETER'],
    ['Eriksson', 'MARTIN'],
  ])('%s does not match %s', (expected, read) => {
    expect(nameScore(expected, read)).toBeLessThan(0.85);
  });
});
