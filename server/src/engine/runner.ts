import { type JobRow, claimJob, completeJob, failJob, nextDueAt, renewLease, retryJob } from '../db/jobs.js';
import type { Db } from '../db/store.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { ZohoAuthorizationError, ZohoRateLimitedError, ZohoRequestError, ZohoUnavailableError } from '../zoho/errors.js';

/** Come back at `retryAt` without spending an attempt: a wait, not a failure (429, business hours). */
export class RetryAfterError extends Error {
  constructor(
    readonly retryAt: number,
    reason: string,
  ) {
    super(reason);
  }
}


/** How many orgs the turn-taking remembers; beyond that, orgs with due work are served by age. */
const RECENT_ORGS = 32;

/** Never retry: the job cannot succeed (bad input, a deleted record). */
export class PermanentJobError extends Error {}

/**
 * Runs a job. Recurring work (a sweep, a mailbox poll, a flush with more to do) answers when it
 * runs next; one-off work answers nothing and is done.
 */
export type JobHandler = (job: JobRow, payload: unknown) => Promise<void | { runAgainAt: number }>;

export interface RunnerOptions {
  leaseMs?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Where work for an org whose Zoho authorization is lost waits before looking again. */
  authorizationPauseMs?: number;
  random?: () => number;
  /** Told when a job has failed for good, so nothing it was doing is left hanging (e.g. hand the lead back). */
  onFinalFailure?: (job: JobRow, error: string) => void | Promise<void>;
  /** Jobs run at once, each for a different org (an org's jobs run one at a time). Default 1. */
  concurrency?: number;
}

/**
 * Runs due jobs from the jobs table with the injected clock. `runUntilIdle()` drives it in tests;
 * `start()` polls in production. Up to `concurrency` jobs run at once, never two of one org; orgs
 * take turns (see claimJob), so a bulk reassignment in one org delays another org's due email by
 * one job at most.
 */
export class JobRunner {
  private readonly leaseMs: number;
  private readonly leaseRealMs: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly authorizationPauseMs: number;
  private readonly random: () => number;
  private readonly concurrency: number;
  private timer: NodeJS.Timeout | undefined;
  private readonly workers = new Set<Promise<void>>();
  /** Orgs a job is running for now, and the orgs served lately (the most recent first). */
  private readonly busyOrgs = new Set<string>();
  private recentOrgs: string[] = [];
  private stopped = true;
  private again = false;
  private pollMs = 1_000;
  /** A look for the next due time in progress (see schedule()). */
  private scheduling: Promise<void> | undefined;
  private readonly onFinalFailure: ((job: JobRow, error: string) => void | Promise<void>) | undefined;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly handlers: Record<string, JobHandler>,
    private readonly logger: Logger,
    options: RunnerOptions = {},
  ) {
    // Renewed every third of it while the handler runs; short, because an org waits for a job of a
    // crashed process until its lease lapses (an org's jobs run one at a time, across processes).
    // The lease is real time (a crashed process is noticed after 90 real seconds); it is stored on
    // the engine's clock, which may run faster (TIME_SCALE), like every other time in the table.
    this.leaseRealMs = options.leaseMs ?? 90 * 1000;
    this.leaseMs = Math.round(this.leaseRealMs * (clock.rate ?? 1));
    this.baseBackoffMs = options.baseBackoffMs ?? 30_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 6 * 60 * 60 * 1000;
    this.authorizationPauseMs = options.authorizationPauseMs ?? 60 * 60 * 1000;
    this.random = options.random ?? Math.random;
    this.onFinalFailure = options.onFinalFailure;
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  }

  /** Claims and runs one due job; answers false when none is due. */
  async runOnce(): Promise<boolean> {
    const job = await claimJob(this.db, this.clock.now(), this.leaseMs, [...this.busyOrgs], this.recentOrgs);
    if (!job) return false;
    this.busyOrgs.add(job.org_id);
    this.recentOrgs = [job.org_id, ...this.recentOrgs.filter((org) => org !== job.org_id)].slice(0, RECENT_ORGS);
    const handler = this.handlers[job.kind];
    // A long job keeps its lease, so no other runner takes it over while it still works.
    const heartbeat = setInterval(() => this.renew(job), Math.max(250, Math.floor(this.leaseRealMs / 3)));
    try {
      if (!handler) throw new PermanentJobError(`no handler for job kind ${job.kind}`);
      const next = await handler(job, JSON.parse(job.payload) as unknown);
      if (next) await retryJob(this.db, job, next.runAgainAt, null, this.clock.now(), false);
      else await completeJob(this.db, job, this.clock.now());
    } catch (error) {
      await this.settle(job, error);
    } finally {
      clearInterval(heartbeat);
      this.busyOrgs.delete(job.org_id);
    }
    return true;
  }

  /** The heartbeat: a renewal that fails (the database busy a moment) is logged; the next one tries again. */
  private renew(job: JobRow): void {
    renewLease(this.db, job, this.clock.now(), this.leaseMs).catch((error: unknown) => this.logger.warn('job lease not renewed', { jobId: job.id, error: error instanceof Error ? error.message : String(error) }));
  }

  private async settle(job: JobRow, error: unknown): Promise<void> {
    const now = this.clock.now();
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof RetryAfterError) {
      await retryJob(this.db, job, error.retryAt, message, now, false);
      return;
    }
    if (error instanceof ZohoRateLimitedError) {
      await retryJob(this.db, job, now + error.retryAfterMs, message, now, false);
      return;
    }
    if (error instanceof ZohoAuthorizationError) {
      // The org needs re-authorization: its work waits, nothing is dropped.
      await retryJob(this.db, job, now + this.authorizationPauseMs, message, now, false);
      return;
    }
    const permanent = error instanceof PermanentJobError || error instanceof ZohoRequestError;
    if (permanent || job.attempts >= job.max_attempts) {
      this.logger.error('job failed', { jobId: job.id, kind: job.kind, orgId: job.org_id, attempts: job.attempts, error: message });
      await failJob(this.db, job, message, now);
      await this.onFinalFailure?.(job, message);
      return;
    }
    const backoff = Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** (job.attempts - 1));
    const jittered = Math.round(backoff * (0.5 + this.random()));
    if (!(error instanceof ZohoUnavailableError)) this.logger.warn('job will be retried', { jobId: job.id, kind: job.kind, orgId: job.org_id, attempts: job.attempts, error: message });
    await retryJob(this.db, job, now + jittered, message, now, true);
  }

  /** Runs every job due now (including jobs those jobs make due now), `concurrency` at a time; answers how many ran. */
  async runUntilIdle(limit = 100_000): Promise<number> {
    let count = 0;
    for (;;) {
      let ran = 0;
      const lane = async () => {
        while (count < limit && (await this.runOnce())) {
          count += 1;
          ran += 1;
        }
      };
      // A lane finds nothing when the only due work is for an org another lane is serving: then a later round takes it.
      await Promise.all(Array.from({ length: this.concurrency }, lane));
      if (ran === 0 || count >= limit) return count;
    }
  }

  /** Polls for due work until stopped; `poke()` says new work arrived. */
  start(pollMs = 1_000): void {
    this.stopped = false;
    this.pollMs = pollMs;
    this.fill();
  }

  /** Starts lanes up to `concurrency`; each runs due jobs until none is left for it. */
  private fill(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.workers.size < this.concurrency) {
      const worker: Promise<void> = this.lane().finally(() => {
        this.workers.delete(worker);
        // A free lane keeps polling, even while another runs a long job: work other processes
        // queue, and work that falls due, are taken within pollMs.
        this.schedule();
      });
      this.workers.add(worker);
    }
  }

  private async lane(): Promise<void> {
    try {
      for (;;) {
        if (this.stopped) return;
        if (await this.runOnce()) continue;
        // New work arrived while this lane looked: one more look before it rests.
        if (!this.again) return;
        this.again = false;
      }
    } catch (error) {
      this.logger.error('job runner failed', { error });
    }
  }

  /** Sets the timer for the next look: when the soonest job is due, or after pollMs at the latest. */
  private schedule(): void {
    if (this.stopped || this.timer || this.scheduling) return;
    this.scheduling = this.nextWait()
      .then((wait) => {
        if (!this.stopped && !this.timer) this.timer = setTimeout(() => this.fill(), wait);
      })
      .finally(() => {
        this.scheduling = undefined;
      });
  }

  private async nextWait(): Promise<number> {
    try {
      const due = await nextDueAt(this.db);
      return due === undefined ? this.pollMs : Math.max(0, Math.min(this.pollMs, due - this.clock.now()));
    } catch (error) {
      this.logger.error('job runner failed', { error });
      return this.pollMs;
    }
  }

  /** New work arrived: run it now, in a free lane or as soon as a busy one looks again. */
  poke(): void {
    if (this.stopped) return;
    this.again = true;
    this.fill();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all(this.workers);
    await this.scheduling;
  }
}
