import type { FrameTranslator } from './embed.ts';

/**
 * Didit's iFrame messages, as Didit's web SDK (`@didit-protocol/sdk-web`) reads them: `{type: "didit:…", data,
 * timestamp}` with the Didit session id in `data.sessionId`. `didit:completed` and `didit:cancelled` make the SDK
 * call the integrator's `onComplete`. See docs/compat/didit.md.
 */

/** The journey's steps Didit has a name for; the others (consent, eID, review) are not reported as steps. */
const STEPS: Record<string, string> = {
  'document-type': 'document_selection',
  'document-front': 'document_front',
  'document-back': 'document_back',
  selfie: 'face',
  questionnaire: 'questionnaire',
};

export function diditFrame(): FrameTranslator {
  let current: string | null = null;
  return (event, data, session) => {
    const message = (type: string, payload: Record<string, unknown> = {}) => ({
      type: `didit:${type}`,
      data: { sessionId: session.sessionId, ...payload },
      timestamp: Date.now(),
    });
    switch (event) {
      case 'ready':
      case 'started':
      case 'cancelled':
        return [message(event)];
      case 'step': {
        const step = STEPS[data['step'] ?? ''] ?? null;
        if (step === current) return [];
        const previous = current;
        current = step;
        return [
          ...(previous
            ? [message('step_completed', { step: previous, ...(step && { nextStep: step }) })]
            : []),
          ...(step
            ? [
                message('step_changed', { step, ...(previous && { previousStep: previous }) }),
                message('step_started', { step }),
              ]
            : []),
        ];
      }
      case 'finished':
        return [
          message('status_updated', { status: session.status }),
          message('completed', { status: session.status }),
        ];
    }
  };
}
