import { describe, expect, it } from 'vitest';
import type { CheckDefinition, CheckResult } from '../checks/check.ts';
import { type CheckLookup, decide } from './decide.ts';

const definitions: Record<string, Pick<CheckDefinition, 'reasonCodes'>> = {
  'image-quality': {
    reasonCodes: {
      IMAGE_TOO_BLURRY: { action: 'resubmit', description: '' },
      IMAGE_TOO_SMALL: { action: 'resubmit', description: '' },
    },
  },
  doc: { reasonCodes: { DOC_EXPIRED: { action: 'decline', description: '' } } },
};
const lookup: CheckLookup = (type) => definitions[type];

const result = (type: string, status: CheckResult['status'], codes: string[] = []): CheckResult => ({
  type,
  status,
  reasons: codes.map((code) => ({ code, message: code })),
  evidence: {},
});

describe('decide', () => {
  const now = new Date('2026-01-01T00:00:00Z');

  it('approves when every check passed', () => {
    const d = decide(
      [{ type: 'image-quality', config: {} }],
      [result('image-quality', 'passed')],
      lookup,
      now,
    );
    expect(d.status).toBe('approved');
    expect(d.reasons).toEqual([]);
  });

  it("uses each reason's default action when the workflow sets none", () => {
    const d = decide(
      [{ type: 'image-quality', config: {} }],
      [result('image-quality', 'failed', ['IMAGE_TOO_BLURRY'])],
      lookup,
      now,
    );
    expect(d.status).toBe('resubmission_requested');
    expect(d.reasons).toEqual([
      { code: 'IMAGE_TOO_BLURRY', message: 'IMAGE_TOO_BLURRY', check: 'image-quality', action: 'resubmit' },
    ]);
  });

  it('lets a per-reason override win over the check action and the default', () => {
    const d = decide(
      [{ type: 'image-quality', config: {}, action: 'decline', reasonActions: { IMAGE_TOO_BLURRY: 'none' } }],
      [result('image-quality', 'failed', ['IMAGE_TOO_BLURRY'])],
      lookup,
      now,
    );
    expect(d.status).toBe('approved');
    expect(d.reasons[0]?.action).toBe('none');
  });

  it('combines results to the most severe outcome', () => {
    const d = decide(
      [
        { type: 'image-quality', config: {} },
        { type: 'doc', config: {} },
      ],
      [result('image-quality', 'failed', ['IMAGE_TOO_SMALL']), result('doc', 'failed', ['DOC_EXPIRED'])],
      lookup,
      now,
    );
    expect(d.status).toBe('declined');
    expect(d.reasons.map((r) => r.code)).toEqual(['IMAGE_TOO_SMALL', 'DOC_EXPIRED']);
  });

  it('sends a check that could not run to review', () => {
    const d = decide([{ type: 'doc', config: {} }], [result('doc', 'error')], lookup, now);
    expect(d.status).toBe('review');
    expect(d.reasons[0]?.code).toBe('CHECK_ERROR');
  });

  it('keeps the most confident reading of each extracted field', () => {
    const a: CheckResult = {
      ...result('doc', 'passed'),
      extracted: { person: { lastName: { value: 'MULLER', source: 'visual-zone', confidence: 0.6 } } },
    };
    const b: CheckResult = {
      ...result('image-quality', 'passed'),
      extracted: { person: { lastName: { value: 'MUELLER', source: 'mrz', confidence: 0.99 } } },
    };
    const d = decide([], [a, b], lookup, now);
    expect(d.person.lastName?.value).toBe('MUELLER');
  });
});
