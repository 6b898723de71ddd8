import {
  err,
  type ImportError,
  type ListFormat,
  ListImportFailure,
  ok,
  type ParsedList,
  type Result,
} from '../model.ts';
import { parseEuXml } from './eu.ts';
import { type ByteSource, isByteSource, type ListInput } from './input.ts';
import { parseOfacCsv, parseOfacXml } from './ofac.ts';
import { parseFtmJsonLines, parseSenzingJsonLines } from './opensanctions.ts';
import { parseUkCsv } from './uk.ts';
import { parseUnXml } from './un.ts';

export const LIST_FORMATS: readonly ListFormat[] = [
  'ofac-sdn-xml',
  'ofac-sdn-csv',
  'un-sc-xml',
  'eu-fsf-xml',
  'uk-ofsi-csv',
  'opensanctions-ftm',
  'opensanctions-senzing',
];

export interface ParseOptions {
  /** Overrides the list id (e.g. "us-ofac-cons" for OFAC's consolidated non-SDN files). */
  listId?: string;
  /** Publication date (YYYY-MM-DD) for formats whose file does not say (OFAC legacy CSV). */
  date?: string;
}

function single(input: ListInput, format: ListFormat): ByteSource {
  if (isByteSource(input)) return input;
  const parts = Object.values(input);
  if (parts.length !== 1) {
    throw new ListImportFailure(
      'LIST_WRONG_FORMAT',
      `The ${format} format is one file; ${parts.length} were given.`,
    );
  }
  return parts[0]!;
}

/**
 * Parses one list file (or OFAC's CSV set, as named parts) into normalised entities. Never
 * returns a partial list: a malformed, truncated or wrong-format file is an error value.
 */
export async function parseList(
  format: ListFormat,
  input: ListInput,
  options: ParseOptions = {},
): Promise<Result<ParsedList, ImportError>> {
  try {
    let parsed: ParsedList;
    switch (format) {
      case 'ofac-sdn-xml':
        parsed = await parseOfacXml(single(input, format), options);
        break;
      case 'ofac-sdn-csv':
        parsed = await parseOfacCsv(isByteSource(input) ? { sdn: input } : input, options);
        break;
      case 'un-sc-xml':
        parsed = await parseUnXml(single(input, format), options.listId);
        break;
      case 'eu-fsf-xml':
        parsed = await parseEuXml(single(input, format), options.listId);
        break;
      case 'uk-ofsi-csv':
        parsed = await parseUkCsv(single(input, format), options.listId);
        break;
      case 'opensanctions-ftm':
        parsed = await parseFtmJsonLines(single(input, format), options);
        break;
      case 'opensanctions-senzing':
        parsed = await parseSenzingJsonLines(single(input, format), options);
        break;
      default:
        return err({ code: 'LIST_UNKNOWN_FORMAT', message: `Unknown list format "${String(format)}".` });
    }
    if (parsed.entities.length === 0) {
      return err({ code: 'LIST_EMPTY', message: `The ${format} file holds no entries.` });
    }
    if (options.date && !parsed.meta.date) parsed.meta.date = options.date;
    return ok(parsed);
  } catch (e) {
    if (e instanceof ListImportFailure) return err({ code: e.code, message: e.message });
    return err({
      code: 'LIST_READ_FAILED',
      message: `Could not import the ${format} list: ${(e as Error).message}`,
    });
  }
}

export type { ByteSource, ListInput } from './input.ts';
