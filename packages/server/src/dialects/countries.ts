import countries from 'i18n-iso-countries';

/**
 * Vendor APIs speak ISO 3166-1 alpha-2; documents print alpha-3. Alpha-2 for a code as printed on a document
 * (alpha-3, or "D", Germany's MRZ code).
 */
export function toAlpha2(code: unknown): string | null {
  if (typeof code !== 'string' || !code) return null;
  const c = code.replace(/</g, '').toUpperCase();
  if (c.length === 2) return c;
  if (c === 'D') return 'DE';
  return countries.alpha3ToAlpha2(c) ?? c;
}

export function toAlpha3(code: string | undefined): string | undefined {
  if (!code) return undefined;
  const c = code.toUpperCase();
  return c.length === 2 ? (countries.alpha2ToAlpha3(c) ?? c) : c;
}
