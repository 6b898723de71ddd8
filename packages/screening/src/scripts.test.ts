import { describe, expect, it } from 'vitest';
import { belarusianToRussian, russianGivenName } from './east-slavic.ts';
import { screen } from './match.ts';
import { emptyEntity } from './model.ts';
import { nameForms } from './normalize.ts';
import { buildIndex } from './search-index.ts';

const readings = (name: string, kanji = false) => nameForms(name, { kanji }).map((f) => f.tokens.join(' '));

/** The score of a name screened against one listed person. */
function score(query: string, listed: string): number {
  const entity = emptyEntity('test', '1', 'person');
  entity.topics.push('sanction');
  entity.names.push({ name: listed, strength: 'primary' });
  return screen(buildIndex([entity]), { name: query }, { includeNonMatches: true, limit: 1 })[0]?.score ?? 0;
}

describe('Korean names in Hangul', () => {
  it('keeps the syllable-by-syllable reading first and adds Revised Romanization, with ㄹ as r before a vowel', () => {
    const forms = readings('이승만');
    expect(forms[0]).toBe('i seung man');
    expect(forms).toContain('i seungman');
    // ㄹ before a vowel is r, ㄹㄹ is ll and ㄴㄹ sounds ll (신라 "Silla"): the standard's sound rules apply
    expect(readings('노무현 서울')).toContain('no muhyeon seoul');
    expect(readings('김 라라')).toContain('gim rara');
    expect(readings('신라')).toContain('silla');
  });

  it('spells common family names as passports do, and given names with ㅓ and ㅡ as u', () => {
    expect(readings('김정은')).toContain('kim jung un');
    expect(readings('이명박')).toContain('lee myung bak');
    expect(readings('최순실')).toContain('choi sun sil');
    expect(readings('반기문')).toContain('ban ki mun');
    expect(readings('남궁민수')).toContain('namgung min su');
    expect(score('김정은', 'Kim Jong Un')).toBeGreaterThanOrEqual(0.9);
    expect(score('반기문', 'Ban Ki-moon')).toBeGreaterThanOrEqual(0.9);
    expect(score('이명박', 'LEE Myung-bak')).toBeGreaterThanOrEqual(0.9);
  });

  it('takes out the vowels Korean adds to foreign names (epenthetic ㅡ, ㄹㄹ for l, 치 for a final ch)', () => {
    expect(readings('도널드 트럼프')).toContain('donuld trump');
    expect(readings('존 스미스')).toContain('jon smis');
    expect(readings('블라디미로비치')).toContain('bladimirobich');
    expect(readings('클린턴')).toContain('klintun');
    expect(score('도널드 트럼프', 'Donald Trump')).toBeGreaterThanOrEqual(0.9);
    expect(score('존 스미스', 'John Smith')).toBeGreaterThanOrEqual(0.8);
    expect(score('빌 클린턴', 'Bill Clinton')).toBeGreaterThanOrEqual(0.8);
  });

  it('does not make different people alike', () => {
    expect(score('김정은', 'Donald Trump')).toBeLessThan(0.5);
    expect(score('도널드 트럼프', 'Kim Jong Un')).toBeLessThan(0.5);
    expect(score('박정희', 'Park Ji Sung')).toBeLessThan(0.8);
  });
});

describe('Japanese names in kana', () => {
  it('reads kana in Hepburn, long vowels also spelt once', () => {
    expect(readings('すずき いちろう')).toEqual(expect.arrayContaining(['suzuki ichirou', 'suzuki ichiro']));
    expect(readings('サトウ・ユウコ')).toContain('sato yuko');
    expect(score('やまもと ゆうこ', 'Yamamoto Yuko')).toBeGreaterThanOrEqual(0.95);
  });

  it('takes out the vowels katakana adds to foreign names, reads チ as ti and, as older spellings do, ジ as di', () => {
    expect(readings('ドナルド・トランプ')).toContain('donard tramp');
    expect(readings('ジョン・スミス')).toContain('jon smis');
    expect(readings('ジョージ・ブッシュ')).toContain('joji bush');
    expect(readings('ラジオ')).toContain('radio');
    expect(score('ドナルド・トランプ', 'Donald Trump')).toBeGreaterThanOrEqual(0.85);
    expect(score('ジョン・スミス', 'John Smith')).toBeGreaterThanOrEqual(0.8);
    expect(score('ドナルド・トランプ', 'Vladimir Putin')).toBeLessThan(0.5);
  });
});

describe('names in kanji', () => {
  it('reads them as Japanese names too, keeping the Chinese readings first', () => {
    const forms = readings('岸田文雄', true);
    expect(forms.slice(0, 2)).toEqual(['an tian wen xiong', 'an tianwenxiong']);
    expect(forms).toContain('kishida fumio');
    expect(readings('鈴木一郎', true)).toEqual(expect.arrayContaining(['suzuki ichirou', 'suzuki ichiro']));
    expect(readings('井上陽水', true)).toContain('inoue yousui');
    expect(readings('习近平', true).slice(0, 2)).toEqual(['xi jin ping', 'xi jinping']);
  });

  it('matches Japanese and Chinese names written in kanji', () => {
    expect(score('岸田文雄', 'Kishida Fumio')).toBeGreaterThanOrEqual(0.95);
    expect(score('佐藤栄作', 'SATO, Eisaku')).toBeGreaterThanOrEqual(0.95);
    expect(score('习近平', 'Xi Jinping')).toBeGreaterThanOrEqual(0.95);
    expect(score('岸田文雄', 'Suzuki Ichiro')).toBeLessThan(0.5);
  });

  it('leaves listed names to their Chinese readings unless asked', () => {
    expect(readings('岸田文雄')).not.toContain('kishida fumio');
  });
});

describe('names in Arabic script', () => {
  it('are not taken for a Latin name that shares only some consonants', () => {
    expect(readings('فضل ربيع')).toEqual(['fdl rby']);
    expect(score('فضل ربيع', 'Rob Woodall')).toBeLessThan(0.8);
  });

  it('match the Latin spelling of a European name on their consonants', () => {
    expect(readings('دونالد ترامب')).toEqual(['dwnld trmb']);
    expect(score('دونالد ترامب', 'Donald Trump')).toBeGreaterThanOrEqual(0.9);
  });
});

describe('Belarusian and Ukrainian names beside the Russian spelling the lists use', () => {
  it('reads Belarusian Cyrillic back to Russian by the sound rules (soft т/д written ц/дз, і, э, ў, initial у)', () => {
    expect(belarusianToRussian('Уладзімір')).toBe('Владимир');
    expect(belarusianToRussian('Пуцін')).toBe('Путин');
    expect(belarusianToRussian('Лукашэнка')).toBe('Лукашенка');
    expect(belarusianToRussian('Шаўцоў')).toBe('Шавцов');
    // дз and ц before a soft vowel are softened д and т; before a hard vowel they stay
    expect(belarusianToRussian('Дзяржынскі')).toBe('Дяржынски');
    expect(belarusianToRussian('Дзядок')).toBe('Дядок');
    expect(belarusianToRussian('Цагельнік')).toBe('Цагельник');
    expect(readings('Уладзімір Макей')).toContain('vladimir makey');
    expect(score('Уладзімір Макей', 'MAKEI, Vladimir Vladimirovich')).toBeGreaterThanOrEqual(0.9);
  });

  it('gives the Russian form of given names that differ by more than spelling, in Cyrillic or Latin', () => {
    expect(russianGivenName('mykola')).toBe('nikolai');
    expect(russianGivenName('aliaksandr')).toBe('aleksandr');
    expect(russianGivenName('serhiy')).toBe('sergei');
    expect(russianGivenName('yury')).toBe('yuri');
    expect(russianGivenName('vladimir')).toBeUndefined();
    expect(russianGivenName('constructor')).toBeUndefined();
    expect(readings('Аляксандр Лукашэнка')).toContain('aleksandr lukashenka');
    expect(readings('Олександр')).toEqual(['oleksandr', 'aleksandr']);
    expect(readings('Petro Poroshenko')).toContain('pyotr poroshenko');
    expect(score('Аляксандр Лукашэнка', 'LUKASHENKO, Alexander Grigoryevich')).toBeGreaterThanOrEqual(0.88);
    expect(score('Mykola Azarov', 'AZAROV, Nikolai Yanovich')).toBeGreaterThanOrEqual(0.9);
    expect(score('Олександр', 'Aleksandr')).toBe(1);
  });

  it('leaves Russian names as they are', () => {
    expect(readings('Владимир Путин')).toEqual(['vladimir putin']);
  });
});
