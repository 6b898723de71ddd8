import { ListImportFailure } from '../model.ts';

/** Anything that yields the bytes (or text) of a list file: a Node stream, a web stream, a Buffer, a string. */
export type ByteSource = string | Uint8Array | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array>;

/** A list published as several files (OFAC's legacy CSV) is given as named parts. */
export type ListInput = ByteSource | Record<string, ByteSource>;

export function isByteSource(value: unknown): value is ByteSource {
  return (
    typeof value === 'string' ||
    value instanceof Uint8Array ||
    (typeof value === 'object' &&
      value !== null &&
      (Symbol.asyncIterator in value || (Symbol.iterator in value && !isPlainRecord(value))))
  );
}

function isPlainRecord(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Decodes a source as UTF-8 text chunk by chunk, so a big file never sits in memory whole. */
export async function* textChunks(source: ByteSource): AsyncGenerator<string> {
  if (typeof source === 'string') {
    yield source;
    return;
  }
  if (source instanceof Uint8Array) {
    yield new TextDecoder('utf-8').decode(source);
    return;
  }
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
      if (typeof chunk === 'string') yield chunk;
      else {
        const text = decoder.decode(chunk, { stream: true });
        if (text) yield text;
      }
    }
  } catch (e) {
    throw new ListImportFailure('LIST_READ_FAILED', `Could not read the list file: ${(e as Error).message}`);
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** Reads a source in full; only for small side files. */
export async function readText(source: ByteSource): Promise<string> {
  let out = '';
  for await (const chunk of textChunks(source)) out += chunk;
  return out;
}
