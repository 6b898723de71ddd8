import { describe, expect, it } from 'vitest';
import type { CheckDefinition, CheckResult } from '../checks/check.ts';
import { decide } from '../decisions/decide.ts';
import { validateRules, type WorkflowRule, workflowRuleSchema } from './rules.ts';
import { workflowDefinitionSchema } from './workflow.ts';

const definitions: Record<string, Pick<CheckDefinition, 'reasonCodes'>> = {
  'ip-risk': {
    reasonCodes: {
      IP_HOSTING: { action: 'none', description: '' },
      IP_COUNTRY_MISMATCH: { action: 'none', description: '' },
      IP_TOR: { action: 'review', description: '' },
    },
  },
  document: { reasonCodes: { DOCUMENT_EXPIRED: { action: 'decline', description: '' } } },
  'face-match': { reasonCodes: { FACE_MISMATCH: { action: 'decline', description: '' } } },
};
const lookup = (t: string) => definitions[t];
const steps = [
  { type: 'document', config: {} },
  { type: 'face-match', config: {} },
  { type: 'ip-risk', config: {} },
];
const now = new Date('2026-03-01T00:00:00Z');
const field = <T>(value: T) => ({ value, source: 'mrz' as const, confidence: 0.99 });

function results(ipCodes: string[], dateOfBirth = '1990-05-17', faceScore = 0.8): CheckResult[] {
  return [
    {
      type: 'document',
      status: 'passed',
      reasons: [],
      evidence: {},
      extracted: { person: { dateOfBirth: field(dateOfBirth) }, document: { country: field('EST') } },
    },
    { type: 'face-match', status: 'passed', score: faceScore, reasons: [], evidence: {} },
    {
      type: 'ip-risk',
      status: ipCodes.length ? 'failed' : 'passed',
      reasons: ipCodes.map((code) => ({ code, message: code })),
      evidence: { country: 'DE', asn: 24940 },
      riskLabels: ipCodes.includes('IP_HOSTING') ? ['hosting'] : [],
    },
  ];
}

const hostingAbroad: WorkflowRule = {
  id: 'hosting_abroad',
  name: 'Hosting IP from another country',
  if: { all: [{ reason: 'IP_HOSTING' }, { reason: 'IP_COUNTRY_MISMATCH' }] },
  then: 'review',
};
const minor: WorkflowRule = {
  id: 'minor',
  name: 'Under 18',
  if: { field: 'person.age', lt: 18 },
  then: 'decline',
};

describe('workflow rules in the decision', () => {
  it('escalates when every part of an all-condition holds, and explains which parts held', () => {
    const d = decide(steps, results(['IP_HOSTING', 'IP_COUNTRY_MISMATCH']), lookup, now, [hostingAbroad]);
    expect(d.status).toBe('review');
    expect(d.reasons.map((r) => [r.code, r.action])).toEqual([
      ['IP_HOSTING', 'none'],
      ['IP_COUNTRY_MISMATCH', 'none'],
      ['RULE_HOSTING_ABROAD', 'review'],
    ]);
    expect(d.reasons[2]).toMatchObject({
      check: 'rules',
      message:
        'Rule "Hosting IP from another country" matched: IP_HOSTING was raised and IP_COUNTRY_MISMATCH was raised.',
    });
  });

  it('does nothing when only part of the condition holds', () => {
    const d = decide(steps, results(['IP_HOSTING']), lookup, now, [hostingAbroad]);
    expect(d.status).toBe('approved');
    expect(d.reasons.map((r) => r.code)).toEqual(['IP_HOSTING']);
  });

  it('reads the age from the date of birth on the decision day', () => {
    const adult = decide(steps, results([], '2008-02-28'), lookup, now, [minor]);
    expect(adult.status).toBe('approved');
    const child = decide(steps, results([], '2008-03-02'), lookup, now, [minor]);
    expect(child.status).toBe('declined');
    expect(child.reasons[0]).toMatchObject({
      code: 'RULE_MINOR',
      message: 'Rule "Under 18" matched: person.age = 17 (< 18).',
    });
  });

  it('compares scores, evidence, statuses, risk labels, any and not', () => {
    const rules: WorkflowRule[] = [
      {
        id: 'weak_face',
        name: 'Weak face match',
        if: { field: 'checks.face-match.score', lt: 0.85 },
        then: 'review',
      },
      {
        id: 'de',
        name: 'German network',
        if: { field: 'checks.ip-risk.evidence.country', eq: 'de' },
        then: 'review',
      },
      { id: 'hosted', name: 'Hosting label', if: { riskLabel: 'hosting' }, then: 'review' },
      {
        id: 'either',
        name: 'Either',
        if: { any: [{ reason: 'IP_TOR' }, { check: 'document', status: 'passed' }] },
        then: 'review',
      },
      { id: 'not_tor', name: 'Not Tor', if: { not: { reason: 'IP_TOR' } }, then: 'resubmit' },
      {
        id: 'estonian',
        name: 'Not Estonian',
        if: { field: 'document.country', notIn: ['EST', 'LVA'] },
        then: 'decline',
      },
    ];
    const d = decide(steps, results(['IP_HOSTING']), lookup, now, rules);
    expect(d.reasons.filter((r) => r.check === 'rules').map((r) => r.code)).toEqual([
      'RULE_WEAK_FACE',
      'RULE_DE',
      'RULE_HOSTED',
      'RULE_EITHER',
      'RULE_NOT_TOR',
    ]);
    expect(d.status).toBe('resubmission_requested');
  });

  it('treats an unknown field as not matching, except for ne, notIn and exists:false', () => {
    const noDob: CheckResult[] = [{ type: 'document', status: 'passed', reasons: [], evidence: {} }];
    const d = decide(steps, noDob, lookup, now, [
      minor,
      {
        id: 'no_dob',
        name: 'No birth date',
        if: { field: 'person.dateOfBirth', exists: false },
        then: 'review',
      },
    ]);
    expect(d.reasons.map((r) => r.code)).toEqual(['RULE_NO_DOB']);
  });
});

describe('rule validation', () => {
  const parse = (rule: unknown) => workflowRuleSchema.safeParse(rule);

  it('accepts the documented shapes', () => {
    expect(parse(hostingAbroad).success).toBe(true);
    expect(parse(minor).success).toBe(true);
    expect(validateRules([hostingAbroad, minor], steps, lookup)).toEqual([]);
  });

  it('rejects malformed conditions by shape', () => {
    expect(parse({ ...minor, if: { field: 'person.age', lt: 18, gt: 3 } }).success).toBe(false);
    expect(parse({ ...minor, if: { field: 'person.age' } }).success).toBe(false);
    expect(parse({ ...minor, then: 'approve' }).success).toBe(false);
    expect(parse({ ...minor, id: 'has space' }).success).toBe(false);
    expect(parse({ ...minor, if: { reason: 'X', extra: 1 } }).success).toBe(false);
    const wf = workflowDefinitionSchema.safeParse({
      name: 'w',
      checks: [],
      rules: [{ ...minor, if: { all: [] } }],
    });
    expect(wf.success).toBe(false);
  });

  it('names the rule and the problem, with a suggestion for a misspelt code', () => {
    const problems = validateRules(
      [
        {
          id: 'a',
          name: 'Typo',
          if: { all: [{ reason: 'IP_HOSTNG' }, { reason: 'IP_COUNTRY_MISMATCH' }] },
          then: 'review',
        },
        { id: 'b', name: 'Wrong check', if: { reason: 'FACE_MISMATCH', check: 'ip-risk' }, then: 'review' },
        { id: 'c', name: 'Missing check', if: { check: 'liveness', status: 'failed' }, then: 'review' },
        { id: 'd', name: 'Text compared', if: { field: 'person.lastName', lt: 3 }, then: 'review' },
        { id: 'e', name: 'Unknown field', if: { field: 'person.height', gt: 200 }, then: 'review' },
        { id: 'f', name: 'Date as number', if: { field: 'document.expiryDate', lt: 5 }, then: 'review' },
        { id: 'a', name: 'Same id', if: { riskLabel: 'tor' }, then: 'review' },
        {
          id: 'g',
          name: 'Bad status',
          if: { field: 'checks.document.status', eq: 'failing' },
          then: 'review',
        },
      ],
      steps,
      lookup,
    );
    expect(problems).toEqual([
      'rules[0] ("Typo"): if.all[0]: no check of this workflow raises "IP_HOSTNG" (did you mean "IP_HOSTING"?)',
      'rules[1] ("Wrong check"): if: "FACE_MISMATCH" is not a reason of ip-risk',
      'rules[2] ("Missing check"): if: check "liveness" is not in this workflow',
      'rules[3] ("Text compared"): if: person.lastName is text; lt needs a number or date field',
      'rules[4] ("Unknown field"): if.field: unknown field "person.height" (known: person.firstName, person.lastName, person.dateOfBirth, person.sex, person.nationality, person.personalNumber, person.estimatedAge, person.age)',
      'rules[5] ("Date as number"): if: document.expiryDate is a date; lt needs a YYYY-MM-DD date',
      'rules[6] ("Same id"): id "a" is used by another rule',
      'rules[7] ("Bad status"): if: "failing" is not a check status (passed, failed, not_applicable, error)',
    ]);
  });
});
