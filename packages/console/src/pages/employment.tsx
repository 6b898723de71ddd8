import { ApiError, api } from '../api.ts';
import { Badge, ErrorBox, Loading, useAsync, when } from '../ui.tsx';
import { mediaPath } from './evidence.tsx';

/**
 * The result of an employment or income session as a reviewer weighs it: each declared job beside what the
 * evidence showed (mismatches and gaps marked in words, not only colour), every source with what was read from
 * it and its flags, and the PDF report the business received.
 */

interface Declared {
  id: string;
  employer: string;
  jobTitle: string | null;
  startDate: string;
  endDate: string | null;
  annualIncome: number | null;
  currency?: string | null;
}
interface Verified {
  employer: string;
  jobTitle: string | null;
  startDate: string | null;
  endDate: string | null;
  annualGross: number | null;
  currency?: string | null;
  sources: ({ kind: 'connector'; sourceName: string } | { kind: 'document'; documentKind: string })[];
  confidence: number;
}
interface Comparison {
  declaredId: string;
  employer: string;
  status: string;
  differences: string[];
  evidence: number[];
}
interface DocumentRead {
  mediaId: string;
  kind: string;
  textSource: string | null;
  employer: string | null;
  employee: string | null;
  payDates: string[];
  grossPay: number | null;
  netPay: number | null;
  currency?: string | null;
  taxReference: string | null;
  confidence: number | null;
  flags: { code: string; message: string }[];
}
interface Connection {
  sourceId: string;
  sourceName: string;
  declaredId: string | null;
  status: string;
  errorCode: string | null;
}
interface Result {
  declared: Declared[];
  timeline: Verified[];
  comparison: Comparison[];
  gaps: { from: string; to: string; days: number }[];
  undeclared: number[];
  maxGapDays: number;
  documents: DocumentRead[];
  connections: Connection[];
  computedAt: string;
}

export const reportPath = (sessionId: string) => `/v1/sessions/${sessionId}/report.pdf`;

const KINDS: Record<string, string> = {
  payslip: 'Payslip',
  p60: 'P60',
  w2: 'Form W-2',
  contract: 'Employment contract or letter',
  'bank-statement': 'Bank statement',
  sa302: 'SA302 tax calculation',
  unknown: 'Unreadable document',
};

/** An amount, with its currency code where the declaration or the evidence gives one (never £ and $ mixed up). */
const money = (n: number | null | undefined, currency?: string | null) => {
  if (n === null || n === undefined) return '—';
  const digits = Number.isInteger(n) ? 0 : 2;
  const amount = n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return currency ? `${currency} ${amount}` : amount;
};
const period = (from: string | null, to: string | null) => (
  <>
    <span class="date">{from ?? '?'}</span> – <span class="date">{to ?? 'now'}</span>
  </>
);

export function EmploymentEvidence({ sessionId }: { sessionId: string }) {
  const { data, error, loading } = useAsync<Result | null>(
    () =>
      api<Result>('GET', `/sessions/${encodeURIComponent(sessionId)}/employment`).catch((e) => {
        // Before the decision there is no result yet: say so rather than show an error.
        if (e instanceof ApiError && e.code === 'EMPLOYMENT_RESULT_PENDING') return null;
        throw e;
      }),
    [sessionId],
  );
  return (
    <section class="card employment" aria-labelledby="employment-title">
      <h2 id="employment-title">Employment and income</h2>
      <ErrorBox error={error} />
      {loading && !data && <Loading />}
      {data === null && <p class="muted">The result is ready once the session is decided.</p>}
      {data && <EmploymentResult sessionId={sessionId} result={data} />}
    </section>
  );
}

function EmploymentResult({ sessionId, result }: { sessionId: string; result: Result }) {
  const byId = new Map(result.comparison.map((c) => [c.declaredId, c]));
  const scale = timeScale(result);
  return (
    <>
      <p>
        <a href={reportPath(sessionId)} download>
          Download the report (PDF)
        </a>{' '}
        <span class="muted">· computed {when(result.computedAt)}</span>
      </p>
      <div class="table-wrap">
        <table class="employment-history">
          <caption>Declared history against the evidence</caption>
          <thead>
            <tr>
              <th scope="col">Declared job</th>
              <th scope="col">Declared</th>
              <th scope="col">Evidence shows</th>
              <th scope="col">Result</th>
              <th scope="col">Span: declared / shown</th>
            </tr>
          </thead>
          <tbody>
            {result.declared.map((job) => {
              const c = byId.get(job.id);
              const items = (c?.evidence ?? []).map((i) => result.timeline[i]).filter((x) => x !== undefined);
              const status = c?.status ?? 'unverified';
              return (
                <tr key={job.id} class={status === 'verified' ? '' : 'mismatch'}>
                  <th scope="row">
                    {job.employer}
                    {job.jobTitle && <span class="muted"> · {job.jobTitle}</span>}
                  </th>
                  <td>
                    {period(job.startDate, job.endDate)}
                    {job.annualIncome !== null && <div>{money(job.annualIncome, job.currency)} a year</div>}
                  </td>
                  <td>
                    {items.length === 0 ? (
                      <span class="muted">Nothing shows this job.</span>
                    ) : (
                      items.map((v, i) => <VerifiedItem key={i} item={v} />)
                    )}
                  </td>
                  <td>
                    <Badge value={status} />
                    {(c?.differences.length ?? 0) > 0 && (
                      <ul class="differences">
                        {c!.differences.map((d) => (
                          <li key={d}>{d}</li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>
                    <Spans scale={scale} declared={job} verified={items} />
                  </td>
                </tr>
              );
            })}
            {result.undeclared.map((i) => {
              const v = result.timeline[i];
              if (!v) return null;
              return (
                <tr key={`undeclared-${i}`} class="mismatch">
                  <th scope="row">
                    {v.employer} <span class="muted">· not declared</span>
                  </th>
                  <td>—</td>
                  <td>
                    <VerifiedItem item={v} />
                  </td>
                  <td>
                    <Badge value="undeclared" />
                  </td>
                  <td>
                    <Spans scale={scale} declared={null} verified={[v]} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <h3>Gaps longer than {result.maxGapDays} days</h3>
      {result.gaps.length === 0 ? (
        <p class="muted">None in the declared history.</p>
      ) : (
        <ul class="gaps">
          {result.gaps.map((g) => (
            <li key={g.from}>
              <strong>{g.days} days</strong> without declared work: {g.from} – {g.to}
            </li>
          ))}
        </ul>
      )}
      <h3>Sources</h3>
      {result.connections.length === 0 && result.documents.length === 0 && (
        <p class="muted">The candidate connected no source and uploaded no document.</p>
      )}
      {result.connections.map((c, i) => (
        <article key={`c-${i}`} class="employment-source" aria-label={`Data source ${c.sourceName}`}>
          <h4>
            Data source {c.sourceName} <Badge value={c.status} />
          </h4>
          <p>
            For {result.declared.find((d) => d.id === c.declaredId)?.employer ?? 'no declared job'}
            {c.errorCode && (
              <>
                {' '}
                · <span class="chip">{c.errorCode}</span>
              </>
            )}
          </p>
        </article>
      ))}
      {result.documents.map((d, i) => (
        <DocumentSource key={d.mediaId} sessionId={sessionId} document={d} number={i + 1} />
      ))}
    </>
  );
}

type Scale = (date: string | null, fallback: number) => number;

/** Places dates on 0..100 between the earliest date in the result and the day it was computed. */
function timeScale(result: Result): Scale {
  const today = Date.parse(result.computedAt.slice(0, 10));
  const starts = [
    ...result.declared.map((d) => d.startDate),
    ...result.timeline.map((t) => t.startDate),
  ].flatMap((d) => (d ? [Date.parse(d)] : []));
  const first = Math.min(today, ...starts);
  const span = Math.max(1, today - first);
  return (date, fallback) =>
    date ? Math.min(100, Math.max(0, ((Date.parse(date) - first) / span) * 100)) : fallback;
}

/**
 * The declared span (outlined) above what the evidence showed (filled), on one scale for every row, so breaks and
 * shortfalls show at a glance. Hidden from screen readers: the cells beside it say the same in words.
 */
function Spans({
  scale,
  declared,
  verified,
}: {
  scale: Scale;
  declared: Declared | null;
  verified: Verified[];
}) {
  const bar = (from: string | null, to: string | null) => {
    const left = scale(from, 0);
    return { left: `${left}%`, width: `${Math.max(0.8, scale(to, 100) - left)}%` };
  };
  return (
    <div class="spans" aria-hidden="true">
      <div class="track">
        {declared && <span class="declared" style={bar(declared.startDate, declared.endDate)} />}
      </div>
      <div class="track">
        {verified.map((v, i) => (
          <span key={i} class="verified" style={bar(v.startDate, v.endDate)} />
        ))}
      </div>
    </div>
  );
}

function VerifiedItem({ item }: { item: Verified }) {
  const from = item.sources
    .map((s) =>
      s.kind === 'connector' ? `data source ${s.sourceName}` : (KINDS[s.documentKind] ?? s.documentKind),
    )
    .filter((s, i, all) => all.indexOf(s) === i);
  return (
    <div class="verified-item">
      {item.employer}
      {item.jobTitle && <span class="muted"> · {item.jobTitle}</span>}
      <div>{period(item.startDate, item.endDate)}</div>
      {item.annualGross !== null && <div>{money(item.annualGross, item.currency)} a year</div>}
      <div class="muted">
        from {from.join(', ')} · confidence {Math.round(item.confidence * 100)}%
      </div>
    </div>
  );
}

function DocumentSource({
  sessionId,
  document: d,
  number,
}: {
  sessionId: string;
  document: DocumentRead;
  number: number;
}) {
  const kind = KINDS[d.kind] ?? d.kind;
  const read: [string, string][] = [
    ['Employer', d.employer ?? '—'],
    ['Employee', d.employee ?? '—'],
    ['Pay dates', d.payDates.join(', ') || '—'],
    ['Gross pay', money(d.grossPay)],
    ['Net pay', money(d.netPay)],
    ['Currency', d.currency ?? '—'],
    ['Tax reference', d.taxReference ?? '—'],
    [
      'Read from',
      d.textSource === 'pdf-text' ? 'the PDF text' : d.textSource === 'ocr' ? 'OCR of the picture' : '—',
    ],
    ['Confidence', d.confidence === null ? '—' : `${Math.round(d.confidence * 100)}%`],
  ];
  return (
    <article
      class={`employment-source${d.flags.length ? ' flagged' : ''}`}
      aria-label={`Document ${number}: ${kind}`}
    >
      <h4>
        Document {number}: {kind} <a href={mediaPath(sessionId, d.mediaId)}>Open document {number}</a>
      </h4>
      {d.flags.length > 0 && (
        <ul class="flags" aria-label="Flags">
          {d.flags.map((f) => (
            <li key={f.code}>
              <span class="chip flag">{f.code}</span> {f.message}
            </li>
          ))}
        </ul>
      )}
      <dl class="facts read">
        {read.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </article>
  );
}
