import { toRomaji } from 'wanakana';

/** Ways of reading a word written in kana; a name's reading in one way joins its words' readings in that way. */
export type KanaReading = 'hepburn' | 'short' | 'foreign' | 'foreignDi';

/** Long vowels written twice (ウラジーミル "urajiimiru", タロウ "tarou") are spelt once in names: "Taro", "Yuko". */
export function shortVowels(text: string): string {
  return text.replace(/([aeiou])\1+/g, '$1').replace(/ou/g, 'o');
}

const CONSONANT = /[bcdfghjklmnpqrstvwxz]/;

/**
 * How a foreign name written in katakana was spelt before: Japanese adds a vowel after a consonant that is
 * not followed by one, u mostly and o after t and d (ドナルド "do-na-ru-do" for Donald, トランプ
 * "to-ra-n-pu" for Trump). Those vowels are taken out where the original cannot have had them: a short
 * u between consonants or at the end, an o after t or d before r or at the end; n before b, p or m is an m,
 * and a doubled consonant (ッ) is one.
 */
function foreign(hepburn: string): string {
  let out = '';
  for (let i = 0; i < hepburn.length; i++) {
    const c = hepburn[i]!;
    const prev = hepburn[i - 1] ?? '';
    const next = hepburn[i + 1] ?? '';
    const afterConsonant = prev !== '' && CONSONANT.test(prev);
    const beforeConsonantOrEnd = next === '' || CONSONANT.test(next);
    // a vowel before a doubled consonant (ッ: ブッシュ "bu-sshu", Bush) is short and real
    const beforeGeminate = next !== '' && next === hepburn[i + 2];
    if (c === prev && CONSONANT.test(c) && c !== 'n') continue;
    if (c === 'u' && afterConsonant && prev !== 'y' && beforeConsonantOrEnd && !beforeGeminate) continue;
    if (c === 'o' && (prev === 't' || prev === 'd') && (next === 'r' || next === '')) continue;
    if (c === 'n' && (next === 'b' || next === 'p' || next === 'm')) {
      out += 'm';
      continue;
    }
    out += c;
  }
  // チ writes a foreign "ti" too (プーチン Putin)
  return shortVowels(out).replace(/chi/g, 'ti');
}

/** Hepburn romanisation of kana, letters only. */
export function romaji(kana: string): string {
  return toRomaji(kana)
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

/** Readings of one word written in kana. */
export function kanaReadings(word: string): Record<KanaReading, string[]> {
  const hepburn = romaji(word);
  const borrowed = foreign(hepburn);
  return {
    hepburn: [hepburn],
    short: [shortVowels(hepburn)],
    foreign: [borrowed],
    // older transcriptions, before ディ, wrote di as ジ (ラジオ radio, ウラジーミル Vladimir)
    foreignDi: [borrowed.replace(/ji/g, 'di')],
  };
}
