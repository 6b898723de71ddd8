import { api } from '../api.ts';
import { StackedBars } from '../charts.tsx';
import { ErrorBox, Loading, PageHeader, useAsync } from '../ui.tsx';

export function UsagePage() {
  const { data, error, loading } = useAsync(() => api('GET', '/usage'), []);
  const checkTypes: string[] = data ? Object.keys(data.totals.checks).sort() : [];
  return (
    <section>
      <PageHeader title="Usage" />
      <p class="muted">
        Verifications are submitted attempts (a resubmission counts again). Months are calendar months in UTC.
      </p>
      <ErrorBox error={error} />
      {loading && !data && <Loading />}
      {data && (
        <>
          <div class="card">
            <h2>Verifications per month</h2>
            <StackedBars
              label="Verifications per month"
              rows={data.months.map((m: any) => ({ label: m.month, values: { v: m.verifications } }))}
              series={[{ key: 'v', label: 'verifications', color: '#2d5fa8' }]}
            />
          </div>
          <div class="table-wrap">
            <table>
              <caption>Per month and per check</caption>
              <thead>
                <tr>
                  <th scope="col">Month</th>
                  <th scope="col">Sessions</th>
                  <th scope="col">Verifications</th>
                  <th scope="col">Decided</th>
                  {checkTypes.map((c) => (
                    <th scope="col" key={c}>
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {[...data.months].reverse().map((m: any) => (
                  <tr key={m.month}>
                    <th scope="row">{m.month}</th>
                    <td>{m.sessions}</td>
                    <td>{m.verifications}</td>
                    <td>{m.decided}</td>
                    {checkTypes.map((c) => (
                      <td key={c}>{m.checks[c] ?? 0}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Total</th>
                  <td>{data.totals.sessions}</td>
                  <td>{data.totals.verifications}</td>
                  <td>{data.totals.decided}</td>
                  {checkTypes.map((c) => (
                    <td key={c}>{data.totals.checks[c]}</td>
                  ))}
                </tr>
              </tfoot>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
