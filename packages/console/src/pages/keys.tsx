import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { Badge, ErrorBox, Field, Loading, PageHeader, useAction, useAsync, when } from '../ui.tsx';

export function KeysPage() {
  const { data, error, loading, reload } = useAsync(() => api('GET', '/keys'), []);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const action = useAction();
  return (
    <section>
      <PageHeader title="API keys" />
      <form
        class="card inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            const k = await api('POST', '/keys', { name });
            setCreated({ name: k.name, key: k.key });
            setName('');
            reload();
          });
        }}
      >
        <Field label="New key name">
          <input required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <button type="submit" disabled={action.busy}>
          Create key
        </button>
      </form>
      {created && (
        <div class="card secret" role="status">
          <p>
            <strong>{created.name}</strong>: copy this key now — it is shown only once.
          </p>
          <label class="field">
            <span class="label">API key</span>
            <input readOnly value={created.key} class="mono" onFocus={(e) => e.currentTarget.select()} />
          </label>
          <button type="button" class="secondary" onClick={() => setCreated(null)}>
            I have stored it
          </button>
        </div>
      )}
      <ErrorBox error={error ?? action.error} />
      {loading && !data && <Loading />}
      {data && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((k: any) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td class="mono">{k.prefix}…</td>
                  <td>{when(k.createdAt)}</td>
                  <td>{when(k.lastUsedAt)}</td>
                  <td>{k.revokedAt ? <Badge value="revoked" /> : <Badge value="active" />}</td>
                  <td>
                    {!k.revokedAt && (
                      <button
                        type="button"
                        class="small danger"
                        aria-label={`Revoke ${k.name}`}
                        onClick={() => {
                          if (!confirm(`Revoke "${k.name}"? Integrations using it stop working at once.`))
                            return;
                          void action.run(async () => {
                            await api('DELETE', `/keys/${k.id}`);
                            reload();
                          });
                        }}
                      >
                        Revoke
                      </button>
                    )}
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
