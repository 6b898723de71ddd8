import anyAscii from 'any-ascii';
import { distance } from 'fastest-levenshtein';

/** ICAO Doc 9303 part 3 transliterations that differ from a plain accent strip (Müller → MUELLER). */
const ICAO: Record<string, string> = {
  Ä: 'AE',
  Ö: 'OE',
  Ü: 'UE',
  ß: 'SS',
  Å: 'AA',
  Æ: 'AE',
  Ø: 'OE',
  Œ: 'OE',
  Þ: 'TH',
  Ð: 'D',
  Ĳ: 'IJ',
};

function clean(s: string): string {
  return s
    .toUpperCase()
    .replace(/[^A-Z]+/g, ' ')
    .trim()
    .replace(/\s+/g, ' ');
}

/** The spellings a name can take in an MRZ: ICAO transliteration and the plain ASCII fold. */
export function mrzSpellings(name: string): string[] {
  const upper = name.normalize('NFC').toUpperCase();
  const icao = clean(anyAscii([...upper].map((c) => ICAO[c] ?? c).join('')));
  const plain = clean(anyAscii(upper));
  return icao === plain ? [icao] : [icao, plain];
}

function similarity(a: string, b: string): number {
  if (!a.length && !b.length) return 1;
  return 1 - distance(a, b) / Math.max(a.length, b.length);
}

/**
 * How well an expected name matches the name read from the document, 0..1. Order of the parts does
 * not matter, missing extra given names do not count against (people often give only their first),
 * and the document's MRZ may have truncated a long name.
 */
export function nameScore(expected: string, read: string): number {
  const doc = clean(read);
  if (!doc) return 0;
  let best = 0;
  for (const spelling of mrzSpellings(expected)) {
    if (!spelling) continue;
    if (spelling === doc) return 1;
    const e = spelling.split(' ');
    const d = doc.split(' ');
    // Every expected token found (fuzzily) among the document's tokens, in any order.
    const tokenScores = e.map((t) =>
      Math.max(
        ...d.map((u) =>
          u.length >= 3 && t.startsWith(u) && u.length >= t.length - 4 ? 0.97 : similarity(t, u),
        ),
      ),
    );
    const tokens = tokenScores.reduce((s, x) => s + x, 0) / tokenScores.length;
    const joined = similarity(e.toSorted().join(''), d.toSorted().join(''));
    const squashed = similarity(spelling.replace(/ /g, ''), doc.replace(/ /g, ''));
    best = Math.max(best, tokens, joined, squashed);
  }
  return best;
}
