import { ar } from './ar.ts';
import { de } from './de.ts';
import { type Dictionary, en, type MessageKey } from './en.ts';
import { es } from './es.ts';
import { et } from './et.ts';
import { fr } from './fr.ts';

export type { Dictionary, MessageKey };
export const DICTIONARIES = { en, de, fr, es, et, ar } as const satisfies Record<string, Dictionary>;
export type Lang = keyof typeof DICTIONARIES;
export const LANGS = Object.keys(DICTIONARIES) as Lang[];
export const RTL: ReadonlySet<Lang> = new Set(['ar']);

/** The first supported language of: the one the applicant chose, the session's locale, the browser's. */
export function pickLang(candidates: readonly (string | null | undefined)[]): Lang {
  for (const c of candidates) {
    if (!c) continue;
    const base = c.toLowerCase().split(/[-_]/)[0] as Lang;
    if (LANGS.includes(base)) return base;
  }
  return 'en';
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const dict: Dictionary = DICTIONARIES[lang];
  return (key, vars) => {
    const text: string = dict[key] ?? en[key];
    return vars ? text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : text;
  };
}
