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

  it('is not applicable without document media', async () => {
    const r = await documentCheck.run(evidence([media(passport, 'face')]), config, services('2023-01-01'));
    expect(r.status).toBe('not_applicable');
  });
});
