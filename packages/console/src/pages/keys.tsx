import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { CreateForm, DeleteButton, Listing, ListTable, ShownOnce } from '../create-and-list.tsx';
import { Badge, Field, PageHeader, useAction, useAsync, when } from '../ui.tsx';

export function KeysPage() {
  const { data, error, loading, reload } = useAsync(() => api('GET', '/keys'), []);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const action = useAction();
  return (
    <section>
      <PageHeader title="API keys" />
      <CreateForm
        inline
        action={action}
        submit="Create key"
        onSubmit={async () => {
          const k = await api('POST', '/keys', { name });
          setCreated({ name: k.name, key: k.key });
          setName('');
          reload();
        }}
      >
        <Field label="New key name">
          <input required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
      </CreateForm>
      {created && (
        <ShownOnce label="API key" value={created.key} onDone={() => setCreated(null)}>
          <strong>{created.name}</strong>: copy this key now — it is shown only once.
        </ShownOnce>
      )}
      <Listing error={error ?? action.error} loading={loading} items={data?.data}>
        {(keys) => (
          <ListTable columns={['Name', 'Prefix', 'Created', 'Last used', 'State']}>
            {keys.map((k: any) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td class="mono">{k.prefix}…</td>
                <td>{when(k.createdAt)}</td>
                <td>{when(k.lastUsedAt)}</td>
                <td>{k.revokedAt ? <Badge value="revoked" /> : <Badge value="active" />}</td>
                <td>
                  {!k.revokedAt && (
                    <DeleteButton
                      action={action}
                      path={`/keys/${k.id}`}
                      onDeleted={reload}
                      label={`Revoke ${k.name}`}
                      confirm={`Revoke "${k.name}"? Integrations using it stop working at once.`}
                    >
                      Revoke
                    </DeleteButton>
                  )}
                </td>
              </tr>
            ))}
          </ListTable>
        )}
      </Listing>
    </section>
  );
}
