import { describe, expect, it } from 'vitest';
import { datesIn, sameDay, specimenMarks, type VizLine, visualFields } from './fields.ts';
import { joinRows } from './read.ts';

/** Lines laid out top to bottom, one per 30 px, left-aligned. */
function page(...texts: string[]): VizLine[] {
  return texts.map((text, i) => ({
    text,
    confidence: 0.97,
    cx: 300,
    cy: 40 + 30 * i,
    length: 200,
    thickness: 20,
  }));
}

describe('dates printed on the page', () => {
  it('reads numeric, month-name (bilingual) and ISO dates, and keeps the US reading of an ambiguous one', () => {
    expect(datesIn('12.05.1982')).toEqual([{ iso: '1982-05-12', alt: '1982-12-05' }]);
    expect(datesIn('Date of birth 23/11/1976')).toEqual([{ iso: '1976-11-23' }]);
    expect(datesIn('06 17 1970')).toEqual([{ iso: '1970-06-17' }]);
    expect(datesIn('12 AUG/AOÛT 1974')).toEqual([{ iso: '1974-08-12' }]);
    expect(datesIn('12 AUG/AOÛT 74')).toEqual([{ iso: '1974-08-12', twoDigitYear: true }]);
    expect(datesIn('1982-05-12')).toEqual([{ iso: '1982-05-12' }]);
    expect(datesIn('31.02.1990 and 12345678')).toEqual([]);
  });

  it('treats the same day a century apart as the same date (two-digit MRZ years)', () => {
    expect(sameDay('1911-01-01', '2011-01-01')).toBe(true);
    expect(sameDay('1911-01-01', '1912-01-01')).toBe(false);
  });
});

describe('specimen marks', () => {
  it('finds "specimen" in the usual languages, accents and one misread letter included', () => {
    expect(specimenMarks(page('SPÉCIMEN'))).toEqual(['SPECIMEN']);
    expect(specimenMarks(page('ESPÉCIMEN', 'NÄIDIS', 'MUSTER'))).toEqual(['ESPECIMEN', 'NAIDIS', 'MUSTER']);
    expect(specimenMarks(page('WZÓR / VZOR'))).toEqual(['WZOR', 'VZOR']);
    expect(specimenMarks(page('SPECIMFN'))).toEqual(['SPECIMEN']);
  });

  it('does not see one in names or ordinary words', () => {
    expect(specimenMarks(page('MUSTERMANN', 'ERIKA', 'SPECIALIST', 'Date of birth'))).toEqual([]);
  });
});

describe('fields of the printed page', () => {
  const printed = page(
    'Surname / Nom',
    'MÜLLER',
    'Given names / Prénoms',
    'Anna Maria',
    'Date of birth',
    '12.08.1974',
    'Date of issue',
    '15.04.2015',
    'Date of expiry',
    '14.04.2025',
    'Document no.',
    'C01X00T47',
  );

  it('reads names under their labels, dates by order, and the number without a guide', () => {
    expect(visualFields(printed)).toEqual({
      lastName: { value: 'MÜLLER', confidence: 0.97 },
      firstName: { value: 'Anna Maria', confidence: 0.97 },
      dateOfBirth: { value: '1974-08-12', confidence: 0.97 },
      expiryDate: { value: '2025-04-14', confidence: 0.97 },
      issueDate: { value: '2015-04-15', confidence: 0.97 },
      number: { value: 'C01X00T47', confidence: 0.97 },
    });
  });

  it('with the MRZ as guide, finds each field as printed, or what stands in its place', () => {
    const agreeing = visualFields(printed, {
      lastName: 'MUELLER',
      dateOfBirth: '1974-08-12',
      expiryDate: '2025-04-14',
      number: 'C01X00T47',
    });
    expect(agreeing.dateOfBirth?.value).toBe('1974-08-12');
    expect(agreeing.number?.value).toBe('C01X00T47');
    // An altered page: the birth year and one character of the number differ from the MRZ's.
    const altered = visualFields(printed, { dateOfBirth: '1984-08-12', number: 'C01X00T41' });
    expect(altered.dateOfBirth?.value).toBe('1974-08-12');
    expect(altered.number?.value).toBe('C01X00T47');
  });

  it("takes a two-digit year in the guide's century", () => {
    const f = visualFields(page('Date of birth', '01 JAN/JAN 11'), { dateOfBirth: '1911-01-01' });
    expect(f.dateOfBirth?.value).toBe('1911-01-01');
  });

  it('does not take another date for the expiry, nor unrelated text for a name', () => {
    const f = visualFields(page('12.08.1974', '15.04.2015', 'KONINKRIJK DER NEDERLANDEN'), {
      lastName: 'JANSEN',
      dateOfBirth: '1974-08-12',
      expiryDate: '2025-04-15',
    });
    expect(f.expiryDate).toBeUndefined();
    expect(f.lastName).toBeUndefined();
  });

  it('forgives a doubled character the recogniser read once (2222 → 222)', () => {
    const f = visualFields(page('Passport No.', 'A222222'), { number: 'A2222222' });
    expect(f.number?.value).toBe('A2222222');
  });
});

describe('rows split by the detector', () => {
  it('joins pieces of one printed row (a date with wide gaps), not lines above or columns far apart', () => {
    const piece = (text: string, x0: number, x1: number, cy = 100) => ({
      text,
      confidence: 0.99,
      cx: (x0 + x1) / 2,
      cy,
      length: x1 - x0,
      thickness: 14,
    });
    const rows = joinRows([
      piece('1971', 60, 92),
      piece('07', 10, 26),
      piece('03', 36, 52),
      piece('QATAR', 200, 250),
      piece('Date of birth', 10, 90, 80),
    ]);
    expect(rows.map((r) => r.text)).toEqual(['Date of birth', '07 03 1971', 'QATAR']);
    expect(datesIn(rows[1]!.text)[0]?.iso).toBe('1971-03-07');
  });
});
