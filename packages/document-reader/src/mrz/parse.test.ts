import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMrz } from './parse.ts';
import { computeCheckDigit } from './templates.ts';

interface Vector {
  source_repo: string;
  kind: string;
  test: string;
  input?: string;
  check_digit?: string;
  input_lines?: string[];
  options?: { autocorrect?: boolean };
  expected: Record<string, unknown>;
}
const { vectors } = JSON.parse(
  readFileSync(new URL('../../fixtures/mrz-vectors.json', import.meta.url), 'utf8'),
) as {
  vectors: Vector[];
};

const cheminfo = vectors.filter((v) => v.source_repo === 'cheminfo/mrz' && v.kind === 'parse');
// Autocorrection is the reader's job (correct.ts, with OCR probabilities), so those vectors are not ours.
const ours = (v: Vector) => /TD1|TD3|TD2|French National Id/.test(v.test) && !/autocorrect/i.test(v.test);

describe('ICAO 9303 parsing matches the published test vectors', () => {
  it.each(cheminfo.filter((v) => ours(v) && !v.input_lines!.join('').includes('UTO')))('$test', (v) => {
    const r = parseMrz(v.input_lines!);
    expect(r.library?.valid).toBe(v.expected['valid']);
    if (v.expected['fields']) expect(r.library?.fields).toMatchObject(v.expected['fields'] as object);
    if (v.expected['documentNumber'] !== undefined)
      expect(r.library?.documentNumber).toBe(v.expected['documentNumber']);
  });

  it.each(cheminfo.filter((v) => ours(v) && v.input_lines!.join('').includes('UTO')))(
    '$test (specimen state UTO is accepted and flagged)',
    (v) => {
      const r = parseMrz(v.input_lines!);
      expect(r.specimenState).toBe(true);
      const expected = { ...(v.expected['fields'] as Record<string, unknown>) };
      // The `mrz` package nulls the state fields it rejects; we keep "UTO".
      delete expected['issuingState'];
      delete expected['nationality'];
      expect(r.library?.fields).toMatchObject(expected);
      if (r.fields.issuingState) expect(r.fields.issuingState).toBe('UTO');
    },
  );

  it.each(cheminfo.filter((v) => v.expected['throws']))('$test throws', (v) => {
    expect(() => parseMrz(v.input_lines!)).toThrow(/not an MRZ/);
  });

  it.each(vectors.filter((v) => v.source_repo === 'konstantint/PassportEye' && v.kind === 'parse'))(
    '$test',
    (v) => {
      const r = parseMrz(v.input_lines!);
      const e = v.expected;
      expect(r.format).toBe(e['mrz_type']);
      expect(r.checkDigitsValid).toBe(e['valid']);
      expect(r.fields.issuingState).toBe(e['country']);
      expect(r.fields.documentNumber).toBe(String(e['number']).replace(/<+$/, ''));
      expect(r.fields.birthDate).toBe(e['date_of_birth']);
      expect(r.fields.expirationDate).toBe(e['expiration_date']);
      expect(r.fields.sex).toBe(e['sex']);
    },
  );
});

describe('check digits (7-3-1)', () => {
  const digitVectors = vectors.filter(
    (v) =>
      (v.kind === 'compute_check_digit' || v.kind === 'check_digit') && /^[0-9A-Z<]+$/.test(v.input ?? ''),
  );
  it.each(digitVectors)('$source_repo $input', (v) => {
    const input = v.input!;
    const e = v.expected;
    if (v.kind === 'check_digit') {
      expect(computeCheckDigit(input) === Number(v.check_digit)).toBe(e['valid']);
    } else if (e['check_digit'] !== undefined && e['check_digit'] !== null) {
      expect(computeCheckDigit(input)).toBe(Number(e['check_digit']));
    } else if (e['check_digit_is_not'] !== undefined) {
      expect(computeCheckDigit(input)).not.toBe(e['check_digit_is_not']);
    }
  });
});

describe('visas', () => {
  it('parses MRV-B and checks its three check digits', () => {
    const r = parseMrz(['V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'L8988901C4XXX4009078F9612109<<<<<<<<']);
    expect(r.format).toBe('MRVB');
    expect(r.checkDigitsValid).toBe(true);
    expect(r.fields).toMatchObject({
      lastName: 'ERIKSSON',
      firstName: 'ANNA MARIA',
      documentNumber: 'L8988901C',
      nationality: 'XXX',
    });
    expect(r.specimenState).toBe(true);
  });
  it('reports a wrong check digit', () => {
    const r = parseMrz(['V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'L8988901C5XXX4009078F9612109<<<<<<<<']);
    expect(r.checkDigitsValid).toBe(false);
    expect(r.checks.find((c) => c.name === 'documentNumber')?.valid).toBe(false);
  });
});
