import type { WorkflowDefinition } from '@openidv/domain';
import countries from 'i18n-iso-countries';
import type { SessionQuestionnaire } from '../questionnaires/answer-questionnaire.ts';

/** Document types the journey can ask for, and the sides each needs photographed. */
export const DOCUMENT_SIDES = {
  passport: ['front'],
  id_card: ['front', 'back'],
  residence_permit: ['front', 'back'],
  driving_licence: ['front', 'back'],
  visa: ['front'],
  other: ['front'],
} as const satisfies Record<string, readonly ('front' | 'back')[]>;
export type DocumentType = keyof typeof DOCUMENT_SIDES;
const ALL_TYPES = Object.keys(DOCUMENT_SIDES) as DocumentType[];

export type JourneyStep = 'consent' | 'questionnaire' | 'document' | 'selfie' | 'review';

/** What the applicant is asked for, derived from the checks of the session's workflow version. */
export interface JourneyPlan {
  steps: JourneyStep[];
  document: {
    required: boolean;
    /** Types accepted by the document check (all when there is none), each with the sides to photograph. */
    types: { type: DocumentType; sides: ('front' | 'back')[] }[];
    /** Issuing states the workflow accepts (ISO 3166-1 alpha-3, and alpha-2 for the browser's names); empty: any. */
    countries: { code: string; region: string | null }[];
  } | null;
  /** `challenge`: the workflow runs active liveness, so the selfie step records the server's challenge. */
  selfie: { required: boolean; liveness: boolean; challenge: boolean } | null;
  /** The questions to ask (all languages: the page switches language without asking the server). */
  questionnaire:
    | (SessionQuestionnaire['definition'] &
        Pick<SessionQuestionnaire, 'id' | 'version'> & { countries: string[] })
    | null;
  /** Check types, for the consent screen ("what is checked"). */
  checks: string[];
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * Reads the workflow: a `document` check, or image quality requiring a document photo, means a document step;
 * `face-match`, `liveness`, or image quality requiring a face means a selfie step. Image quality requiring the
 * back makes the back mandatory for every type.
 */
export function journeyPlan(
  workflow: Pick<WorkflowDefinition, 'checks'>,
  questionnaire: SessionQuestionnaire | null = null,
): JourneyPlan {
  const byType = new Map(workflow.checks.map((c) => [c.type, c.config ?? {}]));
  const iqRequired = stringList(byType.get('image-quality')?.['required']);
  const doc = byType.get('document');
  const needsDocument = doc !== undefined || iqRequired.includes('document-front');
  const backRequired = iqRequired.includes('document-back');
  const accepted = doc
    ? stringList(doc['acceptedTypes']).filter((t): t is DocumentType => t in DOCUMENT_SIDES)
    : [];
  const types = (accepted.length ? accepted : ALL_TYPES).map((type) => ({
    type,
    sides: backRequired ? (['front', 'back'] as ('front' | 'back')[]) : [...DOCUMENT_SIDES[type]],
  }));
  const liveness = byType.has('liveness');
  const challenge = byType.has('active-liveness');
  const needsSelfie = byType.has('face-match') || liveness || challenge || iqRequired.includes('face');
  const steps: JourneyStep[] = ['consent'];
  if (questionnaire?.placement === 'before-capture') steps.push('questionnaire');
  if (needsDocument) steps.push('document');
  if (needsSelfie) steps.push('selfie');
  if (questionnaire && questionnaire.placement !== 'before-capture') steps.push('questionnaire');
  steps.push('review');
  return {
    steps,
    document: needsDocument
      ? {
          required: true,
          types,
          countries: (doc ? stringList(doc['acceptedCountries']) : []).map((code) => ({
            code,
            region: countries.alpha3ToAlpha2(code.toUpperCase()) ?? null,
          })),
        }
      : null,
    selfie: needsSelfie ? { required: true, liveness, challenge } : null,
    questionnaire: questionnaire && {
      id: questionnaire.id,
      version: questionnaire.version,
      ...questionnaire.definition,
      // The page names countries in the applicant's language itself (Intl.DisplayNames); it needs only the codes.
      countries: questionnaire.definition.questions.some((q) => q.type === 'country')
        ? Object.keys(countries.getAlpha2Codes())
        : [],
    },
    checks: workflow.checks.map((c) => c.type),
  };
}
