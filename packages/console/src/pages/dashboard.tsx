import { useState } from 'preact/hooks';
import { api, qs } from '../api.ts';
import { Gauge, HBars, StackedBars } from '../charts.tsx';
import { linkProps } from '../router.ts';
import { duration, ErrorBox, Field, Loading, PageHeader, useAsync } from '../ui.tsx';

const RANGES = { '7': '7 days', '30': '30 days', '90': '90 days', '365': '12 months' } as const;

export function DashboardPage() {
  const [days, setDays] = useState<keyof typeof RANGES>('30');
  const interval = days === '365' ? 'month' : days === '90' ? 'week' : 'day';
  const { data, error, loading } = useAsync(
    () =>
      api(
        'GET',
        `/stats${qs({ from: new Date(Date.now() - Number(days) * 86_400_000).toISOString(), interval })}`,
      ),
    [days],
  );
  const label = (iso: string) =>
    interval === 'month'
      ? iso.slice(0, 7)
      : new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return (
    <section>
      <PageHeader title="Dashboard">
        <Field label="Period">
          <select value={days} onChange={(e) => setDays(e.currentTarget.value as keyof typeof RANGES)}>
            {Object.entries(RANGES).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </Field>
      </PageHeader>
      <ErrorBox error={error} />
      {loading && !data && <Loading />}
      {data && (
        <>
          <div class="tiles">
            <a class="tile" {...linkProps('/queue')}>
              <span class="tile-label">Waiting for review</span>
              <span class="tile-value">{data.waitingForReview}</span>
            </a>
            <div class="tile">
              <span class="tile-label">Final decisions</span>
              <span class="tile-value">{data.decided}</span>
            </div>
            <div class="tile">
              <span class="tile-label">Median submission → decision</span>
              <span class="tile-value">{duration(data.medianSecondsToDecision)}</span>
            </div>
            <div class="tile tile-gauge">
              <span class="tile-label">Automation rate</span>
              <Gauge value={data.automationRate} label="Decided without a person" />
            </div>
          </div>
          <div class="grid-2">
            <div class="card">
              <h2>Volume</h2>
              <StackedBars
                label={`Sessions created and submitted per ${interval}`}
                rows={data.series.map((b: any) => ({
                  label: label(b.start),
                  values: {
                    created: Math.max(b.created - b.submitted, 0),
                    submitted: b.submitted,
                  },
                }))}
                series={[
                  { key: 'submitted', label: 'submitted', color: '#2d5fa8' },
                  { key: 'created', label: 'created, not submitted', color: '#9db4d6' },
                ]}
              />
            </div>
            <div class="card">
              <h2>Decisions over time</h2>
              <StackedBars
                label={`Decisions per ${interval} by outcome`}
                rows={data.series.map((b: any) => ({ label: label(b.start), values: b }))}
                series={[
                  { key: 'approved', label: 'approved', color: '#1b7f4c' },
                  { key: 'declined', label: 'declined', color: '#b42318' },
                  { key: 'resubmission_requested', label: 'resubmission', color: '#8a5a00' },
                  { key: 'review', label: 'to review', color: '#6941c6' },
                ]}
              />
            </div>
            <div class="card">
              <h2>Decisions by status</h2>
              <HBars
                label="Decisions by status"
                items={[
                  { label: 'approved', value: data.decisionsByStatus.approved ?? 0, color: '#1b7f4c' },
                  { label: 'declined', value: data.decisionsByStatus.declined ?? 0, color: '#b42318' },
                  {
                    label: 'resubmission requested',
                    value: data.decisionsByStatus.resubmission_requested ?? 0,
                    color: '#8a5a00',
                  },
                  { label: 'review', value: data.decisionsByStatus.review ?? 0, color: '#6941c6' },
                ]}
              />
            </div>
            <div class="card">
              <h2>Top decline reasons</h2>
              {data.topDeclineReasons.length ? (
                <HBars
                  label="Top decline reasons"
                  items={data.topDeclineReasons.map((r: { code: string; count: number }) => ({
                    label: r.code,
                    value: r.count,
                    color: '#b42318',
                  }))}
                />
              ) : (
                <p class="muted">No declines in this period.</p>
              )}
            </div>
          </div>
        </>
      )}
    </section>
  );
}
