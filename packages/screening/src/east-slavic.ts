/**
 * Russian readings of Belarusian and Ukrainian names. Sanctions lists mostly spell people from Belarus and Ukraine
 * as in Russian ("Aleksandr Lukashenko"), while documents and the press use the national spelling ("Аляксандр
 * Лукашэнка", "Aliaksandr", "Oleksandr"), which any-ascii alone leaves too far apart to match or even to share an
 * index key with.
 */

const CYRILLIC = /\p{Script=Cyrillic}/u;
/** Letters Russian lacks: і and ў are Belarusian (і also Ukrainian); ї, є and ґ are only Ukrainian. */
const BELARUSIAN_OR_UKRAINIAN = /[іІўЎ]/;
const UKRAINIAN_ONLY = /[їЇєЄґҐ]/;
const SOFTENING = 'іеёюяьІЕЁЮЯ';

/**
 * Belarusian spelling back to Russian, letter by letter, by the sound rules that set the two apart (see the
 * Belarusian grammar's "цеканне" and "дзеканне": soft т and д are pronounced and written ц and дз; і and э for
 * Russian и and е after a hard consonant; ў for a non-syllabic в/у, and a word-initial у for в before a consonant):
 * "Уладзімір" → "Владимир", "Пуцін" → "Путин", "Лукашэнка" → "Лукашенка".
 */
export function belarusianToRussian(word: string): string {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    const ch = word[i]!;
    const next = word[i + 1] ?? '';
    const lower = ch.toLowerCase();
    const upper = ch !== lower;
    const keepCase = (s: string) => (upper ? s.toUpperCase() : s);
    if (lower === 'у' && i === 0 && next && /[бвгджзйклмнпрстфхцчшщ]/i.test(next)) out += keepCase('в');
    else if (lower === 'ў') out += keepCase('в');
    else if (lower === 'ц' && SOFTENING.includes(next)) out += keepCase('т');
    else if (lower === 'д' && next.toLowerCase() === 'з' && SOFTENING.includes(word[i + 2] ?? '')) {
      out += keepCase('д');
      i++; // the з of дз
    } else if (lower === 'і') out += keepCase('и');
    else if (lower === 'э' && i > 0) out += keepCase('е');
    else out += ch;
  }
  return out;
}

/** Whether a name is Cyrillic in Belarusian spelling (and not Ukrainian, whose ц and д are not softened). */
export function isBelarusianCyrillic(name: string): boolean {
  return CYRILLIC.test(name) && BELARUSIAN_OR_UKRAINIAN.test(name) && !UKRAINIAN_ONLY.test(name);
}

/**
 * The same Christian given names in their Belarusian and Ukrainian forms, in the Latin spellings of the national
 * romanisations (Belarus: the 2007 national system and BGN/PCGN; Ukraine: Cabinet of Ministers resolution no. 55
 * of 2010 and older passport spellings), as any-ascii writes the Cyrillic, and the Russian form (BGN/PCGN) the lists
 * use. The pairs are the standard name equivalents given by the three languages' name dictionaries (e.g. the
 * Belarusian "Слоўнік асабовых уласных імёнаў" and Ukrainian "Словник українських імен"), not spelling rules: the
 * names differ by more than the letters (Mykola/Nikolai, Petro/Pyotr).
 */
const RUSSIAN_GIVEN_NAME: Record<string, string> = {};
const EQUIVALENTS: Array<[string, string[]]> = [
  ['aleksandr', ['aliaksandr', 'alyaksandr', 'aleksandar', 'oleksandr', 'olexandr', 'oleksander']],
  ['aleksei', ['aliaksei', 'alyaksei', 'aliaksiej', 'oleksii', 'oleksiy', 'oleksij']],
  ['vladimir', ['uladzimir', 'uladzimer', 'volodymyr', 'volodimir', 'wolodymyr']],
  ['nikolai', ['mikalai', 'mikalaj', 'mykola', 'mikola']],
  ['sergei', ['siarhei', 'siargei', 'syargei', 'siarhiej', 'serhii', 'serhiy', 'serhij', 'sergii', 'sergiy']],
  ['yuri', ['yury', 'iury', 'yuryi', 'jury', 'yurii', 'yuriy', 'yurij', 'iurii']],
  ['mikhail', ['mikhas', 'mikhal', 'mykhailo', 'mykhaylo', 'mikhailo', 'mykhajlo']],
  ['andrei', ['andrii', 'andriy', 'andrij']],
  ['dmitri', ['dzmitry', 'dzmitryi', 'dzmitrii', 'dmytro', 'dmitro']],
  ['pyotr', ['piotr', 'piatro', 'pyatro', 'petro']],
  ['pavel', ['paval', 'pavlo']],
  ['grigori', ['ryhor', 'rygor', 'hryhorii', 'hryhoriy', 'hryhorij', 'grigoriy', 'grigorii']],
  ['yevgeni', ['yauhen', 'iauhen', 'yaugen', 'yavgen', 'yevhen', 'ievgen', 'yevgen', 'ievhen', 'evhen']],
  ['viktor', ['viktar']],
  ['anatoli', ['anatol', 'anatolii', 'anatoliy', 'anatolij']],
  ['vasili', ['vasil', 'vasyl']],
  ['georgi', ['heorhii', 'heorhiy', 'georgiy', 'georgii']],
  ['igor', ['ihar', 'igar', 'ihor']],
  ['oleg', ['aleh', 'aleg', 'oleh']],
  ['vitali', ['vitaly', 'vitalii', 'vitaliy', 'vitalij']],
  ['valeri', ['valery', 'valeryi', 'valerii', 'valeriy', 'valerij']],
  ['leonid', ['leanid']],
  ['yegor', ['yahor', 'iahor', 'egor', 'iegor']],
  ['konstantin', ['kanstantsin', 'kanstantin', 'kostiantyn', 'kostyantyn']],
  ['stepan', ['stsiapan', 'styapan']],
  ['fyodor', ['fiodar', 'fedir']],
  ['yelena', ['alena', 'aliona', 'olena']],
  ['olga', ['volha', 'olha']],
  ['natalya', ['natallia', 'natalla', 'nataliia']],
  ['tatyana', ['tatsiana', 'tatstsiana', 'tetiana', 'tetyana']],
];
for (const [russian, others] of EQUIVALENTS) for (const o of others) RUSSIAN_GIVEN_NAME[o] ??= russian;

/** The Russian form of a Belarusian or Ukrainian given name (lower-case ASCII), if it has one. */
export function russianGivenName(token: string): string | undefined {
  return Object.hasOwn(RUSSIAN_GIVEN_NAME, token) ? RUSSIAN_GIVEN_NAME[token] : undefined;
}
