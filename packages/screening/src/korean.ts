import { disassembleCompleteCharacter, romanize } from 'es-hangul';

/**
 * Readings of a Hangul word beside any-ascii's syllable-by-syllable one, which follows no standard
 * (ㄹ is always "l": 블라디미르 → "beul la di mi leu").
 */

/**
 * How Korean family names are spelt in passports and lists, which is rarely their Revised Romanization
 * (박 is "Park", not "Bak"). The usual spelling of each of the commonest family names.
 */
const FAMILY_NAMES: Record<string, string> = {
  김: 'kim',
  이: 'lee',
  박: 'park',
  최: 'choi',
  정: 'jung',
  강: 'kang',
  조: 'cho',
  윤: 'yoon',
  장: 'jang',
  임: 'lim',
  한: 'han',
  오: 'oh',
  서: 'seo',
  신: 'shin',
  권: 'kwon',
  황: 'hwang',
  안: 'ahn',
  송: 'song',
  류: 'ryu',
  유: 'yoo',
  전: 'jeon',
  홍: 'hong',
  고: 'ko',
  문: 'moon',
  양: 'yang',
  손: 'son',
  배: 'bae',
  백: 'baek',
  허: 'heo',
  노: 'noh',
  남: 'nam',
  심: 'shim',
  곽: 'kwak',
  성: 'sung',
  차: 'cha',
  주: 'joo',
  우: 'woo',
  구: 'koo',
  민: 'min',
  진: 'jin',
  지: 'ji',
  엄: 'eom',
  채: 'chae',
  원: 'won',
  천: 'cheon',
  방: 'bang',
  공: 'kong',
  현: 'hyun',
  함: 'ham',
  변: 'byun',
  염: 'yeom',
  여: 'yeo',
  추: 'choo',
  도: 'do',
  석: 'seok',
  선: 'sun',
  설: 'seol',
  마: 'ma',
  길: 'gil',
  연: 'yeon',
  표: 'pyo',
  명: 'myung',
  기: 'ki',
  반: 'ban',
  왕: 'wang',
  금: 'keum',
  옥: 'ok',
  육: 'yook',
  인: 'in',
  맹: 'maeng',
  제: 'je',
  모: 'mo',
  탁: 'tak',
  국: 'kook',
  어: 'eo',
  은: 'eun',
  편: 'pyeon',
  용: 'yong',
  예: 'ye',
  경: 'kyung',
  봉: 'bong',
  사: 'sa',
  부: 'boo',
  황보: 'hwangbo',
  남궁: 'namgung',
  제갈: 'jegal',
  선우: 'sunwoo',
  독고: 'dokgo',
};

/** Revised Romanization of one Hangul run, with the standard's sound rules (신라 → "silla", ㄹ before a vowel → "r"). */
function revised(word: string): string {
  return romanize(word).toLowerCase();
}

/**
 * The spelling given names are usually written with: ㅓ and ㅡ as "u" (성 "sung", 은 "un"), the way
 * McCune–Reischauer spells them without its breves and most passports still do,
 */
function conventional(syllable: string): string {
  // and an initial ㄱ as "k" (기 "ki", 경 "kyung"), as names write each syllable apart
  return revised(syllable).replace(/^g/, 'k').replace(/eo/g, 'u').replace(/eu/g, 'u');
}

const INITIALS: Record<string, string> = {
  ㄱ: 'g',
  ㄲ: 'kk',
  ㄴ: 'n',
  ㄷ: 'd',
  ㄸ: 'tt',
  ㄹ: 'r',
  ㅁ: 'm',
  ㅂ: 'b',
  ㅃ: 'pp',
  ㅅ: 's',
  ㅆ: 'ss',
  ㅇ: '',
  ㅈ: 'j',
  ㅉ: 'jj',
  ㅊ: 'ch',
  ㅋ: 'k',
  ㅌ: 't',
  ㅍ: 'p',
  ㅎ: 'h',
};
const VOWELS: Record<string, string> = {
  ㅏ: 'a',
  ㅐ: 'ae',
  ㅑ: 'ya',
  ㅒ: 'yae',
  // a transcribed foreign name writes the English and Russian short vowels (Trump, Donald) with ㅓ
  ㅓ: 'u',
  ㅔ: 'e',
  ㅕ: 'yu',
  ㅖ: 'ye',
  ㅗ: 'o',
  ㅘ: 'wa',
  ㅙ: 'wae',
  ㅚ: 'oe',
  ㅛ: 'yo',
  ㅜ: 'u',
  ㅝ: 'wo',
  ㅞ: 'we',
  ㅟ: 'wi',
  ㅠ: 'yu',
  ㅡ: 'eu',
  ㅢ: 'ui',
  ㅣ: 'i',
};
/** Final consonants as foreign names use them (the transcription rules allow only ㄱ ㄴ ㄹ ㅁ ㅂ ㅅ ㅇ). */
const FINALS: Record<string, string> = {
  ㄱ: 'k',
  ㄴ: 'n',
  ㄹ: 'l',
  ㅁ: 'm',
  ㅂ: 'p',
  ㅅ: 't',
  ㅇ: 'ng',
};

/**
 * How a foreign name written in Hangul was spelt before: Korean adds a vowel ㅡ after consonants that
 * are not followed by one (블라디미르 "bl-a-di-mi-r", 스미스 "s-mi-s"), writes an l before a vowel as ㄹㄹ
 * (블라 "bla") and a final ch as 치. Those additions are taken out. Undefined when the word has none.
 */
function foreign(word: string): string | undefined {
  const chars = [...word];
  let out = '';
  let changed = false;
  let prevFinal = '';
  for (let i = 0; i < chars.length; i++) {
    const d = disassembleCompleteCharacter(chars[i]!);
    if (!d) return undefined;
    const last = i === chars.length - 1;
    let initial = INITIALS[d.choseong] ?? '';
    // ㄹㄹ is one l; a lone ㄹ before a vowel is an r (or an l: the scorer takes either as close)
    if (d.choseong === 'ㄹ' && prevFinal === 'ㄹ') initial = '';
    let vowel = VOWELS[d.jungseong] ?? '';
    const nextInitial = chars[i + 1] ? disassembleCompleteCharacter(chars[i + 1]!)?.choseong : undefined;
    // 블라 is "bla": the ㄹ of ㄹㄹ closes a syllable whose ㅡ was added
    const epentheticBeforeL = d.jongseong === 'ㄹ' && nextInitial === 'ㄹ';
    if (d.jungseong === 'ㅡ' && (!d.jongseong || epentheticBeforeL)) {
      vowel = '';
      changed = true;
    } else if (last && d.jungseong === 'ㅣ' && !d.jongseong && (d.choseong === 'ㅊ' || d.choseong === 'ㅈ')) {
      // 치/지 at the end write a final ch/j (Vladimirovich → 블라디미로비치)
      vowel = '';
      changed = true;
    }
    const final = d.jongseong ? (FINALS[d.jongseong[0]!] ?? '') : '';
    out += initial + vowel + final;
    prevFinal = d.jongseong;
  }
  return changed ? out : undefined;
}

/** Ways of reading a Hangul word; a name's reading in one way joins its words' readings in that way. */
export type HangulReading = 'revised' | 'whole' | 'usual' | 'usualJoined' | 'foreign';

/**
 * Readings of one word written in Hangul, beside the plain syllable-by-syllable one. `first` says the word
 * starts the name, where a family name stands.
 */
export function hangulReadings(word: string, first: boolean): Record<HangulReading, string[]> {
  const syllables = [...word];
  const whole = [revised(word)];
  const foreignForm = foreign(word);
  const readings: Record<HangulReading, string[]> = {
    revised: whole,
    whole,
    usual: syllables.map(conventional),
    usualJoined: [syllables.map(conventional).join('')],
    foreign: foreignForm ? [foreignForm] : whole,
  };
  // A name of two to four syllables is a family name and a given name; a few family names have two syllables.
  if (first && syllables.length <= 4) {
    const familyLength = syllables.length >= 3 && FAMILY_NAMES[syllables.slice(0, 2).join('')] ? 2 : 1;
    const family = syllables.slice(0, familyLength).join('');
    const given = syllables.slice(familyLength);
    const usualFamily = FAMILY_NAMES[family] ?? conventional(family);
    if (given.length) readings.revised = [revised(family), revised(given.join(''))];
    readings.usual = [usualFamily, ...given.map(conventional)];
    readings.usualJoined = given.length ? [usualFamily, given.map(conventional).join('')] : [usualFamily];
  }
  return readings;
}
