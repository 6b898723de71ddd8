import { DEFAULT_LIVENESS_THRESHOLD, DEFAULT_MATCH_THRESHOLD } from '@openidv/biometrics';

/**
 * Didit's liveness and face-match scores run from 0 to 100, with its thresholds in the middle of the range (its
 * examples decline liveness below 50 and faces below 40). openidv's models score on scales of their own: the passive
 * liveness model gives live faces a small probability (it passes at 0.03), and face match is a cosine similarity
 * (same person at 0.35). Scores and thresholds cross between the two by a piecewise-linear map that puts openidv's
 * default threshold where Didit's usual one is, so that a Didit workflow's thresholds, and an integrator's own rules
 * on Didit scores, keep their meaning: taking them as hundredths would decline most real selfies.
 */
const ANCHORS: Record<string, { openidv: number; didit: number }> = {
  liveness: { openidv: DEFAULT_LIVENESS_THRESHOLD, didit: 50 },
  'face-match': { openidv: DEFAULT_MATCH_THRESHOLD, didit: 40 },
};

/** An openidv check score as Didit shows it, 0–100 with two decimals; AML and other scores are plain hundredths. */
export function toDiditScore(check: string, score: number): number {
  const anchor = ANCHORS[check];
  let d: number;
  if (!anchor) d = score * 100;
  else {
    const x = Math.min(1, Math.max(0, score));
    const { openidv: x0, didit: d0 } = anchor;
    d = x <= x0 ? (x / x0) * d0 : d0 + ((x - x0) / (1 - x0)) * (100 - d0);
  }
  return Math.round(d * 100) / 100;
}

/** A Didit score or threshold (0–100) on the openidv check's own scale: the inverse of toDiditScore. */
export function fromDiditScore(check: string, d: number): number {
  const anchor = ANCHORS[check];
  if (!anchor) return d / 100;
  const { openidv: x0, didit: d0 } = anchor;
  const x = d <= d0 ? (d / d0) * x0 : x0 + ((d - d0) / (100 - d0)) * (1 - x0);
  return Math.round(x * 1e6) / 1e6;
}
