import anyAscii from 'any-ascii';
import countries from 'i18n-iso-countries';

/** Names lists use that i18n-iso-countries does not know (publishers' own wording). */
const EXTRA: Record<string, string> = {
  syria: 'sy',
  burma: 'mm',
  'korea north': 'kp',
  'north korea': 'kp',
  'korea south': 'kr',
  'south korea': 'kr',
  'democratic peoples republic of korea': 'kp',
  palestinian: 'ps',
  'west bank': 'ps',
  'gaza strip': 'ps',
  'region gaza': 'ps',
  'viet nam': 'vn',
  laos: 'la',
  'hong kong': 'hk',
  macau: 'mo',
  kosovo: 'xk',
  'czech republic': 'cz',
  'bahamas the': 'bs',
  'the gambia': 'gm',
  'gambia the': 'gm',
  'cote d ivoire': 'ci',
  'congo democratic republic of the': 'cd',
  'congo republic of the': 'cg',
  'virgin islands british': 'vg',
  'netherlands antilles': 'an',
  'united states': 'us',
  'soviet union': 'su',
  'region crimea': 'ua',
  'united republic of tanzania': 'tz',
  'bolivarian republic of venezuela': 've',
  'venezuela bolivarian republic of': 've',
  'iran islamic republic of': 'ir',
  'russian federation': 'ru',
  turkiye: 'tr',
};

function key(name: string): string {
  return anyAscii(name)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

let lookup: Map<string, string> | undefined;

function table(): Map<string, string> {
  if (lookup) return lookup;
  lookup = new Map();
  const names = countries.getNames('en', { select: 'all' });
  for (const [alpha2, list] of Object.entries(names)) {
    for (const n of list) lookup.set(key(n), alpha2.toLowerCase());
  }
  for (const [n, code] of Object.entries(EXTRA)) lookup.set(n, code);
  return lookup;
}

/**
 * Maps a country as a list or a document gives it (alpha-2, alpha-3, or an English name in
 * the publishers' several styles: "Korea, North", "Iran (Islamic Republic of)") to lower-case
 * ISO alpha-2, or undefined when it is not a country ("undetermined", "Region: Kafia Kingi").
 */
export function toCountryCode(value: string | undefined | null): string | undefined {
  if (!value) return undefined;
  const raw = value.trim();
  if (raw === '' || raw === '00') return undefined;
  if (/^[A-Za-z]{2}$/.test(raw)) {
    return countries.isValid(raw.toUpperCase()) || raw.toLowerCase() === 'xk' ? raw.toLowerCase() : undefined;
  }
  if (/^[A-Za-z]{3}$/.test(raw)) {
    // ICAO codes on documents: D for Germany is one letter; three letters are alpha-3.
    const a2 = countries.alpha3ToAlpha2(raw.toUpperCase());
    if (a2) return a2.toLowerCase();
  }
  if (raw.toUpperCase() === 'D' || raw.toUpperCase() === 'D<<') return 'de';
  const t = table();
  const k = key(raw);
  const direct = t.get(k);
  if (direct) return direct;
  const noParens = key(raw.replace(/\([^)]*\)/g, ' '));
  const fromParens = t.get(noParens);
  if (fromParens) return fromParens;
  // "Korea, North" → "North Korea"
  const comma = raw.indexOf(',');
  if (comma > 0) {
    const flipped = t.get(key(`${raw.slice(comma + 1)} ${raw.slice(0, comma)}`));
    if (flipped) return flipped;
  }
  return undefined;
}
