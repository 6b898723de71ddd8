import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, type Me } from '../api.ts';
import { ErrorBox, Field } from '../ui.tsx';

export function SignInPage({ onSignedIn }: { onSignedIn: (m: Me) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needCode, setNeedCode] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const codeRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    document.title = 'Sign in · openidv console';
  }, []);
  useEffect(() => {
    if (needCode) codeRef.current?.focus();
  }, [needCode]);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await api<Me>('POST', '/auth/sign-in', {
        email,
        password,
        ...(needCode && { totpCode: code }),
      });
      onSignedIn(me);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'TOTP_REQUIRED') setNeedCode(true);
      else setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="sign-in">
      <form onSubmit={submit} class="card" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">
          openidv <span>console</span>
        </h1>
        <p class="muted">Sign in with your staff account.</p>
        <Field label="Email">
          <input
            type="email"
            name="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </Field>
        <Field label="Password">
          <input
            type="password"
            name="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </Field>
        {needCode && (
          <Field label="Authenticator code" hint="The 6-digit code from your authenticator app.">
            <input
              ref={codeRef}
              name="totp"
              inputMode="numeric"
              autocomplete="one-time-code"
              pattern="[0-9]{6}"
              maxLength={6}
              required
              value={code}
              onInput={(e) => setCode(e.currentTarget.value)}
            />
          </Field>
        )}
        <ErrorBox error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : needCode ? 'Verify and sign in' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
