/**
 * A cheap upper bound on how alike two name tokens can be, from which letters each contains. Most token pairs a
 * query meets share few letters ("putin" / "mohammed"), and proving that they cannot pair costs a few bit
 * operations where computing edit distance and Jaro-Winkler cost most of the screening time.
 */

/**
 * The set of characters in a token as bits: one per letter a-z, the rest folded onto the remaining six bits
 * (two characters sharing a bit only loosens the bound). 0 for a token with a character outside ASCII, for which
 * no bound is given: the Jaro-Winkler package counts code points, not UTF-16 units.
 */
export function charMask(token: string): number {
  let mask = 0;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c > 0x7f) return 0;
    mask |= c >= 97 && c <= 122 ? 1 << (c - 97) : 1 << (26 + (c % 6));
  }
  return mask;
}

function bitCount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * The most characters two tokens can have in common, counted with multiplicity: each distinct character of one
 * that the other lacks leaves at least one of its positions unmatched. -1 when either token has no mask.
 */
export function commonCharsBound(lengthA: number, maskA: number, lengthB: number, maskB: number): number {
  if (maskA === 0 || maskB === 0) return -1;
  return Math.min(lengthA - bitCount(maskA & ~maskB), lengthB - bitCount(maskB & ~maskA));
}

/**
 * Upper bound on match.ts's plainSimilarity, the mean of the edit ratio and Jaro-Winkler, for tokens with at most
 * `common` characters in common. Edit distance is at least the longer length less the common characters; Jaro's
 * matches are at most the common characters; the Winkler prefix bonus is nothing when the first letters differ,
 * and otherwise at most 0.5 of the remainder (the package counts up to five prefix letters).
 */
export function plainSimilarityBound(
  lengthA: number,
  lengthB: number,
  common: number,
  sameFirst: boolean,
): number {
  if (common <= 0) return 0;
  const longest = Math.max(lengthA, lengthB);
  const jaro = (common / lengthA + common / lengthB + 1) / 3;
  const jw = sameFirst ? jaro + 0.5 * (1 - jaro) : jaro;
  return (Math.min(1, common / longest) + Math.min(1, jw)) / 2;
}
