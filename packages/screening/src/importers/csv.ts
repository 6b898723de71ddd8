import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { ListImportFailure } from '../model.ts';
import { type ByteSource, textChunks } from './input.ts';

/**
 * Streams CSV rows through csv-parse. An unterminated quoted field (a file cut short inside a
 * value) is reported as truncated; other parse errors as malformed.
 */
export async function streamCsvRows(
  source: ByteSource,
  formatName: string,
  onRow: (row: string[], line: number) => void,
): Promise<void> {
  const parser = parse({
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    bom: true,
    trim: false,
  });
  let line = 0;
  try {
    await pipeline(Readable.from(textChunks(source)), parser, async (rows: AsyncIterable<string[]>) => {
      for await (const row of rows) {
        line++;
        onRow(row, line);
      }
    });
  } catch (e) {
    if (e instanceof ListImportFailure) throw e;
    const error = e as Error & { code?: string };
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
      throw new ListImportFailure(
        'LIST_TRUNCATED',
        `The ${formatName} file ends inside a quoted value (truncated download?): ${error.message}`,
      );
    }
    throw new ListImportFailure(
      'LIST_MALFORMED',
      `The ${formatName} file is not valid CSV: ${error.message}`,
    );
  }
}

/** OFAC writes "-0-" for an empty field. */
export function cell(row: string[], i: number): string | undefined {
  const v = row[i]?.trim();
  if (!v || v === '-0-') return undefined;
  return v;
}
