import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import {
  CheckboxGroup,
  CreateForm,
  DeleteButton,
  Listing,
  ListTable,
  RowButton,
} from '../create-and-list.tsx';
import { Badge, Field, PageHeader, useAction, useAsync, when } from '../ui.tsx';

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
      <CreateForm
        action={action}
        title="Add a provider"
        submit="Add provider"
        disabled={form.flows.length === 0}
        onSubmit={async () => {
          await api('POST', '/identity-providers', {
            ...form,
            scopes: form.scopes.split(/[\s,]+/).filter(Boolean),
          });
          setForm({ ...form, providerId: '', name: '', issuer: '', clientId: '', clientSecret: '' });
          reload();
        }}
      >
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
        <CheckboxGroup
          legend="Flows"
          options={FLOWS}
          value={form.flows}
          onChange={(flows) => setForm({ ...form, flows })}
          labelOf={(f) => (f === 'push' ? 'push (CIBA)' : f)}
        />
      </CreateForm>
      <Listing
        error={error ?? action.error}
        loading={loading}
        items={data?.data}
        empty="No eID providers yet."
      >
        {(providers) => (
          <ListTable columns={['Provider', 'Issuer', 'Level', 'Flows', 'Updated', 'State']}>
            {providers.map((p: any) => (
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
                  <RowButton
                    action={action}
                    tone="secondary"
                    label={`${p.enabled ? 'Disable' : 'Enable'} ${p.name}`}
                    run={async () => {
                      const { id, hasSecret, redirectUri, createdAt, updatedAt, ...definition } = p;
                      await api('PUT', `/identity-providers/${id}`, { ...definition, enabled: !p.enabled });
                      reload();
                    }}
                  >
                    {p.enabled ? 'Disable' : 'Enable'}
                  </RowButton>{' '}
                  <DeleteButton
                    action={action}
                    path={`/identity-providers/${p.id}`}
                    onDeleted={reload}
                    label={`Remove ${p.name}`}
                    confirm={`Remove "${p.name}"? Applicants can no longer verify with it.`}
                  />
                </td>
              </tr>
            ))}
          </ListTable>
        )}
      </Listing>
    </section>
  );
}
