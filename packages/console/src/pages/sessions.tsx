import { useState } from 'preact/hooks';
import { api, qs } from '../api.ts';
import { linkProps } from '../router.ts';
import { Badge, Empty, ErrorBox, Field, Loading, PageHeader, useAsync, when } from '../ui.tsx';

const STATUSES = [
  'created',
  'started',
  'submitted',
  'processing',
  'review',
  'approved',
  'declined',
  'resubmission_requested',
  'expired',
  'abandoned',
  'cancelled',
];

export interface CaseSummary {
  id: string;
  status: string;
  vendorData: string | null;
  name: string | null;
  documentNumber: string | null;
  documentCountry: string | null;
  decisionStatus: string | null;
  reasonCodes: string[];
  riskLabels: string[];
  createdAt: string;
  claim: { claimedByLabel: string | null; claimedBy: string } | null;
}

export function SessionsPage() {
  const [draft, setDraft] = useState({ q: '', status: '', workflowId: '', riskLabel: '', from: '', to: '' });
  const [filters, setFilters] = useState(draft);
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const workflows = useAsync(() => api('GET', '/workflows'), []);
  const { data, error, loading } = useAsync(
    () =>
      api(
        'GET',
        `/cases${qs({
          q: filters.q,
          status: filters.status,
          workflowId: filters.workflowId,
          riskLabel: filters.riskLabel,
          createdFrom: filters.from && new Date(`${filters.from}T00:00:00Z`).toISOString(),
          createdTo:
            filters.to && new Date(new Date(`${filters.to}T00:00:00Z`).getTime() + 86_400_000).toISOString(),
          cursor,
          limit: 25,
        })}`,
      ),
    [filters, cursor],
  );
  const apply = (e: Event) => {
    e.preventDefault();
    setCursors([]);
    setFilters(draft);
  };
  const set = (k: keyof typeof draft) => (e: Event) =>
    setDraft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value });
  const page = cursors.length + 1;
  return (
    <section>
      <PageHeader title="Sessions" />
      <form class="filters" onSubmit={apply} aria-label="Find sessions">
        <Field label="Search" hint="Name, document number, vendorData or session id">
          <input type="search" name="q" value={draft.q} onInput={set('q')} />
        </Field>
        <Field label="Status">
          <select value={draft.status} onChange={set('status')}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Workflow">
          <select value={draft.workflowId} onChange={set('workflowId')}>
            <option value="">any</option>
            {(workflows.data?.data ?? []).map((w: { id: string; name: string }) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Risk label">
          <input value={draft.riskLabel} onInput={set('riskLabel')} />
        </Field>
        <Field label="Created from">
          <input type="date" value={draft.from} onInput={set('from')} />
        </Field>
        <Field label="Created to">
          <input type="date" value={draft.to} onInput={set('to')} />
        </Field>
        <button type="submit">Search</button>
      </form>
      <ErrorBox error={error} />
      {loading && !data && <Loading />}
      {data && (
        <>
          <p class="muted" aria-live="polite">
            {data.total} session{data.total === 1 ? '' : 's'} · page {page}
          </p>
          {data.data.length === 0 ? <Empty>No sessions match.</Empty> : <CaseTable rows={data.data} />}
          <div class="pager">
            <button
              type="button"
              class="secondary"
              disabled={cursors.length === 0}
              onClick={() => setCursors(cursors.slice(0, -1))}
            >
              Previous page
            </button>
            <button
              type="button"
              class="secondary"
              disabled={!data.nextCursor}
              onClick={() => setCursors([...cursors, data.nextCursor])}
            >
              Next page
            </button>
          </div>
        </>
      )}
    </section>
  );
}

export function CaseTable({
  rows,
  extra,
}: {
  rows: CaseSummary[];
  extra?: (c: CaseSummary) => preact.ComponentChildren;
}) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Session</th>
            <th scope="col">Name</th>
            <th scope="col">Document</th>
            <th scope="col">vendorData</th>
            <th scope="col">Status</th>
            <th scope="col">Reasons / risk</th>
            <th scope="col">Created</th>
            {extra && <th scope="col">Claim</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr key={c.id}>
              <td>
                <a {...linkProps(`/sessions/${c.id}`)} class="mono">
                  {c.id}
                </a>
              </td>
              <td>{c.name ?? <span class="muted">—</span>}</td>
              <td class="mono">
                {c.documentNumber ?? '—'}{' '}
                {c.documentCountry && <span class="muted">{c.documentCountry}</span>}
              </td>
              <td class="mono">{c.vendorData ?? '—'}</td>
              <td>
                <Badge value={c.status} />
              </td>
              <td class="reasons">
                {c.reasonCodes.map((r) => (
                  <span class="chip" key={r}>
                    {r}
                  </span>
                ))}
                {c.riskLabels.map((r) => (
                  <span class="chip risk" key={r}>
                    {r}
                  </span>
                ))}
              </td>
              <td>{when(c.createdAt)}</td>
              {extra && <td>{extra(c)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
