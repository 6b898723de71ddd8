import type { CheckResult, CheckServices, ExtractedPerson, SessionEvidence } from '@openidv/domain';
import { buildIndex, loadDefaultIndex, type ScreeningEntity, type ScreeningIndex } from '@openidv/screening';
import { beforeAll, describe, expect, it } from 'vitest';
import { amlConfigSchema, createAmlCheck } from './aml-check.ts';

const services: CheckServices = {
  saveArtifact: async () => 'unused',
  now: () => new Date('2026-03-01T00:00:00Z'),
  signal: new AbortController().signal,
};

function field<T>(value: T) {
  return { value, source: 'mrz' as const, confidence: 0.99 };
}

function evidence(
  person: ExtractedPerson | undefined,
  expected: SessionEvidence['expected'] = {},
): SessionEvidence {
  const previous: Record<string, CheckResult> = person
    ? { document: { type: 'document', status: 'passed', reasons: [], evidence: {}, extracted: { person } } }
    : {};
  return {
    applicationId: 'app',
    sessionId: 'ses',
    attemptId: 'att',
    expected,
    collected: {},
    media: [],
    previous,
  };
}

const config = amlConfigSchema.parse({});

describe('aml check on the shipped lists', () => {
  let index: ScreeningIndex;
  beforeAll(() => {
    const r = loadDefaultIndex();
    if (!r.ok) throw new Error(r.error.message);
    index = r.value;
  });

  it('flags a document naming a listed person, with every hit explained', async () => {
    const check = createAmlCheck({ index });
    const out = await check.run(
      evidence({
        firstName: field('SADDAM HUSSEIN'),
        lastName: field('AL-TIKRITI'),
        dateOfBirth: field('1937-04-28'),
      }),
      config,
      services,
    );
    expect(out.status).toBe('failed');
    expect(out.reasons.map((r) => r.code)).toEqual(['AML_HIT']);
    const hits = out.evidence['hits'] as Array<{ listId: string; score: number; explanation: unknown[] }>;
    expect(hits.map((h) => h.listId)).toEqual(expect.arrayContaining(['us-ofac-sdn', 'un-sc-consolidated']));
    expect(hits.every((h) => h.score >= config.threshold && h.explanation.length > 0)).toBe(true);
    expect(out.riskLabels).toEqual(['sanctions']);
  });

  it('catches a transliterated spelling of the same person', async () => {
    const out = await createAmlCheck({ index }).run(
      evidence({ firstName: field('Саддам Хусейн'), lastName: field('Аль-Тикрити') }),
      config,
      services,
    );
    expect(out.reasons.map((r) => r.code)).toContain('AML_HIT');
  });

  it('passes an applicant who is not listed and says what was screened', async () => {
    const out = await createAmlCheck({ index }).run(
      evidence(undefined, {
        person: { firstName: 'Ingrid', lastName: 'Johansson', dateOfBirth: '1990-05-17' },
      }),
      config,
      services,
    );
    expect(out.status).toBe('passed');
    expect(out.evidence['screened']).toMatchObject({ source: 'expected', name: 'Ingrid Johansson' });
    expect(out.evidence['pepScreening']).toBe(false);
  });

  it('screens the name an eID provider verified, over the name the business sent', async () => {
    const eid = {
      firstName: { ...field('SADDAM HUSSEIN'), source: 'eid' as const },
      lastName: field('AL-TIKRITI'),
    };
    const e = evidence(undefined, { person: { firstName: 'Ingrid', lastName: 'Johansson' } });
    e.previous = {
      eid: { type: 'eid', status: 'passed', reasons: [], evidence: {}, extracted: { person: eid } },
    };
    const out = await createAmlCheck({ index }).run(e, config, services);
    expect(out.reasons.map((r) => r.code)).toEqual(['AML_HIT']);
    expect(out.evidence['screened']).toMatchObject({ source: 'eid', name: 'SADDAM HUSSEIN AL-TIKRITI' });
  });

  it('is not applicable without a name', async () => {
    const out = await createAmlCheck({ index }).run(evidence(undefined), config, services);
    expect(out.status).toBe('not_applicable');
  });
});

it('reports PEP_HIT only when a PEP dataset is loaded', async () => {
  const pep: ScreeningEntity = {
    id: 'os-peps:1',
    listId: 'os-peps',
    ref: '1',
    schema: 'person',
    names: [{ name: 'Ana Example Ministra', strength: 'primary' }],
    birthDates: ['1970-03-04'],
    birthPlaces: [],
    nationalities: ['pt'],
    countries: [],
    identifiers: [],
    programs: [],
    topics: ['role.pep'],
  };
  let index = buildIndex([pep]);
  const check = createAmlCheck({ index: () => index });
  const applicant = evidence({
    firstName: field('Ana'),
    lastName: field('Ministra'),
    dateOfBirth: field('1970-03-04'),
  });
  const out = await check.run(applicant, config, services);
  expect(out.reasons.map((r) => r.code)).toEqual(['PEP_HIT']);
  expect(out.riskLabels).toEqual(['pep']);
  // the server swaps in a new index (e.g. after an import) without re-creating the check
  index = buildIndex([{ ...pep, topics: ['sanction'] }]);
  expect((await check.run(applicant, config, services)).reasons.map((r) => r.code)).toEqual(['AML_HIT']);
});
