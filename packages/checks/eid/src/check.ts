import { nameScore } from '@openidv/check-document';
import {
  type CheckDefinition,
  type CheckOutput,
  type ExtractedPerson,
  LEVELS_OF_ASSURANCE,
  meetsLevel,
  type Reason,
  type SessionEvidence,
} from '@openidv/domain';
import { z } from 'zod';

export const eidCheckConfigSchema = z.object({
  providers: z
    .array(z.string().min(1).max(63))
    .max(50)
    .default([])
    .describe(
      "The application's identity providers (provider ids) the journey offers; empty offers every enabled one.",
    ),
  minimumLevelOfAssurance: z
    .enum(LEVELS_OF_ASSURANCE)
    .optional()
    .describe('The lowest level of assurance accepted; a session can ask for more.'),
  fallbackToDocument: z
    .boolean()
    .default(true)
    .describe(
      'Offer the document journey when the applicant has no eID or the provider is unavailable; when false, only eID is offered.',
    ),
  nameMatchThreshold: z
    .number()
    .min(0)
    .max(1)
    .default(0.85)
    .describe('Minimum name similarity (0..1), as in the document check.'),
});
export type EidCheckConfig = z.infer<typeof eidCheckConfigSchema>;

/** Verified by the provider itself: as sure as openidv gets. */
const CONFIDENCE = 1;

export const eidCheck: CheckDefinition<EidCheckConfig> = {
  type: 'eid',
  description:
    'The person an OpenID Connect eID provider verified (names, date of birth, national id), compared with the expected person the way the document check compares it. Not applicable when the applicant took the document journey instead (where `fallbackToDocument` allows it and the workflow has a document check).',
  configSchema: eidCheckConfigSchema,
  reasonCodes: {
    EID_MISSING: {
      action: 'resubmit',
      description:
        'No eID sign-in was completed (and, where the workflow allows the document instead, no document was shown).',
    },
    NAME_MISMATCH: { action: 'review', description: 'The verified name does not match the expected name.' },
    DOB_MISMATCH: {
      action: 'review',
      description: 'The verified date of birth differs from the expected one.',
    },
    ID_NUMBER_MISMATCH: {
      action: 'review',
      description: 'The verified national identifier differs from the expected one.',
    },
    EID_LEVEL_TOO_LOW: {
      action: 'decline',
      description:
        'The provider verified the person at a lower level of assurance than the workflow requires.',
    },
  },
  async run(evidence: SessionEvidence, config: EidCheckConfig): Promise<CheckOutput> {
    const eid = evidence.eid;
    if (!eid) {
      const document = evidence.media.some((m) => m.context === 'document-front');
      // Without an eID the document journey must have been taken instead, where the workflow allows it.
      if (config.fallbackToDocument && document) {
        return {
          status: 'not_applicable',
          reasons: [],
          evidence: { note: 'The applicant took the document journey instead of an eID.' },
        };
      }
      return {
        status: 'failed',
        reasons: [
          {
            code: 'EID_MISSING',
            message: config.fallbackToDocument
              ? 'The applicant neither signed in with an eID nor showed a document.'
              : 'The applicant did not sign in with an eID, which this workflow requires.',
          },
        ],
        evidence: {},
      };
    }
    const reasons: Reason[] = [];
    const add = (code: string, message: string) => reasons.push({ code, message });
    const { person, provenance } = eid;
    // The sign-in already refused a level below the session's minimum; the workflow may ask for more.
    if (!meetsLevel(provenance.levelOfAssurance, config.minimumLevelOfAssurance)) {
      add(
        'EID_LEVEL_TOO_LOW',
        `${provenance.provider} verified the person at level "${provenance.levelOfAssurance}"; the workflow requires "${config.minimumLevelOfAssurance}".`,
      );
    }
    const exp = evidence.expected.person ?? {};
    const match: Record<string, number> = {};
    if (exp.lastName && person.lastName) match['lastName'] = nameScore(exp.lastName, person.lastName);
    if (exp.firstName && person.firstName) match['firstName'] = nameScore(exp.firstName, person.firstName);
    if (exp.lastName && exp.firstName && person.lastName && person.firstName) {
      // As in the document check: names swapped or split differently still match as a whole.
      const whole = nameScore(`${exp.firstName} ${exp.lastName}`, `${person.firstName} ${person.lastName}`);
      if (whole >= config.nameMatchThreshold) {
        match['lastName'] = Math.max(match['lastName'] ?? 0, whole);
        match['firstName'] = Math.max(match['firstName'] ?? 0, whole);
      }
    }
    if (
      (match['lastName'] ?? 1) < config.nameMatchThreshold ||
      (match['firstName'] ?? 1) < config.nameMatchThreshold
    ) {
      add('NAME_MISMATCH', 'The name the eID provider verified does not match the expected name.');
    }
    if (exp.dateOfBirth && person.dateOfBirth && exp.dateOfBirth.slice(0, 10) !== person.dateOfBirth) {
      add('DOB_MISMATCH', 'The date of birth the eID provider verified does not match the expected one.');
    }
    const norm = (v: string) => v.replace(/[^0-9a-z]/gi, '').toUpperCase();
    if (exp.idNumber && person.nationalId && norm(exp.idNumber) !== norm(person.nationalId)) {
      add(
        'ID_NUMBER_MISMATCH',
        'The national identifier the eID provider verified differs from the expected one.',
      );
    }
    const field = (value: string | undefined) =>
      value ? { value, source: 'eid' as const, confidence: CONFIDENCE } : undefined;
    const extracted: ExtractedPerson = {};
    const set = <
      K extends 'firstName' | 'lastName' | 'dateOfBirth' | 'personalNumber' | 'nationality' | 'address',
    >(
      key: K,
      value: string | undefined,
    ) => {
      const f = field(value);
      if (f) extracted[key] = f;
    };
    set('firstName', person.firstName);
    set('lastName', person.lastName);
    set('dateOfBirth', person.dateOfBirth);
    set('personalNumber', person.nationalId);
    set('nationality', person.nationality);
    set('address', person.address);
    return {
      status: reasons.length ? 'failed' : 'passed',
      reasons,
      evidence: { provenance, match, verifiedFields: Object.keys(person) },
      extracted: { person: extracted },
    };
  },
};
