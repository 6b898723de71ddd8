import { type DocumentReading, type MrzResult, readDocument, TEMPLATES } from '@openidv/document-reader';
import type {
  CheckDefinition,
  CheckOutput,
  ExtractedDocument,
  ExtractedPerson,
  Reason,
} from '@openidv/domain';
import { z } from 'zod';
import { nameScore } from './names.ts';

const DOC_TYPES = ['passport', 'id_card', 'residence_permit', 'driving_licence', 'visa', 'other'] as const;

export const documentCheckConfigSchema = z.object({
  acceptedCountries: z
    .array(z.string().length(3))
    .default([])
    .describe('ISO 3166-1 alpha-3 issuing states accepted; empty accepts all.'),
  acceptedTypes: z
    .array(z.enum(DOC_TYPES))
    .default([...DOC_TYPES])
    .describe('Document types accepted.'),
  minAge: z
    .number()
    .int()
    .min(0)
    .max(120)
    .default(18)
    .describe('Minimum age of the holder in years; 0 disables.'),
  requireMachineReadable: z
    .boolean()
    .default(true)
    .describe('Fail with MRZ_NOT_FOUND when neither an MRZ nor a PDF417 barcode could be read.'),
  nameMatchThreshold: z.number().min(0).max(1).default(0.85).describe('Minimum name similarity (0..1).'),
  /** Expired documents within this many days are still accepted (some flows allow a grace period). */
  expiryGraceDays: z.number().int().min(0).max(3650).default(0),
  detectDuplicates: z
    .boolean()
    .default(true)
    .describe(
      'Fail with DUPLICATE_DOCUMENT when another user (a different vendorData) of the application showed the same document (number, issuing state and type).',
    ),
});
export type DocumentCheckConfig = z.infer<typeof documentCheckConfigSchema>;

/** ICAO Doc 9303 and issuer specimen document numbers seen on sample documents. */
const SPECIMEN_NUMBERS = new Set([
  'L898902C3',
  'D23145890',
  'L8988901C',
  'XX0000000',
  'XX000000',
  '000000000',
]);
const SPECIMEN_WORDS = /\b(SPECIMEN|SPECIMENS|SAMPLE|MUSTER|MUESTRA|VOID|SPECIMENE|CAMPIONE|VZOR)\b/;

export const documentCheck: CheckDefinition<DocumentCheckConfig> = {
  type: 'document',
  description:
    'Reads the identity document (MRZ with check digits, PDF417 barcode, portrait) and judges it: validity, expiry, accepted countries and types, age, and match with the data the business sent.',
  configSchema: documentCheckConfigSchema as unknown as z.ZodType<DocumentCheckConfig>,
  reasonCodes: {
    DOC_NOT_READABLE: {
      action: 'resubmit',
      description: 'The document image could not be decoded (damaged, not an image, too large).',
    },
    MRZ_NOT_FOUND: {
      action: 'resubmit',
      description: 'No machine-readable zone or barcode could be read on the document.',
    },
    MRZ_CHECKSUM_FAILED: { action: 'review', description: 'One or more MRZ check digits do not hold.' },
    DOC_EXPIRED: { action: 'decline', description: 'The document has expired.' },
    DOC_TYPE_NOT_ACCEPTED: {
      action: 'decline',
      description: 'The workflow does not accept this type of document.',
    },
    COUNTRY_NOT_ACCEPTED: {
      action: 'decline',
      description: 'The workflow does not accept documents from this issuing state.',
    },
    UNDERAGE: { action: 'decline', description: 'The holder is younger than the workflow allows.' },
    NAME_MISMATCH: {
      action: 'review',
      description: 'The name on the document differs from the expected name.',
    },
    DOB_MISMATCH: { action: 'review', description: 'The date of birth differs from the expected one.' },
    DOC_NUMBER_MISMATCH: {
      action: 'review',
      description: 'The document number differs from the expected one.',
    },
    DATA_MISMATCH: {
      action: 'review',
      description: 'The MRZ and the barcode, or the front and back, disagree.',
    },
    SPECIMEN_DOCUMENT: { action: 'decline', description: 'The document is a specimen (sample) document.' },
    DUPLICATE_DOCUMENT: {
      action: 'review',
      description:
        'Another user (a different vendorData) of the application already showed this document (same number, issuing state and type).',
    },
  },
  async run(evidence, config, services): Promise<CheckOutput> {
    const media = evidence.media.filter(
      (m) => m.context === 'document-front' || m.context === 'document-back',
    );
    if (!media.length) {
      return { status: 'not_applicable', reasons: [], evidence: { reason: 'no document media' } };
    }
    const now = services.now();
    const readings: { context: string; reading: DocumentReading }[] = [];
    for (const m of media) {
      if (services.signal.aborted) break;
      readings.push({ context: m.context, reading: await readDocument(await m.read(), { now }) });
    }
    const reasons: Reason[] = [];
    const add = (code: keyof typeof documentCheck.reasonCodes, message: string) => {
      if (!reasons.some((r) => r.code === code)) reasons.push({ code, message });
    };
    const evidenceOut: Record<string, unknown> = {
      sides: readings.map(({ context, reading }) => ({
        context,
        status: reading.status,
        error: reading.error?.code,
        mrzFormat: reading.mrz?.format,
        // The lines and where each check digit sits, so a reviewer sees which digit failed.
        mrzLines: reading.mrz?.lines,
        checkDigits: reading.mrz && checkDigitsAt(reading.mrz),
        corrections: reading.mrz?.corrections,
        barcode: reading.barcode
          ? { format: reading.barcode.format, aamvaVersion: reading.barcode.aamva?.version }
          : undefined,
        orientation: reading.orientation,
        timingsMs: reading.timingsMs,
      })),
    };

    if (readings.every((r) => r.reading.status === 'invalid-image')) {
      add('DOC_NOT_READABLE', readings[0]?.reading.error?.message ?? 'The document image could not be read.');
      return { status: 'failed', score: 0, reasons, evidence: evidenceOut };
    }
    const withMrz = readings.filter((r) => r.reading.mrz);
    const withBarcode = readings.filter((r) => r.reading.barcode?.aamva);
    if (!withMrz.length && !withBarcode.length) {
      if (config.requireMachineReadable)
        add('MRZ_NOT_FOUND', 'No MRZ or barcode could be read; take a sharper, flatter photo.');
      return { status: reasons.length ? 'failed' : 'passed', score: 0, reasons, evidence: evidenceOut };
    }

    // The most confident reading of each field across sides and sources.
    const person: ExtractedPerson = {};
    const document: ExtractedDocument = {};
    for (const { reading } of readings) {
      merge(person, reading.person);
      merge(document, reading.document);
    }
    const mrz = withMrz.map((r) => r.reading.mrz!).sort((a, b) => b.confidence - a.confidence)[0];

    if (mrz && !mrz.checkDigitsValid) {
      const failed = mrz.checks.filter((c) => !c.valid).map((c) => c.name);
      add('MRZ_CHECKSUM_FAILED', `MRZ check digits do not hold: ${failed.join(', ')}.`);
    }
    const names = `${person.lastName?.value ?? ''} ${person.firstName?.value ?? ''}`;
    const number = document.number?.value ?? '';
    if (mrz?.specimenState || SPECIMEN_WORDS.test(names) || SPECIMEN_NUMBERS.has(number)) {
      add('SPECIMEN_DOCUMENT', 'This is a specimen document, not one issued to a person.');
    }
    const expiry = document.expiryDate?.value;
    if (expiry) {
      const limit = new Date(`${expiry}T23:59:59Z`).getTime() + config.expiryGraceDays * 86_400_000;
      if (limit < now.getTime()) add('DOC_EXPIRED', `The document expired on ${expiry}.`);
    }
    const country = document.country?.value;
    if (config.acceptedCountries.length && country && !config.acceptedCountries.includes(country)) {
      add('COUNTRY_NOT_ACCEPTED', `Documents issued by ${country} are not accepted.`);
    }
    const type = document.type?.value;
    if (type && !config.acceptedTypes.includes(type))
      add('DOC_TYPE_NOT_ACCEPTED', `A ${type.replace('_', ' ')} is not accepted.`);
    const dob = person.dateOfBirth?.value;
    if (dob && config.minAge > 0 && ageOn(dob, now) < config.minAge) {
      add('UNDERAGE', `The holder is under ${config.minAge}.`);
    }

    // Cross-checks: front vs back, MRZ vs barcode.
    const numbers = new Set(
      readings.map((r) => r.reading.document.number?.value).filter((v): v is string => Boolean(v)),
    );
    const dobs = new Set(
      readings
        .flatMap((r) => [
          r.reading.mrz && r.reading.person.dateOfBirth?.value,
          r.reading.barcode?.aamva?.dateOfBirth,
        ])
        .filter(Boolean),
    );
    if (numbers.size > 1 || dobs.size > 1)
      add('DATA_MISMATCH', 'The sides or sources of the document disagree on its number or date of birth.');

    const expected = evidence.expected;
    const match: Record<string, number> = {};
    const exp = expected.person ?? {};
    if (exp.lastName && person.lastName) {
      match['lastName'] = nameScore(exp.lastName, person.lastName.value);
    }
    if (exp.firstName && person.firstName) {
      match['firstName'] = nameScore(exp.firstName, person.firstName.value);
    }
    if (exp.lastName && exp.firstName && person.lastName && person.firstName) {
      // Names swapped between first and last, or split differently, still match as a whole.
      const whole = nameScore(
        `${exp.firstName} ${exp.lastName}`,
        `${person.firstName.value} ${person.lastName.value}`,
      );
      if (whole >= config.nameMatchThreshold) {
        match['lastName'] = Math.max(match['lastName'] ?? 0, whole);
        match['firstName'] = Math.max(match['firstName'] ?? 0, whole);
      }
    }
    if (
      (match['lastName'] ?? 1) < config.nameMatchThreshold ||
      (match['firstName'] ?? 1) < config.nameMatchThreshold
    ) {
      add('NAME_MISMATCH', 'The name on the document does not match the expected name.');
    }
    if (exp.dateOfBirth && dob && exp.dateOfBirth.slice(0, 10) !== dob) {
      add('DOB_MISMATCH', 'The date of birth on the document does not match the expected one.');
    }
    const expNumber = expected.document?.number ?? exp.idNumber;
    if (expNumber && number && norm(expNumber) !== norm(number)) {
      add('DOC_NUMBER_MISMATCH', 'The document number does not match the expected one.');
    }
    evidenceOut['match'] = match;

    const riskLabels: string[] = [];
    if (config.detectDuplicates && number && services.documentUses) {
      // The same user coming back (same vendorData) is not a duplicate; without a vendorData nobody can tell.
      const others = await services.documentUses.find(
        { number, country: document.country?.value, type: document.type?.value },
        { limit: 10, ...(evidence.vendorData ? { excludeVendorData: evidence.vendorData } : {}) },
      );
      if (others.length) {
        const latest = others[0]!;
        add(
          'DUPLICATE_DOCUMENT',
          `This document was already shown by another user${latest.vendorData ? ` (${latest.vendorData})` : ''} in session ${latest.sessionId}.`,
        );
        riskLabels.push('duplicate_document');
      }
      evidenceOut['duplicates'] = others.map((u) => ({
        sessionId: u.sessionId,
        vendorData: u.vendorData,
        seenAt: u.seenAt.toISOString(),
      }));
    }

    let artifacts: Record<string, string> | undefined;
    const portrait =
      readings.find((r) => r.context === 'document-front' && r.reading.portrait) ??
      readings.find((r) => r.reading.portrait);
    if (portrait?.reading.portrait) {
      const id = await services.saveArtifact(
        'document-portrait',
        portrait.reading.portrait.jpeg,
        'image/jpeg',
      );
      artifacts = { portrait: id };
    }
    const score = mrz ? mrz.confidence : 0.99;
    return {
      status: reasons.length ? 'failed' : 'passed',
      score,
      reasons,
      evidence: evidenceOut,
      extracted: { person, document },
      ...(artifacts ? { artifacts } : {}),
      ...(riskLabels.length ? { riskLabels } : {}),
    };
  },
};

function norm(s: string): string {
  return s.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

function ageOn(dob: string, now: Date): number {
  const [y, m, d] = dob.split('-').map(Number) as [number, number, number];
  let age = now.getUTCFullYear() - y;
  if (now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d)) age--;
  return age;
}

function merge<T extends object>(into: T, from: T): void {
  const target = into as Record<string, { confidence: number } | undefined>;
  for (const [k, v] of Object.entries(from) as [string, { confidence: number } | undefined][]) {
    if (v && (!target[k] || v.confidence > target[k].confidence)) target[k] = v;
  }
}

/** Each check digit's result with its [line, column] in the MRZ. */
function checkDigitsAt(mrz: MrzResult) {
  const defs = TEMPLATES[mrz.format]?.checks ?? [];
  return mrz.checks.map((c) => {
    const at = defs.find((d) => d.name === c.name)?.at;
    return { ...c, ...(at && { at }) };
  });
}
