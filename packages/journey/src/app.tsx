import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import {
  ApiError,
  api,
  apiBase,
  type EmploymentState,
  type JourneyState,
  type Progress,
  type ProgressStep,
  type Side,
} from './api.ts';
import { applyBrand } from './brand.ts';
import { Capture } from './capture.tsx';
import { EidChoice } from './eid.tsx';
import { embedded, notifyParent, speakFrameFormat } from './embed.ts';
import { DICTIONARIES, LANGS, type Lang, pickLang, RTL, type Translate, translator } from './i18n/index.ts';
import { Heading, Message } from './ui.tsx';

type Screen =
  | { name: 'loading' }
  | { name: 'unknown' }
  | { name: 'error' }
  | { name: 'handoff' }
  | { name: 'consent' }
  | { name: 'eid' }
  | { name: 'doctype' }
  | { name: 'document'; side: Side }
  | { name: 'selfie' }
  | { name: 'questionnaire' }
  | { name: 'employment' }
  | { name: 'summary' }
  | { name: 'done' }
  | { name: 'cancelled' }
  | { name: 'expired' };

const params = new URLSearchParams(location.search);
/** Opened from the QR code of a desktop: at the end, send the applicant back to the computer, not the callback. */
const fromHandoff = params.get('handoff') === '1';
/** Back from an eID provider: "done" or the error code of the sign-in. */
const eidOutcome = params.get('eid');
const storageKey = (what: string) => `openidv:${location.pathname}:${what}`;
const remember = (what: string, value: string) => {
  try {
    sessionStorage.setItem(storageKey(what), value);
  } catch {}
};
const recall = (what: string) => {
  try {
    return sessionStorage.getItem(storageKey(what));
  } catch {
    return null;
  }
};

/** A computer (fine pointer, wide screen): offer to continue on a phone, whose camera is better. */
function isDesktop(): boolean {
  return !matchMedia('(pointer: coarse)').matches && window.innerWidth >= 768;
}

/** The first thing still to do, from what the server has (so a reload resumes where the applicant was). */
function resume(s: JourneyState, docType: string | null): Screen {
  if (s.phase === 'expired') return { name: 'expired' };
  if (s.phase === 'cancelled') return { name: 'cancelled' };
  if (s.phase === 'finished') return { name: 'done' };
  if (s.phase === 'consent') return { name: 'consent' };
  const ask = s.plan.questionnaire && !s.answered;
  // Placed before the capture, the questionnaire comes straight after the consent.
  if (ask && s.plan.steps[1] === 'questionnaire') return { name: 'questionnaire' };
  // eID first when the workflow offers it, unless the applicant chose the document (where that is allowed).
  if (
    s.eid?.providers.length &&
    !s.uploaded.length &&
    (!s.eid.fallbackToDocument || recall('eid') !== 'document')
  )
    return { name: 'eid' };
  const doc = s.plan.document;
  if (doc) {
    const type = doc.types.find((x) => x.type === docType);
    if (!s.uploaded.includes('document-front'))
      return type ? { name: 'document', side: 'front' } : { name: 'doctype' };
    if (!type && doc.types.some((x) => x.sides.includes('back')) && !s.uploaded.includes('document-back')) {
      return { name: 'doctype' };
    }
    if (type?.sides.includes('back') && !s.uploaded.includes('document-back'))
      return { name: 'document', side: 'back' };
  }
  if (s.plan.selfie && !s.uploaded.includes('face')) return { name: 'selfie' };
  if (ask) return { name: 'questionnaire' };
  if (s.type !== 'identity' && recall('employmentDone') !== '1') return { name: 'employment' };
  return { name: 'summary' };
}

function progressStep(screen: Screen): ProgressStep | null {
  switch (screen.name) {
    case 'consent':
      return 'consent';
    case 'eid':
      return 'eid';
    case 'doctype':
      return 'document-type';
    case 'document':
      return screen.side === 'front' ? 'document-front' : 'document-back';
    case 'selfie':
      return 'selfie';
    case 'questionnaire':
      return 'questionnaire';
    case 'summary':
      return 'review';
    case 'done':
      return 'finished';
    default:
      return null;
  }
}

export function App() {
  const [state, setState] = useState<JourneyState | null>(null);
  const [employment, setEmployment] = useState<EmploymentState | null>(null);
  const [screen, setScreen] = useState<Screen>({ name: 'loading' });
  const [chosenLang, setChosenLang] = useState<string | null>(recall('lang'));
  const [docType, setDocType] = useState<string | null>(recall('docType'));
  const [country, setCountry] = useState<string | null>(recall('country'));

  const lang: Lang = pickLang([chosenLang, state?.locale, ...(navigator.languages ?? [navigator.language])]);
  const t = useMemo(() => translator(lang), [lang]);
  const name = state?.application.name || t('title');

  useEffect(() => {
    document.documentElement.lang = lang;
    document.documentElement.dir = RTL.has(lang) ? 'rtl' : 'ltr';
  }, [lang]);
  useEffect(() => {
    document.title = `${t('title')} · ${name}`;
  }, [t, name]);

  const load = useCallback(async (afterHandoff = false) => {
    try {
      const s = await api.state();
      if (s.type !== 'identity') setEmployment(await api.employment());
      setState(s);
      applyBrand(s.application.primaryColor);
      const next = resume(s, recall('docType'));
      const offerHandoff =
        !afterHandoff &&
        !fromHandoff &&
        recall('here') !== '1' &&
        isDesktop() &&
        // eID has its own QR code: the phone that holds the eID signs in while this page follows.
        !s.eid?.providers.length &&
        // Only photos need the phone; an employment-only journey is as good on the desktop.
        (s.plan.document !== null || s.plan.selfie !== null) &&
        ['consent', 'questionnaire', 'doctype', 'document'].includes(next.name);
      // Most sessions have no questionnaire: its code loads only for those that do, ahead of the step.
      if (s.plan.questionnaire) void loadQuestionnaire();
      setScreen(offerHandoff ? { name: 'handoff' } : next);
    } catch (e) {
      setScreen(e instanceof ApiError && e.status === 404 ? { name: 'unknown' } : { name: 'error' });
    }
  }, []);
  useEffect(() => {
    load();
  }, [load]);

  // Before the step below, so an embedding vendor SDK hears the session's latest status with the step.
  useEffect(() => speakFrameFormat(state?.frame ?? null), [state]);
  // Report each step: to the session timeline (for a desktop following along) and to an embedding page.
  useEffect(() => {
    const step = progressStep(screen);
    if (!step || !state) return;
    api.step(step).catch(() => {});
    notifyParent('step', { step });
    if (screen.name === 'done') notifyParent('finished', { status: 'submitted' });
  }, [screen.name, screen.name === 'document' ? screen.side : '']);
  useEffect(() => {
    if (screen.name === 'cancelled') notifyParent('cancelled');
  }, [screen.name]);

  const advance = (s: JourneyState, type = docType) => {
    setState(s);
    setScreen(resume(s, type));
  };

  const upload = async (context: string, blob: Blob, burst: Blob[] = []) => {
    try {
      await api.upload(context, blob);
      for (const frame of burst) await api.upload('liveness', frame);
    } catch (e) {
      if (
        e instanceof ApiError &&
        (e.code === 'SESSION_NOT_ACCEPTING_MEDIA' || e.code === 'SESSION_EXPIRED')
      ) {
        await load(true);
        return;
      }
      throw new Error(e instanceof ApiError && e.status ? e.message : t('errorText'));
    }
    advance({ ...state!, uploaded: [...state!.uploaded, context] });
  };

  const header = (
    <header class="top">
      {state?.application.logo ? (
        <img class="logo" src={state.application.logo} alt={state.application.name} />
      ) : (
        <span class="appname">{state?.application.name}</span>
      )}
      <label class="lang">
        <span class="sr-only">{t('language')}</span>
        <select
          value={lang}
          onChange={(e) => {
            const v = (e.currentTarget as HTMLSelectElement).value;
            setChosenLang(v);
            remember('lang', v);
          }}
        >
          {LANGS.map((l) => (
            <option value={l} lang={l} key={l}>
              {DICTIONARIES[l].languageName}
            </option>
          ))}
        </select>
      </label>
    </header>
  );

  return (
    <>
      {header}
      <main id="main">
        {state?.resubmission && ['doctype', 'document', 'selfie'].includes(screen.name) && (
          <p class="warn notice">{t('resubmitNotice')}</p>
        )}
        {renderScreen()}
      </main>
      {state && (
        <footer class="foot">
          <small>{t('reference', { ref: state.reference })}</small>
        </footer>
      )}
    </>
  );

  function stepLabel(): string | undefined {
    if (!state) return undefined;
    const order: string[] = [];
    if (state.plan.document) {
      const type = state.plan.document.types.find((x) => x.type === docType);
      order.push('document-front');
      if (type?.sides.includes('back')) order.push('document-back');
    }
    if (state.plan.selfie) order.push('selfie');
    if (state.plan.questionnaire) {
      if (state.plan.steps[1] === 'questionnaire') order.unshift('questionnaire');
      else order.push('questionnaire');
    }
    order.push('review');
    const current = progressStep(screen);
    const i = order.indexOf(current ?? '');
    return i >= 0 ? t('stepOf', { n: i + 1, total: order.length }) : undefined;
  }

  function renderScreen() {
    switch (screen.name) {
      case 'loading':
        return (
          <p class="screen" role="status">
            {t('loading')}
          </p>
        );
      case 'unknown':
        return (
          <Message title={t('unknownTitle')} tone="bad">
            <p>{t('unknownText')}</p>
          </Message>
        );
      case 'error':
        return (
          <Message title={t('errorTitle')} tone="bad">
            <p>{t('errorText')}</p>
            <div class="actions">
              <button type="button" class="primary" onClick={() => load()}>
                {t('tryAgain')}
              </button>
            </div>
          </Message>
        );
      case 'expired':
        return (
          <Message title={t('expiredTitle')} tone="bad">
            <p>{t('expiredText', { name })}</p>
          </Message>
        );
      case 'cancelled':
        return (
          <Message title={t('cancelledTitle')}>
            <p>{t('cancelledText')}</p>
            <Redirect t={t} url={state?.callbackUrl ?? null} name={name} />
          </Message>
        );
      case 'handoff':
        return (
          <Handoff
            t={t}
            onHere={() => {
              remember('here', '1');
              setScreen(resume(state!, docType));
            }}
            onProgress={(p) => {
              // "finished" as a step: the decision may already have asked for new photos when this page hears of it.
              if (p.step === 'finished' || p.phase === 'finished') {
                api.state().then(
                  (s) => {
                    setState(s);
                    setScreen({ name: 'done' });
                  },
                  () => load(true),
                );
              } else if (p.phase === 'cancelled' || p.phase === 'expired') load(true);
            }}
          />
        );
      case 'consent':
        return (
          <Consent
            t={t}
            state={state!}
            employment={employment}
            onAnswer={async (accept) => {
              const s = await api.consent(accept, lang);
              if (accept) notifyParent('started');
              if (s.phase === 'cancelled') {
                setState(s);
                setScreen({ name: 'cancelled' });
              } else advance(s);
            }}
          />
        );
      case 'eid':
        return (
          <EidChoice
            t={t}
            state={state!}
            notice={eidOutcome && eidOutcome !== 'done' ? eidOutcome : null}
            desktop={isDesktop()}
            onFinished={() => load(true)}
            onDocument={() => {
              remember('eid', 'document');
              setScreen(resume(state!, docType));
            }}
          />
        );
      case 'doctype':
        return (
          <DocumentChoice
            t={t}
            state={state!}
            docType={docType}
            country={country}
            onChoose={(type, c) => {
              setDocType(type);
              remember('docType', type);
              if (c) {
                setCountry(c);
                remember('country', c);
              }
              setScreen(resume(state!, type));
            }}
          />
        );
      case 'document': {
        const typeName = t(`type_${docType ?? 'other'}` as 'type_other');
        const passport = docType === 'passport';
        return (
          <Capture
            key={`document-${screen.side}`}
            t={t}
            kind="document"
            title={
              passport
                ? t('passportTitle')
                : t(screen.side === 'front' ? 'frontTitle' : 'backTitle', { doc: typeName.toLowerCase() })
            }
            hint={t('docHint')}
            aspect={passport ? 1.42 : 1.586}
            progressLabel={stepLabel()}
            send={(photo) => upload(`document-${screen.side}`, photo)}
          />
        );
      }
      case 'selfie':
        return (
          <Capture
            key="selfie"
            t={t}
            kind="selfie"
            title={t('selfieTitle')}
            hint={t('selfieHint')}
            aspect={0.75}
            burst={state?.plan.selfie?.liveness && !state.plan.selfie.challenge ? 2 : 0}
            challenge={state?.plan.selfie?.challenge ? async () => (await api.challenge()).steps : undefined}
            progressLabel={stepLabel()}
            send={(photo, burst) => upload('face', photo, burst)}
          />
        );
      case 'questionnaire':
        return (
          <LazyQuestionnaire
            t={t}
            lang={lang}
            questionnaire={state!.plan.questionnaire!}
            label={stepLabel()}
            onDone={async (answers) => {
              await api.answer(answers);
              advance({ ...state!, answered: true });
            }}
          />
        );
      case 'employment':
        return (
          <Employment
            t={t}
            employment={employment!}
            onChange={setEmployment}
            onDone={() => {
              remember('employmentDone', '1');
              setScreen({ name: 'summary' });
            }}
          />
        );
      case 'summary':
        return (
          <Summary
            t={t}
            state={state!}
            label={stepLabel()}
            onSubmit={async () => {
              api.step('submitting').catch(() => {});
              const s = await api.submit();
              setState(s);
              setScreen({ name: 'done' });
            }}
          />
        );
      case 'done':
        return (
          <Message title={t('doneTitle')} tone="ok">
            <p>{t('doneText', { name })}</p>
            {fromHandoff ? (
              <p>{t('doneHandoff')}</p>
            ) : (
              <Redirect t={t} url={embedded ? null : (state?.callbackUrl ?? null)} name={name} />
            )}
          </Message>
        );
    }
  }
}

function Redirect(props: { t: Translate; url: string | null; name: string }) {
  useEffect(() => {
    if (!props.url) return;
    const timer = setTimeout(() => location.assign(props.url!), 2500);
    return () => clearTimeout(timer);
  }, [props.url]);
  if (!props.url) return <p>{props.t('closePage')}</p>;
  return (
    <>
      <p role="status">{props.t('redirecting', { name: props.name })}</p>
      <div class="actions">
        <a class="button primary" href={props.url} rel="noreferrer">
          {props.t('continueNow')}
        </a>
      </div>
    </>
  );
}

const CHECK_TEXT: Record<
  string,
  | 'check_document'
  | 'check_face'
  | 'check_liveness'
  | 'check_active_liveness'
  | 'check_quality'
  | 'check_aml'
  | 'check_eid'
> = {
  document: 'check_document',
  'face-match': 'check_face',
  liveness: 'check_liveness',
  'active-liveness': 'check_active_liveness',
  'image-quality': 'check_quality',
  aml: 'check_aml',
  eid: 'check_eid',
};

function Consent(props: {
  t: Translate;
  state: JourneyState;
  employment: EmploymentState | null;
  onAnswer(accept: boolean): Promise<void>;
}) {
  const { t, state, employment } = props;
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(false);
  const name = state.application.name;
  const answer = async (accept: boolean) => {
    setBusy(true);
    setError(false);
    try {
      await props.onAnswer(accept);
    } catch {
      setError(true);
      setBusy(false);
    }
  };
  const checks = [...new Set(state.plan.checks.map((c) => CHECK_TEXT[c]).filter((x) => x !== undefined))];
  if (confirming) {
    return (
      <section class="screen" aria-labelledby="h">
        <Heading>{t('decline')}</Heading>
        <p>{t('declineConfirm')}</p>
        <div class="actions">
          <button type="button" class="danger" disabled={busy} onClick={() => answer(false)}>
            {t('declineYes')}
          </button>
          <button type="button" class="secondary" disabled={busy} onClick={() => setConfirming(false)}>
            {t('back')}
          </button>
        </div>
      </section>
    );
  }
  return (
    <section class="screen" aria-labelledby="h">
      <Heading>{employment ? t('employmentConsentTitle') : t('consentTitle')}</Heading>
      {state.resubmission && <p class="warn">{t('resubmitNotice')}</p>}
      {employment ? (
        <>
          <p>{t('employmentConsentIntro', { name: employment.businessName })}</p>
          {employment.sources.length > 0 && (
            <>
              <p>{t('employmentConsentSources', { name: employment.businessName })}</p>
              <ul class="checks">
                {employment.sources.map((s) => (
                  <li key={s.id}>{s.name}</li>
                ))}
              </ul>
            </>
          )}
          <p>{t('employmentConsentDocuments')}</p>
        </>
      ) : (
        <p>{t('consentIntro', { name })}</p>
      )}
      {checks.length > 0 && (
        <>
          <h2>{t('consentWhat')}</h2>
          <ul class="checks">
            {checks.map((c) => (
              <li key={c}>{t(c)}</li>
            ))}
          </ul>
        </>
      )}
      <p>{t('consentData', { name })}</p>
      {(state.application.termsUrl || state.application.privacyUrl) && (
        <p class="links">
          {state.application.termsUrl && (
            <a href={state.application.termsUrl} target="_blank" rel="noopener noreferrer">
              {t('terms')}
            </a>
          )}
          {state.application.privacyUrl && (
            <a href={state.application.privacyUrl} target="_blank" rel="noopener noreferrer">
              {t('privacy')}
            </a>
          )}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {t('errorText')}
        </p>
      )}
      <div class="actions">
        <button type="button" class="primary" disabled={busy} onClick={() => answer(true)}>
          {t('accept')}
        </button>
        <button type="button" class="secondary" disabled={busy} onClick={() => setConfirming(true)}>
          {t('decline')}
        </button>
      </div>
    </section>
  );
}

function DocumentChoice(props: {
  t: Translate;
  state: JourneyState;
  docType: string | null;
  country: string | null;
  onChoose(type: string, country: string | null): void;
}) {
  const { t } = props;
  const doc = props.state.plan.document!;
  const [type, setType] = useState(props.docType ?? doc.types[0]?.type ?? 'other');
  const [country, setCountry] = useState(props.country ?? '');
  const names = useMemo(() => {
    try {
      return new Intl.DisplayNames([document.documentElement.lang], { type: 'region' });
    } catch {
      return null;
    }
  }, [document.documentElement.lang]);
  const needCountry = doc.countries.length > 1;
  return (
    <section class="screen" aria-labelledby="h">
      <Heading>{t('docTypeTitle')}</Heading>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          props.onChoose(type, needCountry ? country : (doc.countries[0]?.code ?? null));
        }}
      >
        {needCountry && (
          <div class="field">
            <label for="country">{t('country')}</label>
            <select
              id="country"
              required
              value={country}
              onChange={(e) => setCountry((e.currentTarget as HTMLSelectElement).value)}
            >
              <option value="">{t('chooseCountry')}</option>
              {doc.countries.map((c) => (
                <option key={c.code} value={c.code}>
                  {(c.region && names?.of(c.region)) || c.code}
                </option>
              ))}
            </select>
          </div>
        )}
        <fieldset class="types">
          <legend>{t('docType')}</legend>
          {doc.types.map((x) => (
            <label key={x.type} class={`choice ${type === x.type ? 'on' : ''}`}>
              <input
                type="radio"
                name="type"
                value={x.type}
                checked={type === x.type}
                onChange={() => setType(x.type)}
              />
              <span>{t(`type_${x.type}` as 'type_other')}</span>
            </label>
          ))}
        </fieldset>
        <div class="actions">
          <button type="submit" class="primary">
            {t('continue')}
          </button>
        </div>
      </form>
    </section>
  );
}

function Summary(props: {
  t: Translate;
  state: JourneyState;
  label: string | undefined;
  onSubmit(): Promise<void>;
}) {
  const { t, state } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <section class="screen" aria-labelledby="h">
      <Heading>{t('summaryTitle')}</Heading>
      {props.label && <p class="muted">{props.label}</p>}
      <p>{t('summaryText')}</p>
      <ul class="done-list">
        {state.plan.document && (
          <li>
            {t('item_document')} <span class="tick">✓ {t('done_item')}</span>
          </li>
        )}
        {state.plan.selfie && (
          <li>
            {t('item_selfie')} <span class="tick">✓ {t('done_item')}</span>
          </li>
        )}
        {state.plan.questionnaire && (
          <li>
            {t('item_questionnaire')} <span class="tick">✓ {t('done_item')}</span>
          </li>
        )}
        {state.type !== 'identity' && (
          <li>
            {t('item_employment')} <span class="tick">✓ {t('done_item')}</span>
          </li>
        )}
      </ul>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button
          type="button"
          class="primary"
          disabled={busy}
          aria-busy={busy}
          onClick={async () => {
            setBusy(true);
            setError(null);
            try {
              await props.onSubmit();
            } catch (e) {
              setError(e instanceof ApiError && e.status ? e.message : t('errorText'));
              setBusy(false);
            }
          }}
        >
          {busy ? t('submitting') : t('submit')}
        </button>
      </div>
    </section>
  );
}

const loadQuestionnaire = () => import('./questionnaire.tsx');

function LazyQuestionnaire(props: Parameters<typeof import('./questionnaire.tsx').QuestionnaireStep>[0]) {
  const [mod, setMod] = useState<Awaited<ReturnType<typeof loadQuestionnaire>> | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    loadQuestionnaire().then(setMod, () => setFailed(true));
  }, []);
  if (failed)
    return (
      <Message title={props.t('errorTitle')} tone="bad">
        <p>{props.t('errorText')}</p>
      </Message>
    );
  if (!mod)
    return (
      <p class="screen" role="status">
        {props.t('loading')}
      </p>
    );
  return <mod.QuestionnaireStep {...props} />;
}

/**
 * Each declared job with its way of proof: the next data source in the workflow's order (a source that failed is
 * not offered again; its failure is shown and documents are offered instead), or documents.
 */
function Employment(props: {
  t: Translate;
  employment: EmploymentState;
  onChange(e: EmploymentState): void;
  onDone(): void;
}) {
  const { t, employment } = props;
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [uploaded, setUploaded] = useState<Record<string, number>>(() =>
    Object.fromEntries(employment.declared.map((d) => [d.id, Number(recall(`docs:${d.id}`) ?? 0)])),
  );
  const sourceName = (id: string) => employment.sources.find((s) => s.id === id)?.name ?? id;
  const connect = async (sourceId: string, declaredId: string) => {
    setBusy(declaredId);
    setError(null);
    try {
      const { authorizationUrl } = await api.connect(sourceId, declaredId);
      location.assign(authorizationUrl);
    } catch (e) {
      setError(e instanceof ApiError && e.status ? e.message : t('errorText'));
      setBusy(null);
      props.onChange(await api.employment().catch(() => employment));
    }
  };
  const upload = async (declaredId: string, files: FileList | null) => {
    if (!files?.length) return;
    setBusy(declaredId);
    setError(null);
    try {
      for (const file of Array.from(files)) await api.uploadIncomeDocument(file);
      const count = (uploaded[declaredId] ?? 0) + files.length;
      remember(`docs:${declaredId}`, String(count));
      setUploaded({ ...uploaded, [declaredId]: count });
    } catch (e) {
      setError(e instanceof ApiError && e.status ? e.message : t('errorText'));
    } finally {
      setBusy(null);
    }
  };
  return (
    <section class="screen" aria-labelledby="h">
      <Heading>{t('employmentTitle')}</Heading>
      <p>{t('employmentIntro')}</p>
      <ul class="jobs">
        {employment.declared.map((d) => (
          <li key={d.id} class="job">
            <h2>{d.employer}</h2>
            <p class="muted">
              {[d.jobTitle, `${d.startDate} – ${d.endDate ?? t('employmentNow')}`].filter(Boolean).join(', ')}
            </p>
            {d.connectedSource ? (
              <p class="tick">✓ {t('employmentConnected', { source: sourceName(d.connectedSource) })}</p>
            ) : (
              <>
                {d.failedSources.map((f) => (
                  <p key={f} class="warn" role="status">
                    {t('employmentFailed', { source: sourceName(f) })}
                  </p>
                ))}
                {d.nextSource && (
                  <div class="actions">
                    <button
                      type="button"
                      class="primary"
                      disabled={busy !== null}
                      onClick={() => connect(d.nextSource!, d.id)}
                    >
                      {t('employmentConnect', { source: sourceName(d.nextSource) })}
                    </button>
                  </div>
                )}
                <label class="upload">
                  {t('employmentUpload')}
                  <input
                    type="file"
                    multiple
                    accept="application/pdf,image/*"
                    disabled={busy !== null}
                    onChange={(e) => upload(d.id, (e.currentTarget as HTMLInputElement).files)}
                  />
                </label>
                {(uploaded[d.id] ?? 0) > 0 && (
                  <p class="tick">✓ {t('employmentUploaded', { count: uploaded[d.id]! })}</p>
                )}
              </>
            )}
          </li>
        ))}
      </ul>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button type="button" class="primary" disabled={busy !== null} onClick={props.onDone}>
          {t('employmentContinue')}
        </button>
      </div>
    </section>
  );
}

function Handoff(props: { t: Translate; onHere(): void; onProgress(p: Progress): void }) {
  const { t } = props;
  const link = `${location.origin}${location.pathname}?handoff=1`;
  const [qr, setQr] = useState<string | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    // The QR encoder is loaded only here, so phones never download it.
    import('qrcode').then((QR) =>
      QR.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }).then((svg) =>
        setQr(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`),
      ),
    );
    const events = new EventSource(`${apiBase}/progress`);
    events.onmessage = (m) => {
      const p = JSON.parse(m.data) as Progress;
      setProgress(p);
      props.onProgress(p);
    };
    events.addEventListener('gone', () => events.close());
    return () => events.close();
  }, []);
  const started = progress && progress.step && progress.step !== 'consent' ? progress.step : null;
  return (
    <section class="screen handoff" aria-labelledby="h">
      <Heading>{t('handoffTitle')}</Heading>
      <p>{t('handoffText')}</p>
      <div class="qr">{qr && <img src={qr} alt={t('handoffQrAlt')} width={220} height={220} />}</div>
      <p>{t('handoffLink')}</p>
      <p class="linkbox">
        <code>{link}</code>
        <button
          type="button"
          class="secondary small"
          onClick={() =>
            navigator.clipboard?.writeText(link).then(
              () => setCopied(true),
              () => {},
            )
          }
        >
          {copied ? t('copied') : t('copyLink')}
        </button>
      </p>
      <p class="live" role="status" aria-live="polite" data-step={progress?.step ?? ''}>
        {progress?.step
          ? t('handoffProgress', { step: t(`progress_${progress.step}` as 'progress_consent') })
          : t('handoffWaiting')}
      </p>
      {!started && (
        <div class="actions">
          <button type="button" class="secondary" onClick={props.onHere}>
            {t('handoffHere')}
          </button>
        </div>
      )}
    </section>
  );
}
