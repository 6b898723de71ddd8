import type {
  CheckResult,
  CollectedData,
  ExpectedDocument,
  ExpectedPerson,
  ExtractedDocument,
  ExtractedPerson,
  SignalKind,
} from '../checks/check.ts';

/** Upper case, accents folded, only letters and digits: "Müller-Lüdenscheidt" → "MULLERLUDENSCHEIDT". */
export function foldText(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

export interface IdentityParts {
  documentNumber?: string | undefined;
  documentCountry?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  dateOfBirth?: string | undefined;
}

/**
 * A stable key for "the same person" across sessions: the document number (with its issuing country when
 * known), else the name and date of birth. Undefined when neither is known. Compared only as a keyed digest.
 */
export function identityKey(p: IdentityParts): string | undefined {
  const number = p.documentNumber ? foldText(p.documentNumber) : '';
  if (number.length >= 4) return `doc:${p.documentCountry ? foldText(p.documentCountry) : ''}:${number}`;
  const last = p.lastName ? foldText(p.lastName) : '';
  const first = p.firstName ? foldText(p.firstName) : '';
  if (last && p.dateOfBirth) return `person:${last}|${first}|${p.dateOfBirth}`;
  return undefined;
}

/**
 * A stable key for "the same document": issuing state, type and number, folded so spacing, dashes and case do
 * not matter. Undefined for numbers too short to identify anything. Compared only as a keyed digest.
 */
export function documentKey(d: {
  number?: string | undefined;
  country?: string | undefined;
  type?: string | undefined;
}): string | undefined {
  const number = d.number ? foldText(d.number) : '';
  if (number.length < 4) return undefined;
  return `${d.country ? foldText(d.country) : ''}|${d.type ?? ''}|${number}`;
}

/** The identity a session claims: what the document check read, else what the integrator sent. */
export function identityOf(
  read: { person?: ExtractedPerson | undefined; document?: ExtractedDocument | undefined },
  expected: { person?: ExpectedPerson | undefined; document?: ExpectedDocument | undefined },
): string | undefined {
  const fromRead = identityKey({
    documentNumber: read.document?.number?.value,
    documentCountry: read.document?.country?.value,
    firstName: read.person?.firstName?.value,
    lastName: read.person?.lastName?.value,
    dateOfBirth: read.person?.dateOfBirth?.value,
  });
  return (
    fromRead ??
    identityKey({
      documentNumber: expected.document?.number ?? expected.person?.idNumber,
      documentCountry: expected.document?.country,
      firstName: expected.person?.firstName,
      lastName: expected.person?.lastName,
      dateOfBirth: expected.person?.dateOfBirth,
    })
  );
}

/** The document data the earlier checks of this attempt read (the document check, or any check that extracted). */
export function readFromPrevious(previous: Readonly<Record<string, CheckResult>>): {
  person?: ExtractedPerson;
  document?: ExtractedDocument;
} {
  const doc = previous['document']?.extracted;
  if (doc) return doc;
  for (const r of Object.values(previous)) if (r.extracted) return r.extracted;
  return {};
}

const SIGNAL_FIELD = { device: 'deviceFingerprint', ip: 'ip', email: 'email', phone: 'phone' } as const;

/**
 * The session's value of a signal: what was collected about the applicant, else (email and phone) what the
 * integrator said to expect. Undefined when neither is a non-empty text.
 */
export function signalValue(
  kind: SignalKind,
  from: { collected: CollectedData; expected: { person?: ExpectedPerson | undefined } },
): string | undefined {
  const collected = from.collected[SIGNAL_FIELD[kind]];
  const fallback = kind === 'email' || kind === 'phone' ? from.expected.person?.[kind] : undefined;
  const v = collected ?? fallback;
  return typeof v === 'string' && v.trim() ? v : undefined;
}
