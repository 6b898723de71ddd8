import { toCountryCode } from '../countries.ts';
import { parseDate } from '../dates.ts';
import {
  addName,
  addUnique,
  emptyEntity,
  ListImportFailure,
  type ParsedList,
  type ScreeningEntity,
} from '../model.ts';
import { streamCsvRows } from './csv.ts';
import type { ByteSource } from './input.ts';

export const UK_LIST_ID = 'gb-hmt-ofsi';

const REQUIRED = ['Name 6', 'Group Type', 'Group ID'];

/** "(1) Iraq (2) Syria" → ["Iraq", "Syria"]. */
function multi(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(/\(\d+\)/)
    .map((v) => v.trim().replace(/[,;]$/, ''))
    .filter(Boolean);
}

/**
 * HM Treasury / OFSI consolidated list CSV (ConList.csv): a "Last Updated" line, a header, then one
 * row per name; rows sharing a Group ID are one listing. "Alias Quality" Low marks weak aliases.
 */
export async function parseUkCsv(source: ByteSource, listId = UK_LIST_ID): Promise<ParsedList> {
  let header: string[] | undefined;
  let date: string | undefined;
  let width = 0;
  const groups = new Map<string, ScreeningEntity>();
  await streamCsvRows(source, 'UK OFSI consolidated list CSV', (row, line) => {
    if (!header) {
      if (/^last updated/i.test(row[0] ?? '')) {
        date = parseDate(row.slice(1).find((c) => c.trim()));
        return;
      }
      if (!REQUIRED.every((h) => row.includes(h))) {
        throw new ListImportFailure(
          'LIST_WRONG_FORMAT',
          `Expected the UK OFSI CSV header (with ${REQUIRED.join(', ')}) on line ${line}.`,
        );
      }
      header = row.map((h) => h.trim());
      width = header.length;
      return;
    }
    if (row.length < width) {
      throw new ListImportFailure(
        'LIST_TRUNCATED',
        `UK OFSI CSV row ${line} has ${row.length} columns instead of ${width} (truncated file?).`,
      );
    }
    const h = header;
    const get = (name: string) => {
      const i = h.indexOf(name);
      const v = i >= 0 ? row[i]?.trim() : undefined;
      return v ? v : undefined;
    };
    const groupId = get('Group ID');
    if (!groupId) throw new ListImportFailure('LIST_MALFORMED', `UK OFSI CSV row ${line} has no Group ID.`);
    let entity = groups.get(groupId);
    const type = get('Group Type')?.toLowerCase();
    if (!entity) {
      entity = emptyEntity(
        listId,
        groupId,
        type === 'individual' ? 'person' : type === 'ship' ? 'vessel' : 'organisation',
      );
      entity.topics.push('sanction');
      groups.set(groupId, entity);
    }
    const given = ['Name 1', 'Name 2', 'Name 3', 'Name 4', 'Name 5'].map(get).filter(Boolean).join(' ');
    const family = get('Name 6');
    // "FAMILY, Given" keeps which part is the family name, which matching weighs more
    const name = family && given ? `${family}, ${given}` : (family ?? given);
    const aliasType = get('Alias Type')?.toLowerCase() ?? '';
    const quality = get('Alias Quality')?.toLowerCase();
    addName(entity, name, aliasType === 'primary name' ? 'primary' : quality === 'low' ? 'weak' : 'strong');
    addName(entity, get('Name Non-Latin Script'), 'strong');
    for (const d of multi(get('DOB'))) addUnique(entity.birthDates, parseDate(d));
    for (const n of multi(get('Nationality'))) addUnique(entity.nationalities, toCountryCode(n));
    for (const c of multi(get('Country'))) addUnique(entity.countries, toCountryCode(c));
    const pob = [get('Town of Birth'), get('Country of Birth')].filter(Boolean).join(', ');
    addUnique(entity.birthPlaces, pob);
    for (const p of multi(get('Passport Number'))) entity.identifiers.push({ type: 'Passport', number: p });
    for (const p of multi(get('National Identification Number'))) {
      entity.identifiers.push({ type: 'National ID', number: p });
    }
    addUnique(entity.programs, get('Regime'));
    const gender = /\(Gender\):\s*(Male|Female)/i.exec(get('Other Information') ?? '')?.[1];
    if (gender) entity.gender = gender.toLowerCase() as 'male' | 'female';
    const listed = parseDate(get('Listed On'));
    if (listed && !entity.listedOn) entity.listedOn = listed;
    const ukRef = /\(UK Sanctions List Ref\):\s*([A-Z]+\d+)/.exec(get('Other Information') ?? '')?.[1];
    if (ukRef) entity.reference = ukRef;
  });
  if (!header) throw new ListImportFailure('LIST_EMPTY', 'The UK OFSI CSV file has no header.');
  const entities = [...groups.values()];
  for (const e of entities) {
    // Every listing needs one primary name; a group whose rows are all variations takes its first.
    if (!e.names.some((n) => n.strength === 'primary') && e.names[0]) e.names[0].strength = 'primary';
  }
  return {
    entities,
    meta: {
      listId,
      title: 'UK Consolidated List of Financial Sanctions Targets',
      publisher: 'HM Treasury, Office of Financial Sanctions Implementation',
      format: 'uk-ofsi-csv',
      ...(date ? { date } : {}),
      licence: 'Open Government Licence v3.0',
      url: 'https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets',
      entityCount: entities.length,
    },
  };
}
