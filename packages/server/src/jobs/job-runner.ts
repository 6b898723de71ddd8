import { hostname } from 'node:os';
import { newId } from '@openidv/domain';
import { idempotency, type Job, jobs } from '@openidv/storage';
import type { Platform } from '../platform/platform.ts';
import { expireSignIns } from '../usecases/eid/eid-sign-in.ts';
import { applyRetention } from '../usecases/sessions/apply-retention.ts';
import { expireSessions } from '../usecases/sessions/expire-sessions.ts';

export type JobHandler = (job: Job, context: { lastAttempt: boolean }) => Promise<void>;

const POLL_MS = 500;
const SWEEP_MS = 30_000;

/**
 * Runs durable jobs from the database. Each job is leased; the lease is renewed while it runs, so a live job is
 * never taken twice, and a job whose worker died (a killed server) is taken again once its lease runs out.
 */
export class JobRunner {
  readonly #platform: Platform;
  readonly #handlers: Record<string, JobHandler>;
  readonly #workerId = `${hostname()}:${process.pid}:${newId('job').slice(-6)}`;
  #running = 0;
  #stopped = true;
  #timer: NodeJS.Timeout | undefined;
  #sweepTimer: NodeJS.Timeout | undefined;
  #pumping = false;
  #again = false;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(platform: Platform, handlers: Record<string, JobHandler>) {
    this.#platform = platform;
    this.#handlers = handlers;
  }

  start(): void {
    this.#stopped = false;
    this.#platform.wake = () => this.wake();
    this.#timer = setInterval(() => this.wake(), POLL_MS);
    this.#sweepTimer = setInterval(() => void this.sweep(), SWEEP_MS);
    void this.sweep();
    this.wake();
  }

  /** Stops taking jobs and waits for the running ones (their leases would expire anyway if we died). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearInterval(this.#sweepTimer);
    this.#platform.wake = () => {};
    await Promise.allSettled([...this.#inFlight]);
  }

  wake(): void {
    if (this.#stopped) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    void this.#pump();
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      do {
        this.#again = false;
        while (!this.#stopped && this.#running < this.#platform.config.jobConcurrency) {
          const job = await jobs.claimJob(
            this.#platform.database.db,
            this.#platform.database.dialect,
            this.#workerId,
            Date.now(),
            this.#platform.config.jobLeaseMs,
          );
          if (!job) break;
          this.#running++;
          const p = this.#run(job).finally(() => {
            this.#running--;
            this.#inFlight.delete(p);
            this.wake();
          });
          this.#inFlight.add(p);
        }
      } while (this.#again && !this.#stopped);
    } catch (e) {
      this.#platform.logger.error({ err: e }, 'job queue poll failed');
    } finally {
      this.#pumping = false;
    }
  }

  async #run(job: Job): Promise<void> {
    const { database, logger, config } = this.#platform;
    const handler = this.#handlers[job.type];
    const renew = setInterval(
      () =>
        void jobs
          .extendLease(database.db, job.id, this.#workerId, Date.now() + config.jobLeaseMs)
          .catch((e) => logger.warn({ err: e, jobId: job.id }, 'lease renewal failed')),
      Math.max(1000, config.jobLeaseMs / 3),
    );
    try {
      if (!handler) throw new Error(`no handler for job type ${job.type}`);
      await handler(job, { lastAttempt: job.attempts >= job.maxAttempts });
      await jobs.completeJob(database.db, job.id, Date.now());
    } catch (e) {
      const last = job.attempts >= job.maxAttempts;
      // Back off 5 s, 20 s, 80 s … between tries of a failing job.
      const retryAt = last ? null : Date.now() + 5000 * 4 ** (job.attempts - 1);
      logger.error({ err: e, jobId: job.id, type: job.type, attempt: job.attempts, last }, 'job failed');
      await jobs
        .failJob(database.db, job.id, String((e as Error)?.message ?? e), retryAt, Date.now())
        .catch(() => {});
    } finally {
      clearInterval(renew);
    }
  }

  /**
   * Periodic housekeeping: expire sessions and eID sign-ins, erase personal data past retention, forget old
   * idempotency keys and finished jobs.
   */
  async sweep(): Promise<void> {
    if (this.#stopped) return;
    try {
      await expireSessions(this.#platform);
      await expireSignIns(this.#platform);
      await applyRetention(this.#platform);
      // Lists imported by the CLI or another server come into service here.
      await this.#platform.screening.refresh();
      const day = 24 * 3600 * 1000;
      await idempotency.purgeIdempotencyKeys(this.#platform.database.db, Date.now() - day);
      await jobs.purgeFinishedJobs(this.#platform.database.db, Date.now() - 7 * day);
    } catch (e) {
      this.#platform.logger.error({ err: e }, 'sweep failed');
    }
  }
}
