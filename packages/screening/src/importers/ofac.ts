import { toCountryCode } from '../countries.ts';
import { parseDate, parseDates } from '../dates.ts';
import {
  addName,
  addUnique,
  type EntitySchema,
  emptyEntity,
  ListImportFailure,
  type ListMeta,
  type ParsedList,
  type ScreeningEntity,
} from '../model.ts';
import { cell, streamCsvRows } from './csv.ts';
import type { ByteSource } from './input.ts';
import { child, childrenNamed, descendants, streamXmlRecords, textOf } from './xml.ts';

export const OFAC_SDN_LIST_ID = 'us-ofac-sdn';
export const OFAC_CONS_LIST_ID = 'us-ofac-cons';

export interface OfacOptions {
  listId?: string;
  /** The legacy CSV carries no date; the importer's caller knows when it was downloaded. */
  date?: string;
}

function ofacMeta(
  listId: string,
  format: ListMeta['format'],
  date: string | undefined,
  count: number,
): ListMeta {
  const cons = listId === OFAC_CONS_LIST_ID;
  return {
    listId,
    title: cons
      ? 'OFAC Consolidated Sanctions List (non-SDN)'
      : 'OFAC Specially Designated Nationals and Blocked Persons List',
    publisher: 'US Department of the Treasury, Office of Foreign Assets Control',
    format,
    ...(date ? { date } : {}),
    licence: 'US government work, public domain (17 U.S.C. § 105)',
    url: 'https://ofac.treasury.gov/sanctions-list-service',
    entityCount: count,
  };
}

function schemaOf(type: string | undefined): EntitySchema {
  switch (type?.toLowerCase()) {
    case 'individual':
      return 'person';
    case 'vessel':
      return 'vessel';
    case 'aircraft':
      return 'aircraft';
    default:
      return 'organisation';
  }
}

const ID_TYPES = [
  'Passport',
  'National ID No.',
  'Cedula No.',
  'Identification Number',
  'Tax ID No.',
  'Registration ID',
  'Registration Number',
  'NIT #',
  'RFC',
  'C.U.R.P.',
  'D.N.I.',
  'SSN',
  "Driver's License No.",
  'Vessel Registration Identification',
  'MMSI',
  "Aircraft Manufacturer's Serial Number (MSN)",
  'Residency Number',
  'Personal ID Card',
  "Citizen's Card Number",
  'Birth Certificate Number',
  'Kenyan ID No.',
  'Legal Entity Number',
  'SWIFT/BIC',
  'Public Security and Immigration No.',
  'Matricula Mercantil No',
  'UK Company Number',
];

/**
 * Reads the facts the legacy OFAC files keep in free-text remarks: "DOB 01 Jan 1960; POB Tehran,
 * Iran; nationality Iran; Gender Male; Passport A123 (Iran); a.k.a. 'ABU X'." Quoted a.k.a.s in
 * remarks are OFAC's weak aliases.
 */
export function applyOfacRemarks(entity: ScreeningEntity, remarks: string): void {
  for (const raw of remarks.split(/;\s*/)) {
    const item = raw.trim().replace(/\.$/, '');
    if (!item) continue;
    let m = /^(?:alt\. )?DOB (.+)$/i.exec(item);
    if (m) {
      for (const d of parseDates(m[1])) addUnique(entity.birthDates, d);
      continue;
    }
    m = /^(?:alt\. )?POB (.+)$/i.exec(item);
    if (m) {
      addUnique(entity.birthPlaces, m[1]!.trim());
      continue;
    }
    m = /^(?:alt\. )?(?:nationality|citizen) (.+)$/i.exec(item);
    if (m) {
      addUnique(entity.nationalities, toCountryCode(m[1]));
      continue;
    }
    m = /^Gender (Male|Female)$/i.exec(item);
    if (m) {
      entity.gender = m[1]!.toLowerCase() as 'male' | 'female';
      continue;
    }
    m = /^(?:a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s+'(.+)'$/i.exec(item);
    if (m) {
      addName(entity, m[1], 'weak');
      continue;
    }
    m = /^(?:alt\. )?(.+?) ([A-Z0-9][A-Za-z0-9./#-]*\d[A-Za-z0-9./#-]*)(?: \(([^)]+)\))?$/.exec(item);
    if (m && ID_TYPES.includes(m[1]!)) {
      const country = toCountryCode(m[3]);
      entity.identifiers.push({ type: m[1]!, number: m[2]!, ...(country ? { country } : {}) });
    }
  }
}

function partKind(key: string): 'main' | 'alt' | 'add' | 'comments' {
  const k = key.toLowerCase();
  if (k.includes('alt')) return 'alt';
  if (k.includes('add')) return 'add';
  if (k.includes('comment')) return 'comments';
  return 'main';
}

/**
 * OFAC's legacy CSV set: sdn.csv (or cons_prim.csv) with alt.csv (aliases), add.csv (addresses)
 * and sdn_comments.csv (the overflow of remarks too long for sdn.csv). Only the main file is
 * required; the others add aliases and countries.
 */
export async function parseOfacCsv(
  parts: Record<string, ByteSource>,
  options: OfacOptions = {},
): Promise<ParsedList> {
  const listId = options.listId ?? OFAC_SDN_LIST_ID;
  const byKind = new Map<string, ByteSource>();
  for (const [k, v] of Object.entries(parts)) byKind.set(partKind(k), v);
  const main = byKind.get('main');
  if (!main)
    throw new ListImportFailure('LIST_WRONG_FORMAT', 'The OFAC CSV set needs its sdn.csv (main) file.');

  const entities = new Map<string, ScreeningEntity>();
  const remarks = new Map<string, string>();
  await streamCsvRows(main, 'OFAC sdn.csv', (row, line) => {
    // a lone DOS end-of-file marker (Ctrl-Z) closes OFAC's files
    if (row.length === 1 && (row[0] ?? '').replace(String.fromCharCode(26), '').trim() === '') return;
    if (row.length !== 12) {
      throw new ListImportFailure(
        row.length < 12 && line > 1 ? 'LIST_TRUNCATED' : 'LIST_WRONG_FORMAT',
        `OFAC sdn.csv row ${line} has ${row.length} columns instead of 12${row.length < 12 ? ' (truncated file?)' : ''}.`,
      );
    }
    const id = cell(row, 0);
    const name = cell(row, 1);
    if (!id || !/^\d+$/.test(id) || !name) {
      throw new ListImportFailure('LIST_MALFORMED', `OFAC sdn.csv row ${line} has no entry number or name.`);
    }
    const entity = emptyEntity(listId, id, schemaOf(cell(row, 2)));
    addName(entity, name, 'primary');
    for (const p of (cell(row, 3) ?? '').split(/\]\s*\[|[[\]]/)) addUnique(entity.programs, p.trim());
    const flag = toCountryCode(cell(row, 9));
    if (flag) addUnique(entity.countries, flag);
    const callSign = cell(row, 5);
    if (callSign) entity.identifiers.push({ type: 'Call Sign', number: callSign });
    const r = cell(row, 11);
    if (r) remarks.set(id, r);
    entity.topics.push('sanction');
    entities.set(id, entity);
  });
  if (entities.size === 0) throw new ListImportFailure('LIST_EMPTY', 'OFAC sdn.csv has no entries.');

  const comments = byKind.get('comments');
  if (comments) {
    await streamCsvRows(comments, 'OFAC sdn_comments.csv', (row) => {
      const id = cell(row, 0);
      const text = row[1];
      if (id && text && remarks.has(id)) remarks.set(id, remarks.get(id)! + text);
    });
  }
  for (const [id, text] of remarks) applyOfacRemarks(entities.get(id)!, text);

  const alt = byKind.get('alt');
  if (alt) {
    await streamCsvRows(alt, 'OFAC alt.csv', (row, line) => {
      if (row.length === 1) return;
      if (row.length !== 5) {
        throw new ListImportFailure(
          row.length < 5 ? 'LIST_TRUNCATED' : 'LIST_WRONG_FORMAT',
          `OFAC alt.csv row ${line} has ${row.length} columns instead of 5.`,
        );
      }
      const entity = entities.get(cell(row, 0) ?? '');
      if (entity) addName(entity, cell(row, 3), 'strong');
    });
  }
  const add = byKind.get('add');
  if (add) {
    await streamCsvRows(add, 'OFAC add.csv', (row, line) => {
      if (row.length === 1) return;
      if (row.length !== 6) {
        throw new ListImportFailure(
          row.length < 6 ? 'LIST_TRUNCATED' : 'LIST_WRONG_FORMAT',
          `OFAC add.csv row ${line} has ${row.length} columns instead of 6.`,
        );
      }
      const entity = entities.get(cell(row, 0) ?? '');
      if (entity) addUnique(entity.countries, toCountryCode(cell(row, 4)));
    });
  }
  const list = [...entities.values()];
  return { entities: list, meta: ofacMeta(listId, 'ofac-sdn-csv', options.date, list.length) };
}

/** OFAC's sdn.xml / cons.xml (root sdnList, one sdnEntry per listing). */
export async function parseOfacXml(source: ByteSource, options: OfacOptions = {}): Promise<ParsedList> {
  const listId = options.listId ?? OFAC_SDN_LIST_ID;
  const entities: ScreeningEntity[] = [];
  const summary = await streamXmlRecords(
    source,
    {
      root: 'sdnList',
      records: new Set(['sdnEntry']),
      capture: new Set(['Publish_Date']),
      formatName: 'OFAC SDN XML',
    },
    (el) => {
      const uid = textOf(el, 'uid');
      if (!uid) return;
      const entity = emptyEntity(listId, uid, schemaOf(textOf(el, 'sdnType')));
      const last = textOf(el, 'lastName');
      const first = textOf(el, 'firstName');
      addName(entity, [last, first].filter(Boolean).join(', '), 'primary');
      for (const aka of descendants(el, 'aka')) {
        const name = [textOf(aka, 'lastName'), textOf(aka, 'firstName')].filter(Boolean).join(', ');
        addName(entity, name, textOf(aka, 'category')?.toLowerCase() === 'weak' ? 'weak' : 'strong');
      }
      for (const p of descendants(el, 'program')) addUnique(entity.programs, textOf(p));
      for (const id of descendants(el, 'id')) {
        const type = textOf(id, 'idType');
        const number = textOf(id, 'idNumber');
        if (!type || !number) continue;
        if (type === 'Gender') {
          const g = number.toLowerCase();
          if (g === 'male' || g === 'female') entity.gender = g;
          continue;
        }
        const country = toCountryCode(textOf(id, 'idCountry'));
        entity.identifiers.push({ type, number, ...(country ? { country } : {}) });
      }
      for (const n of [...descendants(el, 'nationality'), ...descendants(el, 'citizenship')]) {
        addUnique(entity.nationalities, toCountryCode(textOf(n, 'country')));
      }
      for (const a of descendants(el, 'address'))
        addUnique(entity.countries, toCountryCode(textOf(a, 'country')));
      for (const d of descendants(el, 'dateOfBirthItem')) {
        for (const v of parseDates(textOf(d, 'dateOfBirth'))) addUnique(entity.birthDates, v);
      }
      for (const p of descendants(el, 'placeOfBirthItem'))
        addUnique(entity.birthPlaces, textOf(p, 'placeOfBirth'));
      const vessel = child(el, 'vesselInfo');
      if (vessel) {
        addUnique(entity.countries, toCountryCode(textOf(vessel, 'vesselFlag')));
        const callSign = textOf(vessel, 'callSign');
        if (callSign) entity.identifiers.push({ type: 'Call Sign', number: callSign });
      }
      for (const list of childrenNamed(el, 'remarks')) applyOfacRemarks(entity, textOf(list) ?? '');
      entity.topics.push('sanction');
      entities.push(entity);
    },
  );
  // Publish_Date is MM/DD/YYYY
  const published = summary.captured.get('Publish_Date')?.trim();
  const m = published ? /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(published) : null;
  const date = m ? parseDate(`${m[3]}-${m[1]}-${m[2]}`) : options.date;
  return { entities, meta: ofacMeta(listId, 'ofac-sdn-xml', date, entities.length) };
}
