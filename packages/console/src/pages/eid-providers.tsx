import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { Badge, Empty, ErrorBox, Field, Loading, PageHeader, useAction, useAsync, when } from '../ui.tsx';

const FLOWS = ['redirect', 'qr', 'push'] as const;
const LEVELS = ['low', 'substantial', 'high'] as const;

/**
 * The application's OpenID Connect eID providers: add one (its metadata is read when saved), switch it on or off,
 * remove it. The client secret is write-only; the redirect URI to register at the provider is shown.
 */
export function EidProvidersPage() {
  const { data, error, loading, reload } = useAsync(() => api('GET', '/identity-providers'), []);
  const action = useAction();
  const [form, setForm] = useState({
    providerId: '',
    name: '',
    issuer: '',
    clientId: '',
    clientSecret: '',
    levelOfAssurance: 'substantial' as (typeof LEVELS)[number],
    scopes: 'openid profile',
    flows: ['redirect', 'qr'] as string[],
  });
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) =>
    setForm({ ...form, [k]: e.currentTarget.value });
  return (
    <section>
      <PageHeader title="eID providers" />
      {data && (
        <p>
          Register this redirect URI at each provider: <code class="mono">{data.redirectUri}</code>. A
          workflow offers providers through its <code>eid</code> step.
        </p>
      )}
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            await api('POST', '/identity-providers', {
              ...form,
              scopes: form.scopes.split(/[\s,]+/).filter(Boolean),
            });
            setForm({ ...form, providerId: '', name: '', issuer: '', clientId: '', clientSecret: '' });
            reload();
          });
        }}
      >
        <h2>Add a provider</h2>
        <Field
          label="Provider id"
          hint='Lowercase, e.g. "bankidse"; used in URLs and by Hopae Connect clients.'
        >
          <input
            required
            pattern="[a-z0-9][a-z0-9_\-]{1,62}"
            value={form.providerId}
            onInput={set('providerId')}
          />
        </Field>
        <Field label="Name shown to applicants">
          <input required maxLength={200} value={form.name} onInput={set('name')} />
        </Field>
        <Field label="Issuer URL">
          <input required type="url" value={form.issuer} onInput={set('issuer')} />
        </Field>
        <Field label="Client id">
          <input required value={form.clientId} onInput={set('clientId')} />
        </Field>
        <Field label="Client secret" hint="Stored encrypted; never shown again.">
          <input
            required
            type="password"
            autocomplete="off"
            value={form.clientSecret}
            onInput={set('clientSecret')}
          />
        </Field>
        <Field label="Level of assurance it reaches">
          <select value={form.levelOfAssurance} onChange={set('levelOfAssurance')}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Scopes">
          <input value={form.scopes} onInput={set('scopes')} />
        </Field>
        <fieldset>
          <legend>Flows</legend>
          <div class="checks">
            {FLOWS.map((f) => (
              <label key={f} class="check">
                <input
                  type="checkbox"
                  checked={form.flows.includes(f)}
                  onChange={(e) =>
                    setForm({
                      ...form,
                      flows: e.currentTarget.checked ? [...form.flows, f] : form.flows.filter((x) => x !== f),
                    })
                  }
                />
                {f === 'push' ? 'push (CIBA)' : f}
              </label>
            ))}
          </div>
        </fieldset>
        <button type="submit" disabled={action.busy || form.flows.length === 0}>
          Add provider
        </button>
      </form>
      <ErrorBox error={error ?? action.error} />
      {loading && !data && <Loading />}
      {data && data.data.length === 0 && <Empty>No eID providers yet.</Empty>}
      {data && data.data.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col">Issuer</th>
                <th scope="col">Level</th>
                <th scope="col">Flows</th>
                <th scope="col">Updated</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((p: any) => (
                <tr key={p.id}>
                  <td>
                    {p.name} <span class="mono muted">{p.providerId}</span>
                  </td>
                  <td class="mono">{p.issuer}</td>
                  <td>{p.levelOfAssurance}</td>
                  <td>{p.flows.join(', ')}</td>
                  <td>{when(p.updatedAt)}</td>
                  <td>
                    <Badge value={p.enabled ? 'enabled' : 'disabled'} />
                  </td>
                  <td>
                    <button
                      type="button"
                      class="small secondary"
                      aria-label={`${p.enabled ? 'Disable' : 'Enable'} ${p.name}`}
                      onClick={() =>
                        void action.run(async () => {
                          const { id, hasSecret, redirectUri, createdAt, updatedAt, ...definition } = p;
                          await api('PUT', `/identity-providers/${id}`, {
                            ...definition,
                            enabled: !p.enabled,
                          });
                          reload();
                        })
                      }
                    >
                      {p.enabled ? 'Disable' : 'Enable'}
                    </button>{' '}
                    <button
                      type="button"
                      class="small danger"
                      aria-label={`Remove ${p.name}`}
                      onClick={() => {
                        if (!confirm(`Remove "${p.name}"? Applicants can no longer verify with it.`)) return;
                        void action.run(async () => {
                          await api('DELETE', `/identity-providers/${p.id}`);
                          reload();
                        });
                      }}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
