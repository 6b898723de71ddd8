import { useState } from 'preact/hooks';
import { api, qs } from '../api.ts';
import { Empty, ErrorBox, Field, Json, Loading, PageHeader, useAsync, when } from '../ui.tsx';

export function AuditPage() {
  const [draft, setDraft] = useState({ action: '', targetId: '' });
  const [filters, setFilters] = useState(draft);
  const [cursors, setCursors] = useState<string[]>([]);
  const { data, error, loading } = useAsync(
    () => api('GET', `/audit${qs({ ...filters, cursor: cursors.at(-1), limit: 50 })}`),
    [filters, cursors],
  );
  return (
    <section>
      <PageHeader title="Audit log" />
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setCursors([]);
          setFilters(draft);
        }}
      >
        <Field label="Action" hint='e.g. review.decline, or "review." for all reviews'>
          <input
            value={draft.action}
            onInput={(e) => setDraft({ ...draft, action: e.currentTarget.value })}
          />
        </Field>
        <Field label="Target id">
          <input
            value={draft.targetId}
            onInput={(e) => setDraft({ ...draft, targetId: e.currentTarget.value })}
          />
        </Field>
        <button type="submit">Filter</button>
      </form>
      <ErrorBox error={error} />
      {loading && !data && <Loading />}
      {data &&
        (data.data.length === 0 ? (
          <Empty>No entries.</Empty>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Before → after</th>
                </tr>
              </thead>
              <tbody>
                {data.data.map((e: any) => (
                  <tr key={e.id}>
                    <td>{when(e.createdAt)}</td>
                    <td>{e.actorLabel ?? e.actor}</td>
                    <td class="mono">{e.action}</td>
                    <td class="mono">
                      {e.targetType} {e.targetId}
                    </td>
                    <td>
                      {(e.before || e.after) && (
                        <details>
                          <summary>details</summary>
                          <Json value={{ before: e.before, after: e.after }} />
                        </details>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      <div class="pager">
        <button
          type="button"
          class="secondary"
          disabled={!cursors.length}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Newer
        </button>
        <button
          type="button"
          class="secondary"
          disabled={!data?.nextCursor}
          onClick={() => setCursors([...cursors, data.nextCursor])}
        >
          Older
        </button>
      </div>
    </section>
  );
}
