import { DEFAULT_LIVENESS_THRESHOLD, DEFAULT_MATCH_THRESHOLD } from '@openidv/biometrics';
import { describe, expect, it } from 'vitest';
import { fromDiditScore, toDiditScore } from './scores.ts';

describe('Didit scores on openidv scales', () => {
  it("puts Didit's usual thresholds on openidv's calibrated defaults, not on hundredths", () => {
    // liveness declined below 50 in Didit means what 0.03 means to openidv's passive model
    expect(fromDiditScore('liveness', 50)).toBe(DEFAULT_LIVENESS_THRESHOLD);
    expect(fromDiditScore('face-match', 40)).toBe(DEFAULT_MATCH_THRESHOLD);
    expect(toDiditScore('liveness', DEFAULT_LIVENESS_THRESHOLD)).toBe(50);
    expect(toDiditScore('face-match', DEFAULT_MATCH_THRESHOLD)).toBe(40);
  });

  it('keeps both ends and the order of scores', () => {
    for (const check of ['liveness', 'face-match']) {
      expect(toDiditScore(check, 0)).toBe(0);
      expect(toDiditScore(check, 1)).toBe(100);
      let previous = -1;
      for (let x = 0; x <= 1; x += 0.01) {
        const d = toDiditScore(check, x);
        expect(d).toBeGreaterThanOrEqual(previous);
        previous = d;
      }
    }
    // a cosine similarity below zero is simply no match
    expect(toDiditScore('face-match', -0.3)).toBe(0);
  });

  it('reads back every whole Didit threshold as it was given', () => {
    for (const check of ['liveness', 'face-match', 'aml'])
      for (let d = 0; d <= 100; d++) expect(toDiditScore(check, fromDiditScore(check, d))).toBe(d);
  });

  it('shows other scores (AML) as plain hundredths', () => {
    expect(toDiditScore('aml', 0.8)).toBe(80);
    expect(fromDiditScore('aml', 85)).toBe(0.85);
  });
});
