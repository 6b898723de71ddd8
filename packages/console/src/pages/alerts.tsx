import { useState } from 'preact/hooks';
import { api, can, type Me, qs } from '../api.ts';
import { linkProps } from '../router.ts';
import { Badge, Empty, ErrorBox, Field, Loading, PageHeader, useAction, useAsync, when } from '../ui.tsx';

export function AlertsPage({ me }: { me: Me }) {
  const [status, setStatus] = useState('open');
  const { data, error, loading, reload } = useAsync(
    () => api('GET', `/screening/alerts${qs({ status, limit: 100 })}`),
    [status],
  );
  const action = useAction();
  const resolve = (id: string, how: 'dismiss' | 'confirm') =>
    action.run(async () => {
      await api('POST', `/screening/alerts/${id}/${how}`, {});
      reload();
    });
  return (
    <section>
      <PageHeader title="Screening alerts">
        <Field label="Status">
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="open">open</option>
            <option value="dismissed">dismissed</option>
            <option value="confirmed">confirmed</option>
          </select>
        </Field>
      </PageHeader>
      <p class="muted">Approved users found on a sanctions list imported after their approval.</p>
      <ErrorBox error={error ?? action.error} />
      {loading && !data && <Loading />}
      {data &&
        (data.data.length === 0 ? (
          <Empty>No {status} alerts.</Empty>
        ) : (
          <ul class="alerts">
            {data.data.map((a: any) => (
              <li key={a.id} class="card">
                <p>
                  <Badge value={a.status} /> <strong>{a.hit.name}</strong> matched user{' '}
                  <span class="mono">{a.vendorData}</span> (session{' '}
                  <a {...linkProps(`/sessions/${a.sessionId}`)} class="mono">
                    {a.sessionId}
                  </a>
                  ) · score {Number(a.hit.score).toFixed(2)} · {when(a.createdAt)}
                </p>
                {a.hit.explanation && (
                  <p class="muted">
                    {typeof a.hit.explanation === 'string'
                      ? a.hit.explanation
                      : JSON.stringify(a.hit.explanation)}
                  </p>
                )}
                {a.status === 'open' && can(me, 'reviewer') && (
                  <div class="actions">
                    <button
                      type="button"
                      class="secondary"
                      disabled={action.busy}
                      onClick={() => resolve(a.id, 'dismiss')}
                    >
                      Not this person
                    </button>
                    <button
                      type="button"
                      class="danger"
                      disabled={action.busy}
                      onClick={() => resolve(a.id, 'confirm')}
                    >
                      Confirm match
                    </button>
                  </div>
                )}
              </li>
            ))}
          </ul>
        ))}
    </section>
  );
}
