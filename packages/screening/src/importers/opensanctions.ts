import { toCountryCode } from '../countries.ts';
import { parseDate } from '../dates.ts';
import {
  addName,
  addUnique,
  type EntitySchema,
  type EntityTopic,
  emptyEntity,
  ListImportFailure,
  type ParsedList,
  type ScreeningEntity,
} from '../model.ts';
import { type ByteSource, textChunks } from './input.ts';

export interface OpenSanctionsOptions {
  listId?: string;
  title?: string;
  date?: string;
}

const LICENCE = 'CC BY-NC 4.0 (OpenSanctions; commercial use needs a licence from OpenSanctions)';
const KNOWN_TOPICS: ReadonlySet<string> = new Set([
  'sanction',
  'role.pep',
  'role.rca',
  'debarment',
  'crime',
  'export.control',
]);

/** Streams JSON lines; a bad line in the middle is malformed, a bad last line means a cut-short file. */
async function streamJsonLines(
  source: ByteSource,
  formatName: string,
  onObject: (o: unknown) => void,
): Promise<void> {
  let buffer = '';
  let line = 0;
  let pendingError: { line: number; message: string } | undefined;
  const handle = (text: string) => {
    line++;
    const t = text.trim();
    if (!t) return;
    if (pendingError) {
      throw new ListImportFailure(
        'LIST_MALFORMED',
        `The ${formatName} file has invalid JSON on line ${pendingError.line}: ${pendingError.message}`,
      );
    }
    try {
      onObject(JSON.parse(t));
    } catch (e) {
      if (e instanceof ListImportFailure) throw e;
      pendingError = { line, message: (e as Error).message };
    }
  };
  for await (const chunk of textChunks(source)) {
    buffer += chunk;
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      handle(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf('\n');
    }
  }
  handle(buffer);
  if (pendingError) {
    throw new ListImportFailure(
      'LIST_TRUNCATED',
      `The ${formatName} file ends with an incomplete JSON line (${pendingError.line}; truncated download?): ${pendingError.message}`,
    );
  }
  if (line === 0) throw new ListImportFailure('LIST_EMPTY', `The ${formatName} file is empty.`);
}

const FTM_SCHEMAS: Record<string, EntitySchema> = {
  Person: 'person',
  Organization: 'organisation',
  Company: 'organisation',
  LegalEntity: 'organisation',
  PublicBody: 'organisation',
  Vessel: 'vessel',
  Airplane: 'aircraft',
};

const FTM_IDS = [
  'idNumber',
  'passportNumber',
  'taxNumber',
  'registrationNumber',
  'innCode',
  'ogrnCode',
  'imoNumber',
  'leiCode',
  'swiftBic',
];

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * OpenSanctions FollowTheMoney entity files (entities.ftm.json: one JSON entity per line).
 * Only matchable schemata are kept; relation entities (Sanction, Occupancy, Address...) are skipped.
 */
export async function parseFtmJsonLines(
  source: ByteSource,
  options: OpenSanctionsOptions = {},
): Promise<ParsedList> {
  const listId = options.listId ?? 'opensanctions';
  const entities: ScreeningEntity[] = [];
  let latest = '';
  let objects = 0;
  await streamJsonLines(source, 'OpenSanctions FollowTheMoney JSON lines', (o) => {
    objects++;
    if (typeof o !== 'object' || o === null || !('schema' in o) || !('id' in o) || !('properties' in o)) {
      throw new ListImportFailure(
        'LIST_WRONG_FORMAT',
        'Expected FollowTheMoney entities with id, schema and properties.',
      );
    }
    const e = o as {
      id: string;
      schema: string;
      properties: Record<string, unknown>;
      last_change?: string;
      target?: boolean;
    };
    const schema = FTM_SCHEMAS[e.schema];
    if (!schema || e.target === false) return;
    const p = e.properties;
    const entity = emptyEntity(listId, String(e.id), schema);
    const names = strings(p['name']);
    for (const [i, n] of names.entries()) addName(entity, n, i === 0 ? 'primary' : 'strong');
    for (const n of [...strings(p['alias']), ...strings(p['previousName'])]) addName(entity, n, 'strong');
    for (const n of strings(p['weakAlias'])) addName(entity, n, 'weak');
    if (entity.names.length === 0) {
      addName(
        entity,
        [...strings(p['firstName']), ...strings(p['middleName']), ...strings(p['lastName'])].join(' '),
        'primary',
      );
    }
    for (const d of strings(p['birthDate'])) addUnique(entity.birthDates, parseDate(d));
    for (const b of strings(p['birthPlace'])) addUnique(entity.birthPlaces, b);
    for (const n of [...strings(p['nationality']), ...strings(p['citizenship'])]) {
      addUnique(entity.nationalities, toCountryCode(n));
    }
    for (const c of [...strings(p['country']), ...strings(p['jurisdiction']), ...strings(p['flag'])]) {
      addUnique(entity.countries, toCountryCode(c));
    }
    const gender = strings(p['gender'])[0];
    if (gender === 'male' || gender === 'female') entity.gender = gender;
    for (const key of FTM_IDS)
      for (const v of strings(p[key])) entity.identifiers.push({ type: key, number: v });
    for (const t of strings(p['topics'])) if (KNOWN_TOPICS.has(t)) addUnique(entity.topics, t as EntityTopic);
    for (const pr of strings(p['program'])) addUnique(entity.programs, pr);
    if (e.last_change && e.last_change > latest) latest = e.last_change;
    if (entity.names.length) entities.push(entity);
  });
  if (objects === 0) throw new ListImportFailure('LIST_EMPTY', 'The FollowTheMoney file has no entities.');
  const date = options.date ?? (latest ? latest.slice(0, 10) : undefined);
  return {
    entities,
    meta: {
      listId,
      title: options.title ?? 'OpenSanctions (FollowTheMoney entities)',
      publisher: 'OpenSanctions',
      format: 'opensanctions-ftm',
      ...(date ? { date } : {}),
      licence: LICENCE,
      url: 'https://www.opensanctions.org/datasets/',
      entityCount: entities.length,
    },
  };
}

interface SenzingRecord {
  DATA_SOURCE?: string;
  RECORD_ID?: string;
  RECORD_TYPE?: string;
  LAST_CHANGE?: string;
  NAMES?: Array<Record<string, string>>;
  DATES?: Array<Record<string, string>>;
  COUNTRIES?: Array<Record<string, string>>;
  GENDER?: string;
  RISKS?: Array<{ TOPIC?: string }>;
  IDENTIFIERS?: Array<Record<string, string>>;
}

/** OpenSanctions' Senzing export (one JSON record per line with NAMES, DATES, COUNTRIES, RISKS). */
export async function parseSenzingJsonLines(
  source: ByteSource,
  options: OpenSanctionsOptions = {},
): Promise<ParsedList> {
  const entities: ScreeningEntity[] = [];
  let listId = options.listId;
  let latest = '';
  await streamJsonLines(source, 'OpenSanctions Senzing JSON lines', (o) => {
    const r = o as SenzingRecord;
    if (typeof r !== 'object' || r === null || !r.RECORD_ID || !Array.isArray(r.NAMES)) {
      throw new ListImportFailure('LIST_WRONG_FORMAT', 'Expected Senzing records with RECORD_ID and NAMES.');
    }
    listId ??= `opensanctions-${(r.DATA_SOURCE ?? 'senzing').toLowerCase().replace(/^os_/, '').replace(/_/g, '-')}`;
    const type = r.RECORD_TYPE?.toUpperCase();
    const entity = emptyEntity(
      listId,
      r.RECORD_ID,
      type === 'PERSON' ? 'person' : type === 'ORGANIZATION' ? 'organisation' : 'unknown',
    );
    for (const n of r.NAMES) {
      const full =
        n['NAME_FULL'] ??
        n['NAME_ORG'] ??
        [n['NAME_FIRST'], n['NAME_MIDDLE'], n['NAME_LAST']].filter(Boolean).join(' ');
      addName(entity, full, n['NAME_TYPE'] === 'PRIMARY' ? 'primary' : 'strong');
    }
    for (const d of r.DATES ?? []) addUnique(entity.birthDates, parseDate(d['DATE_OF_BIRTH']));
    for (const c of r.COUNTRIES ?? []) {
      addUnique(entity.nationalities, toCountryCode(c['NATIONALITY'] ?? c['CITIZENSHIP']));
      addUnique(entity.countries, toCountryCode(c['REGISTRATION_COUNTRY'] ?? c['ADDR_COUNTRY']));
    }
    const g = r.GENDER?.toLowerCase();
    if (g === 'male' || g === 'm') entity.gender = 'male';
    else if (g === 'female' || g === 'f') entity.gender = 'female';
    for (const risk of r.RISKS ?? [])
      if (risk.TOPIC && KNOWN_TOPICS.has(risk.TOPIC)) addUnique(entity.topics, risk.TOPIC as EntityTopic);
    for (const id of r.IDENTIFIERS ?? []) {
      for (const [k, v] of Object.entries(id)) {
        const m = /^(.*)_NUMBER$/.exec(k);
        if (m && v && m[1] !== 'OTHER_ID' && m[1] !== 'TRUSTED_ID') {
          entity.identifiers.push({ type: m[1]!.toLowerCase(), number: v });
        }
      }
    }
    if (r.LAST_CHANGE && r.LAST_CHANGE > latest) latest = r.LAST_CHANGE;
    if (entity.names.length) entities.push(entity);
  });
  const date = options.date ?? (latest ? latest.slice(0, 10) : undefined);
  return {
    entities,
    meta: {
      listId: listId ?? 'opensanctions',
      title: options.title ?? 'OpenSanctions (Senzing export)',
      publisher: 'OpenSanctions',
      format: 'opensanctions-senzing',
      ...(date ? { date } : {}),
      licence: LICENCE,
      url: 'https://www.opensanctions.org/datasets/',
      entityCount: entities.length,
    },
  };
}
