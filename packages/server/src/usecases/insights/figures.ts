import { reviews } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';

export type Interval = 'day' | 'week' | 'month';

/** The start of the UTC day, ISO week (Monday) or month that `t` falls in. */
export function bucketStart(t: number, interval: Interval): number {
  const d = new Date(t);
  if (interval === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (interval === 'day') return day;
  const weekday = (d.getUTCDay() + 6) % 7; // Monday = 0
  return day - weekday * 86_400_000;
}

function nextBucket(t: number, interval: Interval): number {
  if (interval === 'day') return t + 86_400_000;
  if (interval === 'week') return t + 7 * 86_400_000;
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

export function buckets(from: number, to: number, interval: Interval): number[] {
  const out: number[] = [];
  for (let t = bucketStart(from, interval); t < to && out.length < 400; t = nextBucket(t, interval))
    out.push(t);
  return out;
}

export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const FINAL = new Set(['approved', 'declined', 'resubmission_requested']);

/** The dashboard: volume over time, decisions by status, automation rate, time to decision, decline reasons. */
export async function dashboardStats(
  platform: Platform,
  applicationId: string,
  range: { from: number; to: number; interval: Interval },
) {
  const db = platform.database.db;
  const [attempts, decisions, queue] = await Promise.all([
    reviews.attemptsForFigures(db, applicationId, range.from, range.to, { withChecks: false }),
    reviews.decisionsForFigures(db, platform.database.dialect, applicationId, range.from, range.to),
    reviews.countReviewQueue(db, applicationId),
  ]);
  const starts = buckets(range.from, range.to, range.interval);
  const series = new Map(
    starts.map((t) => [
      t,
      {
        start: new Date(t).toISOString(),
        created: 0,
        submitted: 0,
        approved: 0,
        declined: 0,
        review: 0,
        resubmission_requested: 0,
      },
    ]),
  );
  const inRange = (t: number | null): t is number => t !== null && t >= range.from && t < range.to;
  for (const a of attempts) {
    if (inRange(a.createdAt)) {
      const b = series.get(bucketStart(a.createdAt, range.interval));
      if (b) b.created++;
    }
    if (inRange(a.submittedAt)) {
      const b = series.get(bucketStart(a.submittedAt, range.interval));
      if (b) b.submitted++;
    }
  }
  const byStatus: Record<string, number> = { approved: 0, declined: 0, review: 0, resubmission_requested: 0 };
  const declineReasons = new Map<string, number>();
  const durations: number[] = [];
  let automated = 0;
  let final = 0;
  for (const d of decisions) {
    if (!d.status) continue;
    byStatus[d.status] = (byStatus[d.status] ?? 0) + 1;
    const b = series.get(bucketStart(d.decidedAt, range.interval)) as Record<string, number> | undefined;
    if (b && typeof b[d.status] === 'number') b[d.status]!++;
    if (FINAL.has(d.status)) {
      final++;
      if (d.decidedBy === 'engine') automated++;
      if (d.submittedAt !== null) durations.push((d.decidedAt - d.submittedAt) / 1000);
    }
    if (d.status === 'declined' && Array.isArray(d.reasons)) {
      for (const code of new Set((d.reasons as { code?: string }[]).map((r) => r.code).filter(Boolean))) {
        declineReasons.set(code!, (declineReasons.get(code!) ?? 0) + 1);
      }
    }
  }
  return {
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    interval: range.interval,
    series: [...series.values()],
    decisionsByStatus: byStatus,
    decided: final,
    automationRate: final ? automated / final : null,
    medianSecondsToDecision: median(durations),
    topDeclineReasons: [...declineReasons.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 10)
      .map(([code, count]) => ({ code, count })),
    waitingForReview: queue,
  };
}

/** Usage for billing: verifications (submitted attempts) per month, and check runs per check type. */
export async function usageFigures(
  platform: Platform,
  applicationId: string,
  range: { from: number; to: number },
) {
  const rows = await reviews.attemptsForFigures(platform.database.db, applicationId, range.from, range.to, {
    withChecks: true,
  });
  const months = new Map(
    buckets(range.from, range.to, 'month').map((t) => [
      t,
      {
        month: new Date(t).toISOString().slice(0, 7),
        sessions: 0,
        verifications: 0,
        decided: 0,
        checks: {} as Record<string, number>,
      },
    ]),
  );
  const totalChecks: Record<string, number> = {};
  const inRange = (t: number | null): t is number => t !== null && t >= range.from && t < range.to;
  for (const r of rows) {
    if (inRange(r.createdAt)) {
      const m = months.get(bucketStart(r.createdAt, 'month'));
      if (m) m.sessions++;
    }
    if (inRange(r.submittedAt)) {
      const m = months.get(bucketStart(r.submittedAt, 'month'));
      if (m) m.verifications++;
    }
    if (inRange(r.decidedAt) && r.decision) {
      const m = months.get(bucketStart(r.decidedAt, 'month'));
      if (!m) continue;
      m.decided++;
      const d = JSON.parse(r.decision) as { checks?: { type: string; status: string }[] };
      for (const c of d.checks ?? []) {
        if (c.status === 'not_applicable') continue;
        m.checks[c.type] = (m.checks[c.type] ?? 0) + 1;
        totalChecks[c.type] = (totalChecks[c.type] ?? 0) + 1;
      }
    }
  }
  const list = [...months.values()];
  return {
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    months: list,
    totals: {
      sessions: list.reduce((a, m) => a + m.sessions, 0),
      verifications: list.reduce((a, m) => a + m.verifications, 0),
      decided: list.reduce((a, m) => a + m.decided, 0),
      checks: totalChecks,
    },
  };
}
