import { describe, expect, it } from 'vitest';
import { diditFrame } from './frame-didit.ts';

const session = { format: 'didit', sessionId: '5f0c8a52-0d7e-4b8e-9b61-3f7d2c1a9e40', status: 'Pending' };
const types = (messages: unknown[]) =>
  messages.map((m) => {
    const { type, data } = m as { type: string; data: Record<string, unknown> };
    return { type, ...data };
  });

describe("Didit's frame messages for the journey's events", () => {
  it('wraps each in the envelope the SDK reads, with the Didit session id', () => {
    const [ready] = diditFrame()('ready', {}, session) as {
      type: string;
      data: unknown;
      timestamp: number;
    }[];
    expect(ready).toEqual({
      type: 'didit:ready',
      data: { sessionId: session.sessionId },
      timestamp: expect.any(Number),
    });
  });

  it('reports the steps Didit names, completing each when the next one starts; skips those it does not', () => {
    const speak = diditFrame();
    const step = (s: string) => types(speak('step', { step: s }, session));
    const id = { sessionId: session.sessionId };
    expect(step('consent')).toEqual([]);
    expect(step('document-type')).toEqual([
      { type: 'didit:step_changed', step: 'document_selection', ...id },
      { type: 'didit:step_started', step: 'document_selection', ...id },
    ]);
    expect(step('document-front')).toEqual([
      { type: 'didit:step_completed', step: 'document_selection', nextStep: 'document_front', ...id },
      { type: 'didit:step_changed', step: 'document_front', previousStep: 'document_selection', ...id },
      { type: 'didit:step_started', step: 'document_front', ...id },
    ]);
    // A reload reports the same step again: nothing new for Didit.
    expect(step('document-front')).toEqual([]);
    expect(step('selfie').map((m) => m.type)).toEqual([
      'didit:step_completed',
      'didit:step_changed',
      'didit:step_started',
    ]);
    expect(step('review')).toEqual([{ type: 'didit:step_completed', step: 'face', ...id }]);
    expect(step('finished')).toEqual([]);
  });

  it('ends with the status the server gave: completed when finished, cancelled when declined', () => {
    const id = { sessionId: session.sessionId };
    expect(
      types(diditFrame()('finished', { status: 'submitted' }, { ...session, status: 'Approved' })),
    ).toEqual([
      { type: 'didit:status_updated', status: 'Approved', ...id },
      { type: 'didit:completed', status: 'Approved', ...id },
    ]);
    expect(types(diditFrame()('cancelled', {}, session))).toEqual([{ type: 'didit:cancelled', ...id }]);
    expect(types(diditFrame()('started', {}, session))).toEqual([{ type: 'didit:started', ...id }]);
  });
});
