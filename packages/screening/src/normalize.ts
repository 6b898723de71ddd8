import anyAscii from 'any-ascii';
import { doubleMetaphone } from 'double-metaphone';
import { belarusianToRussian, isBelarusianCyrillic, russianGivenName } from './east-slavic.ts';
import { kanaReadings, shortVowels } from './japanese.ts';
import { kanjiReading } from './kanji.ts';
import { hangulReadings } from './korean.ts';

/**
 * One way of reading a name: lower-case ASCII tokens. A name written in a script without
 * vowels (Arabic, Hebrew) is flagged so it is compared on consonant skeletons; a Chinese or
 * Korean name can be read in more than one way (syllables apart, or given name joined).
 */
export interface NameForm {
  tokens: string[];
  /** Written in an abjad: vowels are absent, compare consonants. */
  abjad: boolean;
}

/** Titles and honorifics that say nothing about who someone is, in the languages lists and documents use. */
const HONORIFICS = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'dr',
  'prof',
  'sir',
  'dame',
  'lord',
  'lady',
  'hon',
  'rev',
  'herr',
  'frau',
  'mme',
  'mlle',
  'sr',
  'sra',
  'president',
  'presidente',
  'presidentin',
  'presedintele',
  'presiden',
  'prezident',
  'prezydent',
  'predsjednik',
  'praesident',
  'prasident',
  'presidenta',
  'prezidents',
  'prezidentas',
  'elnok',
  'senator',
  'gen',
  'general',
  'col',
  'colonel',
  'maj',
  'capt',
  'lt',
  'haji',
  'hajji',
  'mullah',
  'maulana',
  'maulvi',
]);

/**
 * Legal forms, folded to one spelling each ("OAO" and "open joint stock company" are the same
 * thing); they weigh little in matching because they say little about which company it is.
 */
const ORG_PHRASES: Array<[RegExp, string]> = [
  [/\bpublic joint stock company\b/g, 'pjsc'],
  [/\bopen joint stock company\b/g, 'ojsc'],
  [/\bclosed joint stock company\b/g, 'cjsc'],
  [/\bjoint stock company\b/g, 'jsc'],
  [/\blimited liability company\b/g, 'llc'],
  [/\bpublic limited company\b/g, 'plc'],
  [/\bsociedad anonima\b/g, 'sa'],
  [/\bsociete anonyme\b/g, 'sa'],
];
const ORG_SYNONYMS: Record<string, string> = {
  oao: 'ojsc',
  zao: 'cjsc',
  ooo: 'llc',
  pao: 'pjsc',
  ao: 'jsc',
  limited: 'ltd',
  company: 'co',
  corporation: 'corp',
  incorporated: 'inc',
};
export const ORG_FORMS: ReadonlySet<string> = new Set([
  'pjsc',
  'ojsc',
  'cjsc',
  'jsc',
  'llc',
  'plc',
  'ltd',
  'co',
  'corp',
  'inc',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'ag',
  'gmbh',
  'bv',
  'nv',
  'cv',
  'de',
  'fze',
  'fzco',
  'llp',
  'lp',
  'pte',
  'pvt',
  'bhd',
  'sdn',
  'tov',
  'kg',
]);

const ABJAD = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}]/u;
const HAN = /\p{Script=Han}/u;
const HANGUL = /\p{Script=Hangul}/u;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
/** A word wholly in Hangul, or wholly in kana (with the long-vowel mark ー, which is not a letter of either). */
const HANGUL_WORD = /^\p{Script=Hangul}+$/u;
const KANA_WORD = /^[\p{Script=Hiragana}\p{Script=Katakana}ー]+$/u;
/** A word in kanji, perhaps with kana (山田たろう). */
const KANJI_WORD = /^(?=.*\p{Script=Han})[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]+$/u;
/** Where Japanese and Korean names break into words: spaces, the middle dots and commas. */
const CJK_BREAKS = /[\s·・･,、]+/;

/** Greek digraphs any-ascii spells letter by letter ("ου" → "oy"); names read them as one sound. */
function greekDigraphs(s: string): string {
  if (!/[\u0370-\u03ff\u1f00-\u1fff]/.test(s)) return s;
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/(^|\s)[Μμ][Ππ]/g, '$1b')
    .replace(/(^|\s)[Νν][Ττ]/g, '$1d')
    .replace(/(^|\s)[Γγ][Κκ]/g, '$1g')
    .replace(/[Μμ][Ππ]/g, 'mb')
    .replace(/[Νν][Ττ]/g, 'nd')
    .replace(/[Γγ][Κκ]/g, 'ng')
    .replace(/[Οο][Υυ]/g, 'ou')
    .replace(/[Αα][Υυ]/g, 'av')
    .replace(/[Εε][Υυ]/g, 'ev');
}

function orgPhrases(ascii: string): string {
  let out = ascii.toLowerCase();
  for (const [re, short] of ORG_PHRASES) out = out.replace(re, short);
  return out;
}

function clean(ascii: string): string {
  return (
    ascii
      .toLowerCase()
      // apostrophes and ayn/hamza marks join ("Nu'man" → "numan"): they are not word breaks
      .replace(/['`’‘ʼʻ´"]/g, '')
      .replace(/[^a-z0-9]+/g, ' ')
      .trim()
  );
}

function tidy(tokens: string[]): string[] {
  const kept = tokens.filter((t) => !HONORIFICS.has(t));
  return (kept.length > 0 ? kept : tokens).map((t) => ORG_SYNONYMS[t] ?? t);
}

/** "l x c aviation" → "lxc aviation": a run of single letters may be an acronym rather than initials. */
function collapseLetters(tokens: string[]): string[] | undefined {
  const out: string[] = [];
  let collapsed = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const prev = tokens[i - 1];
    if (t.length === 1 && prev?.length === 1) {
      out[out.length - 1] += t;
      collapsed = true;
    } else out.push(t);
  }
  return collapsed ? out : undefined;
}

function withAcronyms(forms: NameForm[]): NameForm[] {
  const out = [...forms];
  for (const f of forms) {
    const c = collapseLetters(f.tokens);
    if (c) out.push({ tokens: c, abjad: f.abjad });
  }
  return out;
}

/** Romanises a run of Han or Hangul characters syllable by syllable. */
function syllables(word: string): string[] {
  return [...word].map((ch) => clean(anyAscii(ch))).filter(Boolean);
}

/**
 * Readings of a Korean or Japanese name beside the plain ones, each a list of tokens: Revised Romanization,
 * the usual spellings of family names, Hepburn, and the spellings of foreign names written in Hangul or
 * katakana. A name's reading in one way joins its words' readings in that way; a word that has no reading
 * of that kind (Latin, Han) keeps its plain tokens.
 */
function scriptReadings(input: string, kanji: boolean): string[][] {
  const words = input.split(CJK_BREAKS).filter(Boolean);
  const perWord = words.map((word, i): Record<string, string[]> | undefined => {
    if (HANGUL_WORD.test(word)) return hangulReadings(word, i === 0);
    if (KANA_WORD.test(word)) return kanaReadings(word);
    if (kanji && KANJI_WORD.test(word)) {
      const reading = kanjiReading(word);
      // long vowels as written (井上 "inoue") and spelt once (太郎 "taro")
      return reading ? { kanji: reading, kanjiShort: reading.map(shortVowels) } : undefined;
    }
    return undefined;
  });
  const kinds = new Set<string>();
  for (const r of perWord) if (r) for (const k of Object.keys(r)) kinds.add(k);
  const out: string[][] = [];
  for (const kind of kinds) {
    const tokens: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const r = perWord[i];
      tokens.push(...(r?.[kind] ?? plainWord(words[i]!)));
    }
    out.push(tokens.filter(Boolean));
  }
  return out;
}

/** Adds readings not yet among the forms. */
function withReadings(forms: NameForm[], readings: string[][]): NameForm[] {
  const seen = new Set(forms.map((f) => f.tokens.join(' ')));
  for (const r of readings) {
    const tokens = tidy(r);
    const key = tokens.join(' ');
    if (!tokens.length || seen.has(key)) continue;
    seen.add(key);
    forms.push({ tokens, abjad: false });
  }
  return forms;
}

function plainWord(word: string): string[] {
  return clean(orgPhrases(anyAscii(word)))
    .split(' ')
    .filter(Boolean);
}

export interface NameFormOptions {
  /**
   * Also read kanji as a Japanese name (山田太郎 "yamada taro") beside the Chinese reading, with a dictionary
   * loaded on first use (see kanji.ts). Screening asks for it for the names it is given, not for listed names.
   */
  kanji?: boolean;
}

/** All readings of a name, the first being the plain one. */
export function nameForms(raw: string, options: NameFormOptions = {}): NameForm[] {
  const input = greekDigraphs(raw.normalize('NFC'));
  const forms = plainForms(input);
  // withReadings leaves out readings equal to a form already there (the plain one, for most names)
  if (forms.length > 0) withReadings(forms, eastSlavicReadings(input, forms[0]!.tokens));
  const kanji = options.kanji === true && HAN.test(input);
  if (!kanji && !HANGUL.test(input) && !KANA.test(input)) return forms;
  return withReadings(forms, scriptReadings(input, kanji));
}

function plainForms(input: string): NameForm[] {
  const abjad = ABJAD.test(input);
  if (!HAN.test(input) && !HANGUL.test(input)) {
    const tokens = tidy(
      clean(orgPhrases(anyAscii(input)))
        .split(' ')
        .filter(Boolean),
    );
    return tokens.length ? withAcronyms([{ tokens, abjad }]) : [];
  }
  // East Asian names have no spaces between family and given name: read each syllable apart,
  // and also as family name + joined given name ("习近平" → "xi jinping"), the usual romanisation.
  const split: string[] = [];
  const joined: string[] = [];
  for (const word of input.split(/[\s·・,]+/).filter(Boolean)) {
    if (HAN.test(word) || HANGUL.test(word)) {
      const parts = syllables(word);
      split.push(...parts);
      if (parts.length > 1 && parts.length <= 4) joined.push(parts[0]!, parts.slice(1).join(''));
      else joined.push(parts.join(''));
    } else {
      const t = plainWord(word);
      split.push(...t);
      joined.push(...t);
    }
  }
  const forms: NameForm[] = [];
  if (split.length) forms.push({ tokens: tidy(split), abjad });
  if (joined.length && joined.join(' ') !== split.join(' ')) forms.push({ tokens: tidy(joined), abjad });
  return forms;
}

/** Belarusian and Ukrainian names also read as the Russian spelling the lists mostly use (east-slavic.ts). */
function eastSlavicReadings(input: string, plain: string[]): string[][] {
  const slavic = isBelarusianCyrillic(input)
    ? (plainForms(input.split(/(\s+)/).map(belarusianToRussian).join(''))[0]?.tokens ?? plain)
    : plain;
  const russian = slavic.map((t) => russianGivenName(t) ?? t);
  // most names have neither reading: no work for withReadings then
  const readings = slavic === plain ? [] : [slavic];
  if (russian.some((t, i) => t !== slavic[i])) readings.push(russian);
  return readings;
}

/** The plain normalised string of a name, for literal comparison. */
export function normalizeName(raw: string): string {
  return nameForms(raw)[0]?.tokens.join(' ') ?? '';
}

/**
 * A consonant skeleton for comparing across scripts that write no short vowels: vowels and the
 * letters Arabic and Hebrew use as long vowels (w, y, v) drop out, p/b/f fold together (Arabic has
 * no p), doubled letters collapse. "Mohammed" and "mhmd" both give "mhmd"; "Putin" and "bwtyn" "btn".
 */
export function skeleton(token: string): string {
  let out = '';
  for (const ch of token) {
    let c = ch;
    if ('aeiouywv'.includes(c)) continue;
    if (c === 'p' || c === 'f') c = 'b';
    else if (c === 'q' || c === 'c') c = 'k';
    if (out.at(-1) === c) continue;
    out += c;
  }
  return out;
}

/** Double Metaphone codes of a token, deduplicated. */
export function phonetic(token: string): string[] {
  if (token.length < 2 || /\d/.test(token)) return [];
  const [a, b] = doubleMetaphone(token);
  const codes = a ? [a] : [];
  if (b && b !== a) codes.push(b);
  return codes;
}

/**
 * Folds spellings that transliteration schemes disagree on ("Khuseyn"/"Hussein", "Yevgeniy"/
 * "Evgeni", "Wladimir"/"Vladimir") to one form, for a second comparison.
 */
export function fold(token: string): string {
  const t = token
    .replace(/dzh|zh/g, 'j')
    .replace(/kh/g, 'h')
    .replace(/ph/g, 'f')
    .replace(/ck|q/g, 'k')
    .replace(/w/g, 'v')
    .replace(/ou|oo/g, 'u')
    .replace(/ee/g, 'i')
    .replace(/y/g, 'i');
  let out = '';
  for (const ch of t) if (out.at(-1) !== ch) out += ch;
  return out;
}
