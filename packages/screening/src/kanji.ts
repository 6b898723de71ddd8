import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { romaji } from './japanese.ts';

/** The part of kuromoji's morphological analyser used here: each word of a text with its reading in katakana. */
interface Tokenizer {
  tokenize(text: string): Array<{ surface_form: string; reading?: string }>;
}
interface DictionaryLoader {
  loadArrayBuffer(file: string, done: (err: Error | null, buffer?: ArrayBuffer) => void): void;
  load(done: (err: Error | null, dictionary: unknown) => void): void;
}

const require = createRequire(import.meta.url);
let tokenizer: Tokenizer | undefined;
/** Set when the dictionary failed to load: screening goes on with the Chinese readings alone. */
let unavailable = false;

/**
 * kuromoji with its IPADIC dictionary (family and given names with their readings), loaded on the first name
 * written in kanji: about half a second and 300 MB that a server screening only Latin names never pays.
 * Loaded synchronously, reading the files itself, because screening is synchronous; kuromoji's loader then
 * completes in the same turn.
 */
function japaneseTokenizer(): Tokenizer {
  if (tokenizer) return tokenizer;
  const Loader = require('kuromoji/src/loader/DictionaryLoader') as new (path: string) => DictionaryLoader;
  const TokenizerClass = require('kuromoji/src/Tokenizer') as new (dictionary: unknown) => Tokenizer;
  const loader = new Loader(`${join(dirname(require.resolve('kuromoji/package.json')), 'dict')}/`);
  loader.loadArrayBuffer = (file, done) => {
    const bytes = gunzipSync(readFileSync(file));
    done(null, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  };
  let failure: Error | null = null;
  loader.load((err, dictionary) => {
    if (err) failure = err;
    else tokenizer = new TokenizerClass(dictionary);
  });
  if (failure) throw failure;
  if (!tokenizer) throw new Error('kuromoji dictionary did not load synchronously');
  return tokenizer;
}

/**
 * The Japanese reading of a word written in kanji in Hepburn, one token per word the dictionary knows
 * ("山田太郎" → "yamada", "tarou"). Undefined when a part has no reading.
 */
export function kanjiReading(word: string): string[] | undefined {
  if (unavailable) return undefined;
  let analyser: Tokenizer;
  try {
    analyser = japaneseTokenizer();
  } catch (error) {
    // A missing or damaged dictionary must not fail every screening of a name in kanji: warn once, read on.
    unavailable = true;
    process.emitWarning(
      `openidv screening: the Japanese dictionary (kuromoji) did not load, names in kanji are read as Chinese only: ${(error as Error).message}`,
    );
    return undefined;
  }
  const tokens = analyser.tokenize(word);
  const out: string[] = [];
  for (const t of tokens) {
    if (!t.reading || t.reading === '*') return undefined;
    out.push(romaji(t.reading));
  }
  return out.length ? out : undefined;
}
