import { newId } from '@openidv/domain';
import type { Dialect } from '../database/open-database.ts';
import type { DB } from '../database/schema.ts';
import type { Executor } from './applications.ts';

export interface Job {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  attempts: number;
  maxAttempts: number;
}

export async function enqueueJob(
  db: Executor,
  job: { type: string; payload: Record<string, unknown>; runAt: number; maxAttempts: number; now: number },
): Promise<string> {
  const id = newId('job', job.now);
  await db
    .insertInto('jobs')
    .values({
      id,
      type: job.type,
      payload: JSON.stringify(job.payload),
      status: 'queued',
      run_at: job.runAt,
      attempts: 0,
      max_attempts: job.maxAttempts,
      locked_until: null,
      locked_by: null,
      last_error: null,
      created_at: job.now,
      updated_at: job.now,
    })
    .execute();
  return id;
}

/**
 * Leases the next due job. A job whose lease ran out (its worker died) is due again, which is what makes
 * processing survive a killed server. On PostgreSQL, SKIP LOCKED lets several servers share the queue.
 */
export async function claimJob(
  db: Executor,
  dialect: Dialect,
  workerId: string,
  now: number,
  leaseMs: number,
): Promise<Job | undefined> {
  let pick = db
    .selectFrom('jobs')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'queued'), eb('run_at', '<=', now)]),
        eb.and([eb('status', '=', 'running'), eb('locked_until', '<', now)]),
      ]),
    )
    .orderBy('run_at')
    .limit(1);
  if (dialect === 'postgres') pick = pick.forUpdate().skipLocked();
  const row = await db
    .updateTable('jobs')
    .set((eb) => ({
      status: 'running',
      locked_by: workerId,
      locked_until: now + leaseMs,
      attempts: eb('attempts', '+', 1),
      updated_at: now,
    }))
    .where('id', '=', (eb) => eb.selectFrom(pick.as('next')).select('next.id'))
    .returningAll()
    .executeTakeFirst();
  return row && toJob(row);
}

export async function extendLease(db: Executor, id: string, workerId: string, until: number): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ locked_until: until })
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .execute();
}

export async function completeJob(db: Executor, id: string, now: number): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'done', locked_until: null, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Schedules another try, or marks the job failed when it has used all its attempts. */
export async function failJob(
  db: Executor,
  id: string,
  error: string,
  retryAt: number | null,
  now: number,
): Promise<void> {
  await db
    .updateTable('jobs')
    .set({
      status: retryAt === null ? 'failed' : 'queued',
      run_at: retryAt ?? now,
      locked_until: null,
      locked_by: null,
      last_error: error.slice(0, 2000),
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

export async function countJobs(db: Executor): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('jobs')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Finished jobs are history; keep the table small. */
export async function purgeFinishedJobs(db: Executor, olderThan: number): Promise<void> {
  await db.deleteFrom('jobs').where('status', '=', 'done').where('updated_at', '<', olderThan).execute();
}

function toJob(r: DB['jobs']): Job {
  return {
    id: r.id,
    type: r.type,
    payload: JSON.parse(r.payload),
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
  };
}
