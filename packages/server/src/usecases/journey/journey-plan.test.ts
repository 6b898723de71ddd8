import { describe, expect, it } from 'vitest';
import { journeyPlan } from './journey-plan.ts';

describe('the journey asks for what the workflow checks', () => {
  it('a document check means a document step limited to its accepted types and countries; face checks a selfie', () => {
    const plan = journeyPlan({
      checks: [
        {
          type: 'document',
          config: { acceptedTypes: ['passport', 'id_card'], acceptedCountries: ['EST', 'DEU'] },
        },
        { type: 'face-match', config: {} },
        { type: 'liveness', config: {} },
      ],
    });
    expect(plan.steps).toEqual(['consent', 'document', 'selfie', 'review']);
    expect(plan.document!.types).toEqual([
      { type: 'passport', sides: ['front'] },
      { type: 'id_card', sides: ['front', 'back'] },
    ]);
    expect(plan.document!.countries).toEqual([
      { code: 'EST', region: 'EE' },
      { code: 'DEU', region: 'DE' },
    ]);
    expect(plan.selfie).toEqual({ required: true, liveness: true, challenge: false });
  });

  it('image quality alone decides from its required photos, and a required back applies to every type', () => {
    const plan = journeyPlan({
      checks: [{ type: 'image-quality', config: { required: ['document-front', 'document-back'] } }],
    });
    expect(plan.steps).toEqual(['consent', 'document', 'review']);
    expect(plan.selfie).toBeNull();
    expect(plan.document!.types.every((t) => t.sides.join() === 'front,back')).toBe(true);
    expect(plan.document!.types).toHaveLength(6);
  });

  it('a selfie-only workflow (face against a reference photo) has no document step', () => {
    const plan = journeyPlan({ checks: [{ type: 'face-match', config: {} }] });
    expect(plan.steps).toEqual(['consent', 'selfie', 'review']);
    expect(plan.selfie).toEqual({ required: true, liveness: false, challenge: false });
  });

  it('an active-liveness check makes the selfie step record the challenge', () => {
    const plan = journeyPlan({ checks: [{ type: 'active-liveness', config: {} }] });
    expect(plan.steps).toEqual(['consent', 'selfie', 'review']);
    expect(plan.selfie).toEqual({ required: true, liveness: false, challenge: true });
  });

  it('a workflow that needs no photos (screening only) is consent and review', () => {
    expect(journeyPlan({ checks: [{ type: 'aml', config: {} }] }).steps).toEqual(['consent', 'review']);
  });
});
