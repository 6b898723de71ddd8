import { describe, expect, it } from 'vitest';
import type { RecognizedChar } from '../ocr/engine.ts';
import { correctMrz } from './correct.ts';

const read = (line: string, alternatives: Record<number, string> = {}): RecognizedChar[] =>
  [...line].map((char, i) => ({
    char,
    prob: alternatives[i] ? 0.6 : 0.99,
    alternatives: alternatives[i] ? [{ char: alternatives[i], prob: 0.35 }] : [],
  }));

const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];

describe('MRZ correction with check digits', () => {
  it('leaves a correct reading alone', () => {
    const r = correctMrz(TD3.map((l) => read(l)))!;
    expect(r.lines).toEqual(TD3);
    expect(r.corrections).toEqual([]);
    expect(r.failedChecks).toEqual([]);
  });

  it('fixes letters in digit fields and digits in letter fields, and says so', () => {
    const r = correctMrz([read(TD3[0]!.replace('UTO', 'UT0')), read(TD3[1]!.replace('740812', '74O8I2'))])!;
    expect(r.lines).toEqual(TD3);
    expect(r.corrections).toEqual(
      expect.arrayContaining([
        { line: 0, column: 4, from: '0', to: 'O', reason: 'class' },
        { line: 1, column: 15, from: 'O', to: '0', reason: 'class' },
        { line: 1, column: 17, from: 'I', to: '1', reason: 'class' },
      ]),
    );
  });

  it('uses the check digit to settle O/0 in the alphanumeric document number', () => {
    // The document number may hold letters and digits, so only its check digit can tell C from 0 here.
    const r = correctMrz([read(TD3[0]!), read(TD3[1]!.replace('L898902C3', 'L8989O2C3'))])!;
    expect(r.lines[1]).toBe(TD3[1]);
    expect(r.corrections).toContainEqual({ line: 1, column: 5, from: 'O', to: '0', reason: 'check-digit' });
    expect(r.failedChecks).toEqual([]);
  });

  it('restores fillers the OCR dropped at the end of the names line', () => {
    const r = correctMrz([read(TD3[0]!.slice(0, 36)), read(TD3[1]!)])!;
    expect(r.lines).toEqual(TD3);
  });

  it('reports a check digit it cannot repair instead of inventing a value', () => {
    const wrong = TD3[1]!.replace('7408122', '7408127');
    const r = correctMrz([read(TD3[0]!), read(wrong)])!;
    expect(r.failedChecks).toContain('birthDate');
    expect(r.lines[1]).toBe(wrong);
  });
});

describe('check-digit fixes are priced by the model (regressions from the specimen set)', () => {
  /** A reading where the model was sure of every character and says so (full distributions). */
  const sure = (line: string, alternatives: Record<number, [string, number]> = {}): RecognizedChar[] =>
    [...line].map((char, i) => ({
      char,
      prob: 0.999,
      alternatives: alternatives[i] ? [{ char: alternatives[i][0], prob: alternatives[i][1] }] : [],
      alternativesComplete: true,
    }));

  it('does not turn a confident 8 into B to please a check digit printed wrong', () => {
    // ICAO's example with a deliberately wrong personal-number check digit.
    const wrong = 'L898902C36UTO7408122F1204159ZE184226B<<<<<20';
    const r = correctMrz([sure(TD3[0]!), sure(wrong, { 30: ['8', 0.0002] })])!;
    expect(r.lines[1]).toBe(wrong);
    expect(r.failedChecks.length).toBeGreaterThan(0);
  });

  it('does not satisfy the composite by changing a field whose own check digit fails', () => {
    const TD1 = [
      'I<UTOD231458907<<<<<<<<<<<<<<<',
      '7408122F1204159UTO<<<<<<<<<<<6',
      'ERIKSSON<<ANNA<MARIA<<<<<<<<<<',
    ];
    // Document number check digit printed wrong (7 instead of 7→ here 8), composite broken with it.
    const bad = TD1[0]!.replace('D231458907', 'D231458908');
    const r = correctMrz([sure(bad, { 10: ['0', 0.3] }), sure(TD1[1]!), sure(TD1[2]!)])!;
    expect(r.failedChecks).toContain('documentNumber');
    expect(r.lines[0]!.slice(5, 14)).toBe('D23145890');
  });

  it('settles a real O/0 doubt the model had', () => {
    const read0 = TD3[1]!.replace('L898902C3', 'L8989O2C3');
    const r = correctMrz([sure(TD3[0]!), sure(read0, { 5: ['0', 0.2] })])!;
    expect(r.lines[1]).toBe(TD3[1]);
    expect(r.failedChecks).toEqual([]);
  });

  it('clears a speck read as a letter inside the names filler', () => {
    const speck = `${TD3[0]!.slice(0, 30)}A${TD3[0]!.slice(31)}`;
    const r = correctMrz([sure(speck), sure(TD3[1]!)])!;
    expect(r.lines[0]).toBe(TD3[0]);
    expect(r.corrections).toContainEqual({ line: 0, column: 30, from: 'A', to: '<', reason: 'filler' });
  });
});
