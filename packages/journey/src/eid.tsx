import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, apiBase, type EidProvider, type JourneyState, type Progress } from './api.ts';
import type { Translate } from './i18n/index.ts';
import { Heading } from './ui.tsx';

/** Outcomes the server sends the browser back with (`?eid=`), as messages the applicant can act on. */
const NOTICES: Record<
  string,
  'eidCancelled' | 'eidUnavailable' | 'eidFailed' | 'eidExpired' | 'eidNotEnabled'
> = {
  EID_CANCELLED: 'eidCancelled',
  EID_PROVIDER_UNAVAILABLE: 'eidUnavailable',
  EID_VERIFICATION_FAILED: 'eidFailed',
  EID_EXPIRED: 'eidExpired',
  SESSION_EXPIRED: 'eidExpired',
  EID_PROVIDER_NOT_ENABLED: 'eidNotEnabled',
};

const startUrl = (providerId: string, channel: 'redirect' | 'qr') =>
  `${location.pathname.replace(/\/+$/, '')}/eid/${encodeURIComponent(providerId)}/start?channel=${channel}`;

/**
 * Sign in with an eID: straight here (redirect), by scanning a QR code with the phone that holds the eID while
 * this page follows along, or by confirming a push in the eID app. The document journey stays one click away
 * when the workflow allows it.
 */
export function EidChoice(props: {
  t: Translate;
  state: JourneyState;
  notice: string | null;
  desktop: boolean;
  onFinished(): void;
  onDocument(): void;
}) {
  const { t, state } = props;
  const eid = state.eid!;
  const notice = props.notice && NOTICES[props.notice];
  return (
    <section class="screen eid" aria-labelledby="h">
      <Heading>{t('eidTitle')}</Heading>
      <p>{t('eidText', { name: state.application.name })}</p>
      {notice && (
        <p class="warn notice" role="alert">
          {t(notice)}
        </p>
      )}
      {eid.providers.map((p) => (
        <Provider
          key={p.providerId}
          t={t}
          provider={p}
          desktop={props.desktop}
          onFinished={props.onFinished}
        />
      ))}
      {eid.fallbackToDocument && (
        <div class="actions">
          <button type="button" class="secondary" onClick={props.onDocument}>
            {t('eidUseDocument')}
          </button>
        </div>
      )}
    </section>
  );
}

function Provider(props: { t: Translate; provider: EidProvider; desktop: boolean; onFinished(): void }) {
  const { t, provider } = props;
  const showQr = props.desktop && provider.flows.includes('qr');
  return (
    <div class="provider" data-provider={provider.providerId}>
      <h2>{provider.name}</h2>
      {provider.flows.includes('redirect') && (
        <div class="actions">
          <a class="button primary" href={startUrl(provider.providerId, 'redirect')}>
            {t('eidContinue', { provider: provider.name })}
          </a>
        </div>
      )}
      {showQr && <EidQr t={t} provider={provider} onFinished={props.onFinished} />}
      {provider.flows.includes('push') && <Push t={t} provider={provider} onFinished={props.onFinished} />}
    </div>
  );
}

function EidQr(props: { t: Translate; provider: EidProvider; onFinished(): void }) {
  const { t } = props;
  const [qr, setQr] = useState<string | null>(null);
  const link = `${location.origin}${startUrl(props.provider.providerId, 'qr')}`;
  useEffect(() => {
    // Loaded only here, so phones never download the QR encoder.
    import('qrcode').then((QR) =>
      QR.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }).then((svg) =>
        setQr(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`),
      ),
    );
    // The phone finishes the sign-in; this page follows the session live and moves on when it is submitted.
    const events = new EventSource(`${apiBase}/progress`);
    events.onmessage = (m) => {
      const p = JSON.parse(m.data) as Progress;
      if (p.phase !== 'capture' && p.phase !== 'consent') props.onFinished();
    };
    events.addEventListener('gone', () => events.close());
    return () => events.close();
  }, [link]);
  return (
    <div class="qr-eid">
      <p>{t('eidQr', { provider: props.provider.name })}</p>
      <div class="qr" data-link={link}>
        {qr && (
          <img src={qr} alt={t('eidQrAlt', { provider: props.provider.name })} width={200} height={200} />
        )}
      </div>
    </div>
  );
}

function Push(props: { t: Translate; provider: EidProvider; onFinished(): void }) {
  const { t, provider } = props;
  const [hint, setHint] = useState('');
  const [waiting, setWaiting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = `push-${provider.providerId}`;
  const send = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const { signIn, interval } = await api.eidPush(provider.providerId, hint.trim());
      setWaiting(true);
      for (;;) {
        await new Promise((r) => setTimeout(r, Math.max(1, interval) * 1000));
        const s = await api.eidSignIn(signIn.id);
        if (s.status === 'completed') return props.onFinished();
        if (s.status === 'failed') {
          setWaiting(false);
          setError(t(NOTICES[s.errorCode ?? ''] ?? 'eidFailed'));
          return;
        }
      }
    } catch (x) {
      setWaiting(false);
      setError(x instanceof ApiError && x.status ? x.message : t('errorText'));
    }
  };
  return (
    <form class="push" onSubmit={send}>
      <label for={id}>{provider.loginHintLabel ?? t('eidPushLabel')}</label>
      <input
        id={id}
        value={hint}
        autocomplete="off"
        required
        disabled={waiting}
        onInput={(e) => setHint((e.currentTarget as HTMLInputElement).value)}
      />
      <div class="actions">
        <button type="submit" class="secondary" disabled={waiting || !hint.trim()} aria-busy={waiting}>
          {waiting ? t('eidPushWaiting', { provider: provider.name }) : t('eidPushSend')}
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
