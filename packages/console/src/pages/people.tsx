import { useState } from 'preact/hooks';
import { api, qs } from '../api.ts';
import { linkProps } from '../router.ts';
import { Badge, Empty, ErrorBox, Field, Loading, PageHeader, useAsync, when } from '../ui.tsx';

const PAGE = 50;

export function PeoplePage() {
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const [offset, setOffset] = useState(0);
  const { data, error, loading } = useAsync(
    () => api('GET', `/users${qs({ q: query, limit: PAGE, offset })}`),
    [query, offset],
  );
  return (
    <section>
      <PageHeader title="Users" />
      <p class="muted">The people verified, by your vendorData, with their sessions.</p>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setQuery(q);
        }}
      >
        <Field label="vendorData contains">
          <input type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        </Field>
        <button type="submit">Search</button>
      </form>
      <ErrorBox error={error} />
      {loading && !data && <Loading />}
      {data &&
        (data.data.length === 0 ? (
          <Empty>No users.</Empty>
        ) : (
          <>
            <p class="muted">{data.total} users</p>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">vendorData</th>
                    <th scope="col">Sessions</th>
                    <th scope="col">Latest status</th>
                    <th scope="col">First seen</th>
                    <th scope="col">Last seen</th>
                  </tr>
                </thead>
                <tbody>
                  {data.data.map((p: any) => (
                    <tr key={p.vendorData}>
                      <td>
                        <a {...linkProps(`/users/${encodeURIComponent(p.vendorData)}`)} class="mono">
                          {p.vendorData}
                        </a>
                      </td>
                      <td>{p.sessions}</td>
                      <td>
                        <Badge value={p.latestStatus} />
                      </td>
                      <td>{when(p.firstSeenAt)}</td>
                      <td>{when(p.lastSeenAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div class="pager">
              <button
                type="button"
                class="secondary"
                disabled={offset === 0}
                onClick={() => setOffset(Math.max(0, offset - PAGE))}
              >
                Previous page
              </button>
              <button
                type="button"
                class="secondary"
                disabled={offset + PAGE >= data.total}
                onClick={() => setOffset(offset + PAGE)}
              >
                Next page
              </button>
            </div>
          </>
        ))}
    </section>
  );
}

export function PersonPage({ vendorData }: { vendorData: string }) {
  const { data, error, loading } = useAsync(
    () => api('GET', `/users/${encodeURIComponent(vendorData)}`),
    [vendorData],
  );
  return (
    <section>
      <PageHeader title={`User ${vendorData}`} />
      <ErrorBox error={error} />
      {loading && !data && <Loading />}
      {data && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Created</th>
                <th scope="col">Decided</th>
              </tr>
            </thead>
            <tbody>
              {data.sessions.map((s: any) => (
                <tr key={s.id}>
                  <td>
                    <a {...linkProps(`/sessions/${s.id}`)} class="mono">
                      {s.id}
                    </a>
                  </td>
                  <td>
                    <Badge value={s.status} />
                  </td>
                  <td>{s.attempt}</td>
                  <td>{when(s.createdAt)}</td>
                  <td>{when(s.decidedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
