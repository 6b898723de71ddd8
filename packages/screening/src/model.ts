/** The normalised shape every list importer produces, whatever the publisher's format. */

export type EntitySchema = 'person' | 'organisation' | 'vessel' | 'aircraft' | 'unknown';

/**
 * - primary: the name the list files the entry under.
 * - strong: an alias the publisher considers reliable (OFAC a.k.a., UN "Good", EU strong="true").
 * - weak: a low-quality alias (OFAC weak a.k.a., UN "Low", EU strong="false"); only a literal match counts.
 */
export type NameStrength = 'primary' | 'strong' | 'weak';

export interface EntityName {
  name: string;
  strength: NameStrength;
  /** ISO 639 language or script hint where the list gives one. */
  lang?: string;
}

export interface EntityIdentifier {
  /** As the list words it: "Passport", "National ID No.", "IMO". */
  type: string;
  number: string;
  /** ISO 3166-1 alpha-2, lower case. */
  country?: string;
}

/** Topics in OpenSanctions' vocabulary so PEP and sanctions data can share one field. */
export type EntityTopic = 'sanction' | 'role.pep' | 'role.rca' | 'debarment' | 'crime' | 'export.control';

export interface ScreeningEntity {
  /** Unique across lists: `${listId}:${ref}`. */
  id: string;
  /** The list this entry came from, e.g. "us-ofac-sdn". */
  listId: string;
  /** The publisher's own reference for the entry (OFAC uid, UN DATAID, EU logicalId, UK Group ID...). */
  ref: string;
  /** A human-facing reference where the list has one (UN "QDi.006", EU "EU.27.28"). */
  reference?: string;
  schema: EntitySchema;
  names: EntityName[];
  /** ISO dates at the precision the list gives: YYYY, YYYY-MM or YYYY-MM-DD. */
  birthDates: string[];
  birthPlaces: string[];
  /** ISO 3166-1 alpha-2, lower case. */
  nationalities: string[];
  /** Other countries linked to the entry (addresses, jurisdiction), alpha-2 lower case. */
  countries: string[];
  gender?: 'male' | 'female';
  identifiers: EntityIdentifier[];
  /** Sanctions programmes or regimes, as the list names them. */
  programs: string[];
  topics: EntityTopic[];
  /** YYYY-MM-DD when the entry was listed, where known. */
  listedOn?: string;
}

export interface ListMeta {
  listId: string;
  title: string;
  publisher: string;
  /** Format the list was imported from. */
  format: ListFormat;
  /** Publication date of the file (YYYY-MM-DD), from the file itself where it says. */
  date?: string;
  licence: string;
  url?: string;
  entityCount: number;
}

export type ListFormat =
  | 'ofac-sdn-xml'
  | 'ofac-sdn-csv'
  | 'un-sc-xml'
  | 'eu-fsf-xml'
  | 'uk-ofsi-csv'
  | 'opensanctions-ftm'
  | 'opensanctions-senzing';

export interface ParsedList {
  meta: ListMeta;
  entities: ScreeningEntity[];
}

export type ImportErrorCode =
  | 'LIST_MALFORMED'
  | 'LIST_TRUNCATED'
  | 'LIST_EMPTY'
  | 'LIST_WRONG_FORMAT'
  | 'LIST_UNKNOWN_FORMAT'
  | 'LIST_READ_FAILED';

export interface ImportError {
  code: ImportErrorCode;
  message: string;
}

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function err<E>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}

/** Thrown inside importers and turned into an ImportError value at the public boundary. */
export class ListImportFailure extends Error {
  readonly code: ImportErrorCode;
  constructor(code: ImportErrorCode, message: string) {
    super(message);
    this.name = 'ListImportFailure';
    this.code = code;
  }
}

export function emptyEntity(listId: string, ref: string, schema: EntitySchema): ScreeningEntity {
  return {
    id: `${listId}:${ref}`,
    listId,
    ref,
    schema,
    names: [],
    birthDates: [],
    birthPlaces: [],
    nationalities: [],
    countries: [],
    identifiers: [],
    programs: [],
    topics: [],
  };
}

/** Adds a value once, ignoring blanks. */
export function addUnique<T>(list: T[], value: T | undefined | null): void {
  if (value === undefined || value === null) return;
  if (typeof value === 'string' && value.trim() === '') return;
  if (!list.includes(value)) list.push(value);
}

export function addName(entity: ScreeningEntity, name: string | undefined, strength: EntityName['strength']) {
  const clean = name?.replace(/\s+/g, ' ').trim();
  if (!clean) return;
  const existing = entity.names.find((n) => n.name === clean);
  if (existing) {
    // Keep the strongest claim for a name listed twice.
    const rank = { primary: 0, strong: 1, weak: 2 } as const;
    if (rank[strength] < rank[existing.strength]) existing.strength = strength;
    return;
  }
  entity.names.push({ name: clean, strength });
}
