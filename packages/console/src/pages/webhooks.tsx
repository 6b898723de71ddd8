import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { CheckboxGroup, CreateForm, Listing, ListTable, RowButton, ShownOnce } from '../create-and-list.tsx';
import { Badge, Field, Json, PageHeader, useAction, useAsync, when } from '../ui.tsx';

const EVENTS = [
  '*',
  'session.created',
  'session.started',
  'session.submitted',
  'session.decided',
  'session.cancelled',
  'session.expired',
  'session.abandoned',
  'session.deleted',
  'media.uploaded',
  'employment.completed',
  'user.screening.hit',
];

export function WebhooksPage() {
  const { data, error, loading, reload } = useAsync(() => api('GET', '/webhooks'), []);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['*']);
  const [secret, setSecret] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const action = useAction();
  const endpoints = data?.data ?? [];
  const current = selected ?? endpoints[0]?.id ?? null;
  // A new endpoint is selected before the list is read again: its deliveries show once it is in the list.
  const shown = endpoints.find((w: any) => w.id === current);
  return (
    <section>
      <PageHeader title="Webhooks" />
      <CreateForm
        action={action}
        title="Add an endpoint"
        submit="Add endpoint"
        disabled={events.length === 0}
        onSubmit={async () => {
          const w = await api('POST', '/webhooks', { url, events });
          setSecret(w.secret);
          setSelected(w.id);
          setUrl('');
          reload();
        }}
      >
        <Field label="URL">
          <input
            type="url"
            required
            value={url}
            placeholder="https://example.com/hooks/openidv"
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
        </Field>
        <CheckboxGroup
          legend="Events"
          options={EVENTS}
          value={events}
          onChange={setEvents}
          labelOf={(ev) => (ev === '*' ? 'all events' : ev)}
        />
      </CreateForm>
      {secret && (
        <ShownOnce label="Signing secret" value={secret} onDone={() => setSecret(null)}>
          Signing secret — shown only once:
        </ShownOnce>
      )}
      <Listing error={error ?? action.error} loading={loading} items={data?.data} empty="No endpoints yet.">
        {(list) => (
          <div class="grid-sidebar">
            <ul class="list" aria-label="Endpoints">
              {list.map((w: any) => (
                <li key={w.id} class={w.id === current ? 'selected' : ''}>
                  <button
                    type="button"
                    class="link"
                    aria-pressed={w.id === current}
                    onClick={() => setSelected(w.id)}
                  >
                    <span class="mono">{w.url}</span>
                  </button>
                  <span class="muted">{w.events.join(', ')}</span>
                </li>
              ))}
            </ul>
            {shown && (
              <Deliveries
                key={shown.id}
                endpoint={shown}
                onDeleted={() => {
                  setSelected(null);
                  reload();
                }}
              />
            )}
          </div>
        )}
      </Listing>
    </section>
  );
}

function Deliveries({ endpoint, onDeleted }: { endpoint: any; onDeleted: () => void }) {
  const { data, error, reload } = useAsync(
    () => api('GET', `/webhooks/${endpoint.id}/deliveries?limit=50`),
    [endpoint.id],
  );
  const [open, setOpen] = useState<any | null>(null);
  const action = useAction();
  return (
    <div class="card">
      <h2>Deliveries</h2>
      <div class="actions">
        <button
          type="button"
          onClick={() =>
            action.run(async () => {
              await api('POST', `/webhooks/${endpoint.id}/test`);
              setTimeout(reload, 800);
              reload();
            })
          }
          disabled={action.busy}
        >
          Send test webhook
        </button>
        <button type="button" class="secondary" onClick={reload}>
          Refresh
        </button>
        <button
          type="button"
          class="danger"
          onClick={() => {
            if (!confirm(`Delete the endpoint ${endpoint.url}?`)) return;
            void action.run(async () => {
              await api('DELETE', `/webhooks/${endpoint.id}`);
              onDeleted();
            });
          }}
        >
          Delete endpoint
        </button>
      </div>
      <Listing error={error ?? action.error} items={data?.data} empty="No deliveries yet.">
        {(deliveries) => (
          <ListTable columns={['Event', 'Status', 'Attempts', 'Last answer', 'Created']}>
            {deliveries.map((d: any) => (
              <tr key={d.id}>
                <td class="mono">{d.eventType}</td>
                <td>
                  <Badge value={d.status} />
                </td>
                <td>{d.attempts}</td>
                <td>{d.lastStatusCode ?? d.lastError ?? '—'}</td>
                <td>{when(d.createdAt)}</td>
                <td class="row-actions">
                  <RowButton
                    action={action}
                    tone="secondary"
                    label={`Show delivery ${d.id}`}
                    run={async () => setOpen(await api('GET', `/webhooks/${endpoint.id}/deliveries/${d.id}`))}
                  >
                    Show
                  </RowButton>
                  <RowButton
                    action={action}
                    tone="primary"
                    label={`Redeliver ${d.id}`}
                    run={async () => {
                      await api('POST', `/webhooks/${endpoint.id}/deliveries/${d.id}/redeliver`);
                      reload();
                    }}
                  >
                    Redeliver
                  </RowButton>
                </td>
              </tr>
            ))}
          </ListTable>
        )}
      </Listing>
      {open && (
        <div class="card delivery">
          <h3>Delivery {open.id}</h3>
          <ol>
            {(open.attemptLog ?? []).map((a: any) => (
              <li key={a.attempt}>
                attempt {a.attempt}: {a.statusCode ?? a.error} at {when(a.at)} ({a.durationMs} ms)
              </li>
            ))}
          </ol>
          <Json value={safeParse(open.payload)} />
        </div>
      )}
    </div>
  );
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
