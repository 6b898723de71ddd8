import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ListFormat, ParsedList } from '../model.ts';
import { parseList } from './index.ts';

const fixture = (name: string) => new URL(`../../fixtures/${name}`, import.meta.url);
const text = (name: string) => readFileSync(fixture(name), 'utf8');

async function parsed(
  format: ListFormat,
  input: Parameters<typeof parseList>[1],
  options = {},
): Promise<ParsedList> {
  const r = await parseList(format, input, options);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

function ofacCsvParts() {
  const files = { sdn: 'sdn.csv', alt: 'alt.csv', add: 'add.csv', comments: 'sdn_comments.csv' };
  return Object.fromEntries(
    Object.entries(files).map(([k, f]) => [k, createReadStream(fixture(`ofac-csv/${f}`))]),
  );
}

describe('OFAC SDN legacy CSV', () => {
  it('reads entries with their aliases, weak aliases from remarks, dates and places of birth, ids and countries', async () => {
    const list = await parsed('ofac-sdn-csv', ofacCsvParts(), { date: '2021-07-07' });
    expect(list.meta).toMatchObject({ listId: 'us-ofac-sdn', date: '2021-07-07', entityCount: 6 });
    const marzook = list.entities.find((e) => e.ref === '3754')!;
    expect(marzook.schema).toBe('person');
    expect(marzook.names).toContainEqual({ name: 'ABU MARZOOK, Mousa Mohammed', strength: 'primary' });
    expect(marzook.names).toContainEqual({ name: 'MARZUK, Musa Abu', strength: 'strong' });
    expect(marzook.names).toContainEqual({ name: "ABU-'UMAR", strength: 'weak' });
    expect(marzook.birthDates).toEqual(['1951-02-09']);
    expect(marzook.birthPlaces).toEqual(['Gaza, Egypt']);
    expect(marzook.identifiers).toContainEqual({ type: 'Passport', number: '92/664', country: 'eg' });
    const saddam = list.entities.find((e) => e.ref === '7843')!;
    expect(saddam.nationalities).toEqual(['iq']);
    expect(list.entities.find((e) => e.ref === '4234')).toMatchObject({
      schema: 'vessel',
      countries: ['cu'],
    });
    expect(list.entities.find((e) => e.ref === '306')).toMatchObject({ schema: 'organisation' });
  });

  it('joins the remarks continued in sdn_comments.csv', async () => {
    const list = await parsed('ofac-sdn-csv', ofacCsvParts());
    const li = list.entities.find((e) => e.ref === '28264')!;
    expect(li.names.map((n) => n.name)).toEqual(
      expect.arrayContaining(['LI, Jiadong', 'blackjack1987', 'khaleesi']),
    );
    expect(li.identifiers).toContainEqual({
      type: 'Identification Number',
      number: '210302198701102136',
      country: 'cn',
    });
    expect(li).toMatchObject({ gender: 'male', nationalities: ['cn'], birthDates: ['1987-01-10'] });
  });

  it('rejects a truncated sdn.csv instead of returning the rows before the cut', async () => {
    const full = text('ofac-csv/sdn.csv');
    const cut = full.slice(0, full.indexOf('SDGT') + 10);
    const r = await parseList('ofac-sdn-csv', { sdn: cut });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('LIST_TRUNCATED');
  });

  it('rejects a file of another format', async () => {
    const r = await parseList('ofac-sdn-csv', { sdn: text('uk-conlist-excerpt.csv') });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('LIST_WRONG_FORMAT');
  });
});

describe('OFAC SDN XML', () => {
  it('reads strong and weak a.k.a.s, ids, gender, dates and the publish date', async () => {
    const list = await parsed('ofac-sdn-xml', createReadStream(fixture('ofac-sdn-excerpt.xml')));
    expect(list.meta).toMatchObject({ date: '2021-07-06', entityCount: 2, format: 'ofac-sdn-xml' });
    const m = list.entities[0]!;
    expect(m).toMatchObject({
      id: 'us-ofac-sdn:3754',
      gender: 'male',
      birthDates: ['1951-02-09'],
      countries: ['sy'],
    });
    expect(m.names).toEqual([
      { name: 'ABU MARZOOK, Mousa Mohammed', strength: 'primary' },
      { name: 'MARZUK, Musa Abu', strength: 'strong' },
      { name: "ABU-'UMAR", strength: 'weak' },
    ]);
    expect(m.identifiers).toContainEqual({ type: 'SSN', number: '523-33-8386', country: 'us' });
    expect(list.entities[1]).toMatchObject({ schema: 'vessel', countries: ['cu'] });
  });

  it('fails on a truncated file with a clear error, whatever the chunking', async () => {
    const xml = text('ofac-sdn-excerpt.xml');
    const cut = xml.slice(0, Math.floor(xml.length * 0.6));
    const r = await parseList('ofac-sdn-xml', Readable.from([cut.slice(0, 100), cut.slice(100)]));
    expect(r).toMatchObject({ ok: false, error: { code: 'LIST_TRUNCATED' } });
  });
});

describe('UN Security Council consolidated list XML', () => {
  it('reads individuals and entities with aliases by quality, original-script names, dates, documents', async () => {
    const list = await parsed('un-sc-xml', createReadStream(fixture('un-consolidated-excerpt.xml')));
    expect(list.meta).toMatchObject({ listId: 'un-sc-consolidated', date: '2026-02-27', entityCount: 10 });
    const saddam = list.entities.find((e) => e.reference === 'IQi.001')!;
    expect(saddam.names[0]).toEqual({ name: 'SADDAM HUSSEIN AL-TIKRITI', strength: 'primary' });
    expect(saddam.names).toContainEqual({ name: 'صدام حسين التكريتي', strength: 'strong' });
    expect(saddam.names).toContainEqual({ name: 'Abu Ali', strength: 'weak' });
    expect(saddam.birthDates).toEqual(['1937-04-28']);
    expect(saddam.nationalities).toEqual(['iq']);
    const badege = list.entities.find((e) => e.ref === '6907993')!;
    expect(badege).toMatchObject({
      gender: 'male',
      birthDates: ['1971'],
      nationalities: ['cd'],
      programs: ['DRC'],
    });
    expect(list.entities.find((e) => e.reference === 'CDe.001')?.schema).toBe('organisation');
  });

  it('fails on malformed XML and on a cut-short file, and on an empty one', async () => {
    const xml = text('un-consolidated-excerpt.xml');
    const broken = xml.replace('<DATAID>6907993</DATAID>', '<DATAID>6907993</DATA>');
    expect(await parseList('un-sc-xml', broken)).toMatchObject({
      ok: false,
      error: { code: 'LIST_MALFORMED' },
    });
    const cut = xml.slice(0, xml.lastIndexOf('</INDIVIDUAL>'));
    expect(await parseList('un-sc-xml', cut)).toMatchObject({ ok: false, error: { code: 'LIST_TRUNCATED' } });
    expect((await parseList('un-sc-xml', '')).ok).toBe(false);
  });

  it('rejects another list format by its root element', async () => {
    const r = await parseList('un-sc-xml', text('eu-fsf-excerpt.xml'));
    expect(r).toMatchObject({ ok: false, error: { code: 'LIST_WRONG_FORMAT' } });
  });
});

describe('EU financial sanctions XML', () => {
  it('reads attribute-based names with strength, citizenship, birth dates and documents', async () => {
    const list = await parsed('eu-fsf-xml', createReadStream(fixture('eu-fsf-excerpt.xml')));
    expect(list.meta).toMatchObject({ listId: 'eu-fsf', date: '2018-12-21', entityCount: 2 });
    const mugabe = list.entities[0]!;
    expect(mugabe).toMatchObject({
      ref: '1',
      reference: 'EU.36.64',
      schema: 'person',
      gender: 'male',
      birthDates: ['1924-02-21'],
      nationalities: ['zw'],
      programs: ['ZWE'],
    });
    expect(mugabe.identifiers).toEqual([{ type: 'National passport', number: 'AD001095' }]);
    const front = list.entities[1]!;
    expect(front.schema).toBe('organisation');
    expect(front.names).toContainEqual({
      name: 'Фронт на великите ислямски източни воини',
      strength: 'strong',
    });
    expect(front.names).toContainEqual({ name: 'IBDA-C', strength: 'weak' });
  });

  it('fails on a truncated file', async () => {
    const xml = text('eu-fsf-excerpt.xml');
    const r = await parseList('eu-fsf-xml', xml.slice(0, xml.indexOf('logicalId="207"')));
    expect(r).toMatchObject({ ok: false, error: { code: 'LIST_TRUNCATED' } });
  });
});

describe('UK OFSI consolidated list CSV', () => {
  it('groups rows by Group ID into one listing with primary, strong and weak names', async () => {
    const list = await parsed('uk-ofsi-csv', text('uk-conlist-excerpt.csv'));
    expect(list.meta).toMatchObject({ listId: 'gb-hmt-ofsi', date: '2021-02-01', entityCount: 2 });
    const z = list.entities.find((e) => e.ref === '6897')!;
    expect(z.names).toEqual([
      { name: 'AL-ZAWAHIRI, Aiman Muhammed Rabi', strength: 'primary' },
      { name: 'ABDEL RAHMAN, Aiman', strength: 'strong' },
      { name: 'AL-DOKTOR', strength: 'weak' },
    ]);
    expect(z).toMatchObject({
      schema: 'person',
      birthDates: ['1951-06-19'],
      nationalities: ['eg'],
      gender: 'male',
    });
    expect(z.reference).toBe('AQD0226');
    expect(list.entities.find((e) => e.ref === '12503')).toMatchObject({
      schema: 'organisation',
      countries: ['sy'],
    });
  });

  it('fails when the last row is cut short', async () => {
    const csv = text('uk-conlist-excerpt.csv');
    const r = await parseList('uk-ofsi-csv', csv.slice(0, csv.lastIndexOf(',Entity,')));
    expect(r).toMatchObject({ ok: false, error: { code: 'LIST_TRUNCATED' } });
  });
});

describe('OpenSanctions entity files', () => {
  it('reads FollowTheMoney entities, keeps matchable schemata and topics, skips relation entities', async () => {
    const list = await parsed('opensanctions-ftm', text('opensanctions-ftm-excerpt.jsonl'), {
      listId: 'os-default',
    });
    expect(list.meta).toMatchObject({ entityCount: 2, date: '2026-01-15', format: 'opensanctions-ftm' });
    expect(list.meta.licence).toMatch(/CC BY-NC/);
    const putin = list.entities[0]!;
    expect(putin).toMatchObject({
      schema: 'person',
      birthDates: ['1952-10-07'],
      nationalities: ['ru'],
      gender: 'male',
    });
    expect(putin.topics).toEqual(['sanction', 'role.pep']);
    expect(putin.names).toContainEqual({ name: 'Vova', strength: 'weak' });
    expect(list.entities[1]).toMatchObject({ schema: 'organisation', countries: ['ru'] });
  });

  it('reads the Senzing export with PEP topics', async () => {
    const list = await parsed('opensanctions-senzing', text('opensanctions-senzing-excerpt.jsonl'));
    expect(list.meta.listId).toBe('opensanctions-example-peps');
    expect(list.entities[0]).toMatchObject({
      topics: ['role.pep'],
      birthDates: ['1970-03-04'],
      nationalities: ['pt'],
    });
    expect(list.entities[0]!.names).toHaveLength(2);
  });

  it('tells a truncated last line from a bad line in the middle', async () => {
    const lines = text('opensanctions-ftm-excerpt.jsonl');
    expect(await parseList('opensanctions-ftm', lines.slice(0, -40))).toMatchObject({
      ok: false,
      error: { code: 'LIST_TRUNCATED' },
    });
    const bad = lines.replace('"schema": "Sanction"', '"schema": Sanction');
    expect(await parseList('opensanctions-ftm', bad)).toMatchObject({
      ok: false,
      error: { code: 'LIST_MALFORMED' },
    });
  });
});

it('answers an unknown format with an error value', async () => {
  const r = await parseList('nope' as ListFormat, '');
  expect(r).toMatchObject({ ok: false, error: { code: 'LIST_UNKNOWN_FORMAT' } });
});
