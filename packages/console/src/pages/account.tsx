import { useState } from 'preact/hooks';
import { api, type Me } from '../api.ts';
import { ErrorBox, Field, PageHeader, useAction } from '../ui.tsx';

export function AccountPage({ me }: { me: Me }) {
  const [pw, setPw] = useState({ currentPassword: '', newPassword: '' });
  const [done, setDone] = useState('');
  const [setup, setSetup] = useState<{ secret: string; qrSvg: string } | null>(null);
  const [code, setCode] = useState('');
  const [totpOn, setTotpOn] = useState(me.user.totpEnabled);
  const action = useAction();
  return (
    <section>
      <PageHeader title="Your account" />
      <p>
        Signed in as <strong>{me.user.email}</strong> ({me.user.role}).
      </p>
      {done && (
        <p class="ok" role="status">
          {done}
        </p>
      )}
      <ErrorBox error={action.error} />
      <div class="grid-2">
        <form
          class="card"
          onSubmit={(e) => {
            e.preventDefault();
            void action.run(async () => {
              await api('POST', '/auth/password', pw);
              setPw({ currentPassword: '', newPassword: '' });
              setDone('Password changed. Your other sign-ins have ended.');
            });
          }}
        >
          <h2>Change password</h2>
          <Field label="Current password">
            <input
              type="password"
              autocomplete="current-password"
              required
              value={pw.currentPassword}
              onInput={(e) => setPw({ ...pw, currentPassword: e.currentTarget.value })}
            />
          </Field>
          <Field label="New password" hint="At least 12 characters">
            <input
              type="password"
              autocomplete="new-password"
              minLength={12}
              required
              value={pw.newPassword}
              onInput={(e) => setPw({ ...pw, newPassword: e.currentTarget.value })}
            />
          </Field>
          <button type="submit" disabled={action.busy}>
            Change password
          </button>
        </form>
        <div class="card">
          <h2>Second factor (authenticator app)</h2>
          {totpOn ? (
            <p>On: sign-in asks for a 6-digit code.</p>
          ) : setup ? (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void action.run(async () => {
                  await api('POST', '/auth/totp/confirm', { code });
                  setTotpOn(true);
                  setSetup(null);
                  setDone('Second factor is on.');
                });
              }}
            >
              <p>Scan this code with your authenticator app, or enter the key by hand.</p>
              <img
                class="qr"
                src={`data:image/svg+xml;utf8,${encodeURIComponent(setup.qrSvg)}`}
                alt="QR code to scan with the authenticator app"
              />
              <p class="mono">{setup.secret}</p>
              <Field label="Code from the app">
                <input
                  inputMode="numeric"
                  autocomplete="one-time-code"
                  required
                  value={code}
                  onInput={(e) => setCode(e.currentTarget.value)}
                />
              </Field>
              <button type="submit" disabled={action.busy}>
                Turn on
              </button>
            </form>
          ) : (
            <button
              type="button"
              onClick={() => action.run(async () => setSetup(await api('POST', '/auth/totp')))}
            >
              Set up a second factor
            </button>
          )}
        </div>
      </div>
    </section>
  );
}
