import { createReadStream } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseList } from './importers/index.ts';
import { type ScreeningHit, screen, tokenSimilarity } from './match.ts';
import type { ScreeningEntity } from './model.ts';
import { nameForms, normalizeName } from './normalize.ts';
import { buildIndex, type ScreeningIndex } from './search-index.ts';
import { loadDefaultIndex } from './snapshot.ts';

function person(ref: string, names: string[], extra: Partial<ScreeningEntity> = {}): ScreeningEntity {
  return {
    id: `test:${ref}`,
    listId: 'test',
    ref,
    schema: 'person',
    names: names.map((name, i) => ({ name, strength: i === 0 ? 'primary' : 'strong' })),
    birthDates: [],
    birthPlaces: [],
    nationalities: [],
    countries: [],
    identifiers: [],
    programs: [],
    topics: ['sanction'],
    ...extra,
  };
}

const top = (hits: ScreeningHit[]) => hits[0];

describe('normalisation', () => {
  it('folds case, diacritics, punctuation and honorifics', () => {
    expect(normalizeName('Dr. José  María O’Neill-Pérez')).toBe('jose maria oneill perez');
    expect(normalizeName('Presidente Vladímir Putin')).toBe('vladimir putin');
  });

  it('transliterates Cyrillic, Greek and Arabic to Latin', () => {
    expect(normalizeName('Сергей Викторович Лавров')).toBe('sergey viktorovich lavrov');
    expect(normalizeName('Βλαντίμιρ Πούτιν')).toBe('vlandimir poutin');
    expect(nameForms('محمد علي')[0]).toMatchObject({ abjad: true });
  });

  it('reads Chinese names syllable by syllable and as family name plus given name', () => {
    expect(nameForms('习近平').map((f) => f.tokens.join(' '))).toEqual(['xi jin ping', 'xi jinping']);
  });

  it('folds legal forms and keeps acronyms readable both ways', () => {
    expect(normalizeName('Open Joint Stock Company Gazprom')).toBe('ojsc gazprom');
    expect(nameForms('L.X.C. Aviation').map((f) => f.tokens.join(' '))).toContain('lxc aviation');
  });
});

describe('token similarity', () => {
  it('is high for spelling variants and low for different names', () => {
    expect(tokenSimilarity('mohammed', 'muhammad')).toBeGreaterThan(0.85);
    expect(tokenSimilarity('poutine', 'putin')).toBeGreaterThan(0.85);
    expect(tokenSimilarity('fattah', 'fuad')).toBeLessThan(0.7);
    expect(tokenSimilarity('doe', 'down')).toBeLessThan(0.72);
  });

  it('compares vessel names strictly', () => {
    expect(tokenSimilarity('snow', 'snoe', 'strict')).toBeLessThan(0.8);
  });
});

describe('screening a small list', () => {
  let index: ScreeningIndex;
  beforeAll(() => {
    index = buildIndex([
      person('lavrov', ['LAVROV, Sergei Viktorovich'], {
        birthDates: ['1950-03-21'],
        nationalities: ['ru'],
        gender: 'male',
      }),
      person('haniyeh', ['HANIYEH, Ismail Abdel Salam Ahmed'], { birthDates: ['1962'] }),
      person('smith', ['SMITH, Maria'], { birthDates: ['1980-01-01'] }),
      { ...person('vessel', ['SNOW STORM 1']), schema: 'vessel' },
    ]);
  });

  it('catches a transliterated Cyrillic spelling of a listed person and explains it', () => {
    const hit = top(screen(index, { name: 'Сергей Лавров' }));
    expect(hit?.entityId).toBe('test:lavrov');
    expect(hit?.match).toBe(true);
    expect(hit?.explanation[0]).toMatchObject({ feature: 'name' });
    expect(hit?.explanation[0]?.detail).toMatch(/lavrov/);
  });

  it('ignores token order and a missing middle name or patronymic', () => {
    expect(top(screen(index, { name: 'Lavrov Sergei' }))?.score).toBeGreaterThanOrEqual(0.8);
    expect(top(screen(index, { name: 'Ismail Haniyeh' }))?.entityId).toBe('test:haniyeh');
  });

  it('catches a misspelling', () => {
    expect(top(screen(index, { name: 'Serei Lavrov' }))?.entityId).toBe('test:lavrov');
  });

  it('lowers the score when the date of birth, nationality or gender disagree', () => {
    const same = top(screen(index, { name: 'Sergei Lavrov', dateOfBirth: '1950-03-21' }))!;
    const other = top(
      screen(index, { name: 'Sergei Lavrov', dateOfBirth: '1985-07-02' }, { includeNonMatches: true }),
    )!;
    expect(other.score).toBeLessThan(same.score - 0.3);
    expect(other.match).toBe(false);
    expect(other.explanation.find((e) => e.feature === 'dob')?.contribution).toBeLessThan(0);
    const abroad = top(
      screen(index, { name: 'Sergei Lavrov', nationality: 'FRA' }, { includeNonMatches: true }),
    )!;
    expect(abroad.explanation.find((e) => e.feature === 'country')?.contribution).toBe(-0.2);
    const woman = top(screen(index, { name: 'Sergei Lavrov', gender: 'F' }, { includeNonMatches: true }))!;
    expect(woman.explanation.find((e) => e.feature === 'gender')?.contribution).toBe(-0.2);
  });

  it('does not hit unrelated common names', () => {
    expect(screen(index, { name: 'John Smith' })).toEqual([]);
    expect(screen(index, { name: 'Maria Garcia' })).toEqual([]);
  });

  it('keeps people, companies and vessels apart when the type is given', () => {
    expect(screen(index, { name: 'Snow Storm 1', type: 'person' })).toEqual([]);
    expect(top(screen(index, { name: 'Snow Storm 1', type: 'vessel' }))?.entityId).toBe('test:vessel');
    expect(screen(index, { name: 'Snow Storm 2' })).toEqual([]);
  });

  it('matches weak aliases only literally', () => {
    const idx = buildIndex([
      {
        ...person('w', ['AL-TIKRITI, Saddam Hussein']),
        names: [
          { name: 'AL-TIKRITI, Saddam Hussein', strength: 'primary' },
          { name: 'Abu Ali', strength: 'weak' },
        ],
      },
    ]);
    const hit = top(screen(idx, { name: 'Abu Ali' }))!;
    expect(hit.explanation[0]).toMatchObject({ feature: 'weak_alias', contribution: 0.8 });
    expect(screen(idx, { name: 'Abu Alia' })).toEqual([]);
  });
});

describe('screening the shipped snapshot', () => {
  let index: ScreeningIndex;
  beforeAll(() => {
    const r = loadDefaultIndex();
    if (!r.ok) throw new Error(r.error.message);
    index = r.value;
  });

  it('catches a listed person by the name and date of birth on a document, with the list entry', () => {
    const hits = screen(index, {
      name: 'Saddam Hussein Al-Tikriti',
      dateOfBirth: '1937-04-28',
      type: 'person',
    });
    const lists = hits.map((h) => h.listId);
    expect(lists).toContain('us-ofac-sdn');
    expect(lists).toContain('un-sc-consolidated');
    const un = hits.find((h) => h.listId === 'un-sc-consolidated')!;
    expect(un).toMatchObject({ reference: 'IQi.001', match: true });
    expect(un.lists[0]).toMatchObject({ title: 'UN Security Council Consolidated List', date: '2026-02-27' });
  });

  it('catches the same person written in Arabic script', () => {
    const hits = screen(index, { name: 'صدام حسين التكريتي' });
    expect(hits.some((h) => h.reference === 'IQi.001')).toBe(true);
  });

  it('does not take two shared consonants of a name in Arabic script for a match', () => {
    // فؤاد (Fuad) and "food" share only the skeleton "bd"; Fuad Issa is no company of the shipped lists
    const fuad = screen(index, { name: 'فؤاد عيسى' });
    expect(fuad.map((h) => `${h.matchedName} ${h.score}`)).toEqual([]);
  });
});

it('imports, indexes and screens a list end to end', async () => {
  const list = await parseList(
    'eu-fsf-xml',
    createReadStream(new URL('../fixtures/eu-fsf-excerpt.xml', import.meta.url)),
  );
  if (!list.ok) throw new Error(list.error.message);
  const index = buildIndex(list.value.entities, [list.value.meta]);
  const hit = top(screen(index, { name: 'Robert Mugabe', dateOfBirth: '1924-02-21' }))!;
  expect(hit).toMatchObject({ entityId: 'eu-fsf:1', reference: 'EU.36.64', match: true });
});
