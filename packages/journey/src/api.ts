import type { AnswerValue, QuestionnaireContent } from '@openidv/domain/questionnaire-logic';

/** The journey's browser API, authenticated by the token in the page's own path (/j/<token>/api/…). */
export type Phase = 'consent' | 'capture' | 'finished' | 'cancelled' | 'expired';
export type Side = 'front' | 'back';
export type ProgressStep =
  | 'consent'
  | 'eid'
  | 'document-type'
  | 'document-front'
  | 'document-back'
  | 'selfie'
  | 'questionnaire'
  | 'review'
  | 'submitting'
  | 'finished';

export interface JourneyState {
  reference: string;
  type: 'identity' | 'employment' | 'income';
  phase: Phase;
  status: string;
  resubmission: boolean;
  locale: string | null;
  application: {
    name: string;
    logo: string | null;
    primaryColor: string | null;
    termsUrl: string | null;
    privacyUrl: string | null;
  };
  plan: {
    steps: ('consent' | 'questionnaire' | 'document' | 'selfie' | 'review')[];
    document: {
      types: { type: string; sides: Side[] }[];
      countries: { code: string; region: string | null }[];
    } | null;
    selfie: { liveness: boolean; challenge: boolean } | null;
    questionnaire: Questionnaire | null;
    checks: string[];
  };
  consented: boolean;
  step: ProgressStep | null;
  uploaded: string[];
  answered: boolean;
  /** The eID providers the workflow offers (null: none). */
  eid: {
    providers: EidProvider[];
    fallbackToDocument: boolean;
    lastSignIn: EidSignIn | null;
  } | null;
  hasCallback: boolean;
  callbackUrl: string | null;
  /** A session created through a vendor dialect: whose iFrame messages to post too, and the vendor's words. */
  frame: FrameSession | null;
}

export interface FrameSession {
  format: string;
  sessionId: string;
  status: string;
}

export interface Questionnaire extends QuestionnaireContent {
  id: string;
  version: number;
  /** ISO alpha-2 codes for country questions. */
  countries: string[];
}

export interface EidProvider {
  providerId: string;
  name: string;
  flows: ('redirect' | 'qr' | 'push')[];
  loginHintLabel?: string;
}

export interface EidSignIn {
  id: string;
  status: 'pending' | 'completed' | 'failed';
  errorCode?: string;
}

/** An employment or income journey: the declared jobs and how each can be proven. */
export interface EmploymentState {
  businessName: string;
  sources: { id: string; name: string }[];
  declared: {
    id: string;
    employer: string;
    jobTitle: string | null;
    startDate: string;
    endDate: string | null;
    connectedSource: string | null;
    failedSources: string[];
    nextSource: string | null;
    offerDocuments: boolean;
  }[];
}

export interface Progress {
  phase: Phase;
  status: string;
  step: ProgressStep | null;
  uploaded: string[];
}

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: string, status: number, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

export type ChallengeStep = 'turn-left' | 'turn-right' | 'move-closer' | 'move-back';

export const apiBase = `${location.pathname.replace(/\/+$/, '')}/api`;

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${apiBase}/${path}`, { credentials: 'omit', cache: 'no-store', ...init });
  } catch {
    throw new ApiError('NETWORK', 0, 'network error');
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const e = body?.error;
    throw new ApiError(e?.code ?? 'HTTP', res.status, e?.message ?? `HTTP ${res.status}`, e?.details);
  }
  return body as T;
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export const api = {
  state: () => call<JourneyState>('session'),
  consent: (accept: boolean, locale: string) => call<JourneyState>('consent', json({ accept, locale })),
  step: (step: ProgressStep) => call<Progress>('step', json({ step })),
  answer: (answers: Record<string, AnswerValue>) =>
    call<{ answers: Record<string, AnswerValue> }>('questionnaire-answers', json({ answers })),
  submit: () => call<JourneyState>('submit', { method: 'POST' }),
  eidPush: (providerId: string, loginHint: string) =>
    call<{ signIn: EidSignIn; interval: number }>(
      `eid/${encodeURIComponent(providerId)}/push`,
      json({ loginHint }),
    ),
  eidSignIn: (id: string) => call<EidSignIn>(`eid/sign-ins/${encodeURIComponent(id)}`),
  challenge: () =>
    call<{ id: string; steps: ChallengeStep[]; issuedAt: string }>('liveness-challenge', { method: 'POST' }),
  employment: () => call<EmploymentState>('employment'),
  connect: (sourceId: string, declaredId: string) =>
    call<{ connectionId: string; authorizationUrl: string }>(
      'employment/connections',
      json({ sourceId, declaredId }),
    ),
  uploadIncomeDocument(file: File) {
    const form = new FormData();
    form.append('file', file, file.name);
    return call<{ id: string }>('employment/documents', { method: 'POST', body: form });
  },
  upload(context: string, blob: Blob) {
    const form = new FormData();
    form.append('context', context);
    form.append('file', blob, `${context}.jpg`);
    return call<{ id: string }>('media', { method: 'POST', body: form });
  },
};
