import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import {
  Badge,
  Empty,
  ErrorBox,
  Field,
  Json,
  Loading,
  PageHeader,
  useAction,
  useAsync,
  when,
} from '../ui.tsx';

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
  return (
    <section>
      <PageHeader title="Webhooks" />
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            const w = await api('POST', '/webhooks', { url, events });
            setSecret(w.secret);
            setSelected(w.id);
            setUrl('');
            reload();
          });
        }}
      >
        <h2>Add an endpoint</h2>
        <Field label="URL">
          <input
            type="url"
            required
            value={url}
            placeholder="https://example.com/hooks/openidv"
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
        </Field>
        <fieldset>
          <legend>Events</legend>
          <div class="checks">
            {EVENTS.map((ev) => (
              <label key={ev} class="check">
                <input
                  type="checkbox"
                  checked={events.includes(ev)}
                  onChange={(e) =>
                    setEvents(e.currentTarget.checked ? [...events, ev] : events.filter((x) => x !== ev))
                  }
                />
                {ev === '*' ? 'all events' : ev}
              </label>
            ))}
          </div>
        </fieldset>
        <button type="submit" disabled={action.busy || events.length === 0}>
          Add endpoint
        </button>
      </form>
      {secret && (
        <div class="card secret" role="status">
          <p>Signing secret — shown only once:</p>
          <input
            readOnly
            class="mono"
            value={secret}
            aria-label="Signing secret"
            onFocus={(e) => e.currentTarget.select()}
          />
          <button type="button" class="secondary" onClick={() => setSecret(null)}>
            I have stored it
          </button>
        </div>
      )}
      <ErrorBox error={error ?? action.error} />
      {loading && !data && <Loading />}
      {data && endpoints.length === 0 && <Empty>No endpoints yet.</Empty>}
      {endpoints.length > 0 && (
        <div class="grid-sidebar">
          <ul class="list" aria-label="Endpoints">
            {endpoints.map((w: any) => (
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
          {current && (
            <Deliveries
              key={current}
              endpoint={endpoints.find((w: any) => w.id === current)}
              onDeleted={() => {
                setSelected(null);
                reload();
              }}
            />
          )}
        </div>
      )}
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
  const show = (id: string) =>
    action.run(async () => setOpen(await api('GET', `/webhooks/${endpoint.id}/deliveries/${id}`)));
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
      <ErrorBox error={error ?? action.error} />
      {data && data.data.length === 0 && <Empty>No deliveries yet.</Empty>}
      {data && data.data.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last answer</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((d: any) => (
                <tr key={d.id}>
                  <td class="mono">{d.eventType}</td>
                  <td>
                    <Badge value={d.status} />
                  </td>
                  <td>{d.attempts}</td>
                  <td>{d.lastStatusCode ?? d.lastError ?? '—'}</td>
                  <td>{when(d.createdAt)}</td>
                  <td class="row-actions">
                    <button
                      type="button"
                      class="small secondary"
                      onClick={() => show(d.id)}
                      aria-label={`Show delivery ${d.id}`}
                    >
                      Show
                    </button>
                    <button
                      type="button"
                      class="small"
                      aria-label={`Redeliver ${d.id}`}
                      onClick={() =>
                        action.run(async () => {
                          await api('POST', `/webhooks/${endpoint.id}/deliveries/${d.id}/redeliver`);
                          reload();
                        })
                      }
                    >
                      Redeliver
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
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
