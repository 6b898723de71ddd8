import { renderSyntheticDocument } from '@openidv/document-reader/testing';
import type { CheckServices, MediaItem, SessionEvidence } from '@openidv/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentCheck, documentCheckConfigSchema } from './check.ts';

const TD3 = ['P<NLDDE<BRUIJN<<WILLEKE<LISELOTTE<<<<<<<<<<<', 'SPECI20142NLD6503101F2403096999999990<<<<<84'];
let passport: Buffer;

beforeAll(async () => {
  passport = await renderSyntheticDocument({ mrz: TD3, width: 900, text: ['KONINKRIJK DER NEDERLANDEN'] });
}, 60_000);

function media(bytes: Buffer, context: MediaItem['context'] = 'document-front'): MediaItem {
  return {
    id: 'm1',
    context,
    mimeType: 'image/jpeg',
    size: bytes.length,
    sha256: '',
    createdAt: new Date(),
    read: async () => bytes,
  };
}

function evidence(items: MediaItem[], expected: SessionEvidence['expected'] = {}): SessionEvidence {
  return {
    applicationId: 'a',
    sessionId: 's',
    attemptId: 't',
    expected,
    collected: {},
    media: items,
    previous: {},
  };
}

function services(now: string): CheckServices & { saved: string[] } {
  const saved: string[] = [];
  return {
    saved,
    now: () => new Date(now),
    signal: new AbortController().signal,
    saveArtifact: async (context) => {
      saved.push(context);
      return 'artifact-1';
    },
  };
}

const config = documentCheckConfigSchema.parse({});
const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code).sort();

describe('document check', () => {
  it('defaults every setting', () => {
    expect(config).toMatchObject({ acceptedCountries: [], minAge: 18, requireMachineReadable: true });
  });

  it('passes a valid, unexpired document matching the expected person (diacritics, name order)', async () => {
    const r = await documentCheck.run(
      evidence([media(passport)], {
        person: { firstName: 'Liselotte Willeke', lastName: 'de Bruijn', dateOfBirth: '1965-03-10' },
        document: { number: 'SPECI2014' },
      }),
      config,
      services('2023-06-01T00:00:00Z'),
    );
    expect(codes(r)).toEqual([]);
    expect(r.status).toBe('passed');
    expect(r.extracted?.document?.number?.value).toBe('SPECI2014');
  });

  it('fails an expired document, a refused country and a mismatching person with their codes', async () => {
    const r = await documentCheck.run(
      evidence([media(passport)], { person: { lastName: 'Jansen', dateOfBirth: '1970-01-01' } }),
      documentCheckConfigSchema.parse({ acceptedCountries: ['FRA', 'DEU'], minAge: 70 }),
      services('2025-01-01T00:00:00Z'),
    );
    expect(r.status).toBe('failed');
    expect(codes(r)).toEqual([
      'COUNTRY_NOT_ACCEPTED',
      'DOB_MISMATCH',
      'DOC_EXPIRED',
      'NAME_MISMATCH',
      'UNDERAGE',
    ]);
  });

  it('refuses a document type the workflow does not accept', async () => {
    const r = await documentCheck.run(
      evidence([media(passport)]),
      documentCheckConfigSchema.parse({ acceptedTypes: ['id_card'] }),
      services('2023-06-01T00:00:00Z'),
    );
    expect(codes(r)).toEqual(['DOC_TYPE_NOT_ACCEPTED']);
  });

  it('flags an ICAO specimen and a failed check digit', async () => {
    const specimen = await renderSyntheticDocument({
      mrz: ['I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'D231458907UTO7408122F1204159<<<<<<<5'],
      width: 900,
    });
    const r = await documentCheck.run(evidence([media(specimen)]), config, services('2010-01-01T00:00:00Z'));
    expect(codes(r)).toEqual(['MRZ_CHECKSUM_FAILED', 'SPECIMEN_DOCUMENT']);
    // The evidence has the lines as read and where each digit is, so the console can mark the failed one.
    const side = (
      r.evidence as {
        sides: {
          mrzLines: string[];
          checkDigits: { name: string; valid: boolean; at: [number, number] }[];
        }[];
      }
    ).sides[0]!;
    expect(side.mrzLines).toEqual([
      'I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<',
      'D231458907UTO7408122F1204159<<<<<<<5',
    ]);
    expect(side.checkDigits.map((c) => [c.name, c.valid, c.at])).toEqual([
      ['documentNumber', true, [1, 9]],
      ['birthDate', true, [1, 19]],
      ['expirationDate', true, [1, 27]],
      ['composite', false, [1, 35]],
    ]);
  });

  it('asks for a new photo when the image cannot be read or has no MRZ', async () => {
    const broken = await documentCheck.run(
      evidence([media(passport.subarray(0, 500))]),
      config,
      services('2023-01-01'),
    );
    expect(codes(broken)).toEqual(['DOC_NOT_READABLE']);
    expect(documentCheck.reasonCodes['DOC_NOT_READABLE']?.action).toBe('resubmit');
  });

  describe('printed page (visual zone)', () => {
    const page = (birth: string) => [
      'Surname / Nom',
      'DE BRUIJN',
      'Given names / Prénoms',
      'WILLEKE LISELOTTE',
      'Date of birth',
      birth,
      'Date of expiry',
      '09.03.2024',
    ];

    it('agrees with the MRZ: names, birth and expiry found as printed, no reason', async () => {
      const img = await renderSyntheticDocument({ mrz: TD3, width: 900, text: page('10.03.1965') });
      const r = await documentCheck.run(evidence([media(img)]), config, services('2023-06-01T00:00:00Z'));
      expect(codes(r)).toEqual([]);
      const side = (
        r.evidence['sides'] as { visualZone: { comparisons: { field: string; agree: boolean }[] } }[]
      )[0]!;
      const compared = side.visualZone.comparisons.map((c) => c.field).sort();
      expect(compared).toEqual(expect.arrayContaining(['dateOfBirth', 'expiryDate', 'lastName']));
      expect(side.visualZone.comparisons.every((c) => c.agree)).toBe(true);
    });

    it('sends a page whose printed birth date differs from the MRZ to review (VIZ_MRZ_MISMATCH)', async () => {
      const img = await renderSyntheticDocument({ mrz: TD3, width: 900, text: page('10.03.1967') });
      const r = await documentCheck.run(evidence([media(img)]), config, services('2023-06-01T00:00:00Z'));
      expect(codes(r)).toEqual(['VIZ_MRZ_MISMATCH']);
      expect(r.reasons[0]!.message).toContain('dateOfBirth');
      expect(documentCheck.reasonCodes['VIZ_MRZ_MISMATCH']?.action).toBe('review');
      // The MRZ, with its check digits, stays the source of the extracted field.
      expect(r.extracted?.person?.dateOfBirth).toMatchObject({ value: '1965-03-10', source: 'mrz' });
    });

    it('declines a document with SPECIMEN (or MUSTER) stamped on it', async () => {
      const img = await renderSyntheticDocument({
        mrz: TD3,
        width: 900,
        stamps: [{ text: 'SPÉCIMEN', x: 0.55, y: 0.45, size: 0.1, rotateDegrees: -12 }],
      });
      const r = await documentCheck.run(evidence([media(img)]), config, services('2023-06-01T00:00:00Z'));
      expect(codes(r)).toEqual(['SPECIMEN_DOCUMENT']);
      const muster = await renderSyntheticDocument({
        mrz: TD3,
        width: 900,
        stamps: [{ text: 'MUSTER', x: 0.6, y: 0.3, size: 0.1, color: '#404040' }],
      });
      const m = await documentCheck.run(evidence([media(muster)]), config, services('2023-06-01T00:00:00Z'));
      expect(codes(m)).toEqual(['SPECIMEN_DOCUMENT']);
    });

    it('sets a card front without MRZ against the MRZ on its back', async () => {
      const back = await renderSyntheticDocument({ mrz: TD3, width: 900 });
      const same = await renderSyntheticDocument({ mrz: [], width: 900, text: page('10.03.1965') });
      const altered = await renderSyntheticDocument({ mrz: [], width: 900, text: page('10.03.1967') });
      const ok = await documentCheck.run(
        evidence([media(same), media(back, 'document-back')]),
        config,
        services('2023-06-01T00:00:00Z'),
      );
      expect(codes(ok)).toEqual([]);
      const front = (ok.evidence['sides'] as { visualZone: { comparisons: { agree: boolean }[] } }[])[0]!;
      expect(front.visualZone.comparisons.length).toBeGreaterThan(0);
      const bad = await documentCheck.run(
        evidence([media(altered), media(back, 'document-back')]),
        config,
        services('2023-06-01T00:00:00Z'),
      );
      expect(codes(bad)).toEqual(['VIZ_MRZ_MISMATCH']);
    });

    it('without an MRZ, takes the printed fields (less sure) when the workflow does not require one', async () => {
      const img = await renderSyntheticDocument({ mrz: [], width: 900, text: page('10.03.1965') });
      const required = await documentCheck.run(
        evidence([media(img)]),
        config,
        services('2023-06-01T00:00:00Z'),
      );
      expect(codes(required)).toEqual(['MRZ_NOT_FOUND']);
      const r = await documentCheck.run(
        evidence([media(img)], { person: { lastName: 'de Bruijn', dateOfBirth: '1965-03-10' } }),
        documentCheckConfigSchema.parse({ requireMachineReadable: false }),
        services('2023-06-01T00:00:00Z'),
      );
      expect(codes(r)).toEqual([]);
      // Printed in a proportional font, the name may come with a letter misread; the expected name
      // still matches it (no NAME_MISMATCH above).
      expect(r.extracted?.person?.lastName).toMatchObject({
        value: expect.stringMatching(/^DE BRUI/),
        source: 'visual-zone',
      });
      expect(r.extracted?.person?.dateOfBirth).toMatchObject({ value: '1965-03-10', source: 'visual-zone' });
      expect(r.extracted?.document?.expiryDate?.value).toBe('2024-03-09');
      expect(r.extracted?.person?.lastName?.confidence).toBeLessThan(0.7);
    });
  });

  it('is not applicable without document media', async () => {
    const r = await documentCheck.run(evidence([media(passport, 'face')]), config, services('2023-01-01'));
    expect(r.status).toBe('not_applicable');
  });
});
