import { randomUUID } from 'node:crypto';
import type { Db } from '../db/open-db.js';

/** A durable job: claimed under a lease, retried with backoff, unique by key. */
export interface JobRow {
  id: number;
  org_id: string;
  kind: string;
  job_key: string;
  payload: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  run_at: number;
  attempts: number;
  max_attempts: number;
  lease_token: string | null;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface NewJob {
  orgId: string;
  kind: string;
  key: string;
  payload: unknown;
  runAt: number;
  maxAttempts?: number;
}

/** Queues a job unless one with the same key exists; answers whether it was queued. */
export function enqueueJob(db: Db, job: NewJob, now: number): boolean {
  const result = db
    .prepare(
      `INSERT INTO jobs (org_id, kind, job_key, payload, status, run_at, attempts, max_attempts, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'queued', ?, 0, ?, ?, ?)
       ON CONFLICT (job_key) DO NOTHING`,
    )
    .run(job.orgId, job.kind, job.key, JSON.stringify(job.payload), job.runAt, job.maxAttempts ?? 12, now, now);
  return result.changes === 1;
}

/** Queues a job, or moves a queued one with the same key to `runAt` (recurring work like sweeps). */
export function scheduleJob(db: Db, job: NewJob, now: number): void {
  db.prepare(
    `INSERT INTO jobs (org_id, kind, job_key, payload, status, run_at, attempts, max_attempts, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'queued', ?, 0, ?, ?, ?)
     ON CONFLICT (job_key) DO UPDATE SET status = 'queued', run_at = excluded.run_at, payload = excluded.payload,
       attempts = 0, last_error = NULL, updated_at = excluded.updated_at
     WHERE jobs.status IN ('queued', 'done', 'failed')`,
  ).run(job.orgId, job.kind, job.key, JSON.stringify(job.payload), job.runAt, job.maxAttempts ?? 12, now, now);
}

/**
 * Claims the next due job: queued and due, or running with an expired lease (its worker died).
 * One statement inside an immediate transaction, so two runners never claim the same job.
 */
/**
 * Asks for a job to run no later than `runAt`: queues it, or brings a queued one forward, but never
 * postpones one already due sooner (so a stream of requests cannot starve it). For debounced work.
 */
export function requestJob(db: Db, job: NewJob, now: number): void {
  db.prepare(
    `INSERT INTO jobs (org_id, kind, job_key, payload, status, run_at, attempts, max_attempts, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'queued', ?, 0, ?, ?, ?)
     ON CONFLICT (job_key) DO UPDATE SET
       run_at = CASE WHEN jobs.status = 'queued' THEN MIN(jobs.run_at, excluded.run_at) ELSE excluded.run_at END,
       status = 'queued', attempts = CASE WHEN jobs.status = 'queued' THEN jobs.attempts ELSE 0 END, updated_at = excluded.updated_at
     WHERE jobs.status IN ('queued', 'done', 'failed')`,
  ).run(job.orgId, job.kind, job.key, JSON.stringify(job.payload), job.runAt, job.maxAttempts ?? 12, now, now);
}

/** The oldest due job of one org. */
function oldestDueOf(db: Db, orgId: string, now: number): JobRow | undefined {
  return db.prepare("SELECT * FROM jobs WHERE status = 'queued' AND org_id = ? AND run_at <= ? ORDER BY run_at, id LIMIT 1").get(orgId, now) as JobRow | undefined;
}

/**
 * Each org with queued work and when its oldest is due: a loose index scan (one index seek per
 * org, over jobs_org_due), so a backlog of 10,000 jobs in one org costs nothing to step over.
 */
function orgsWithQueuedWork(db: Db): { org_id: string; due_at: number }[] {
  return db
    .prepare(
      `WITH RECURSIVE orgs(org_id) AS (
         SELECT (SELECT org_id FROM jobs WHERE status = 'queued' ORDER BY org_id LIMIT 1)
         UNION ALL
         SELECT (SELECT jobs.org_id FROM jobs WHERE jobs.status = 'queued' AND jobs.org_id > orgs.org_id ORDER BY jobs.org_id LIMIT 1) FROM orgs WHERE orgs.org_id IS NOT NULL
       )
       SELECT org_id, (SELECT MIN(run_at) FROM jobs WHERE status = 'queued' AND jobs.org_id = orgs.org_id) AS due_at FROM orgs WHERE org_id IS NOT NULL`,
    )
    .all() as { org_id: string; due_at: number }[];
}

function nextJob(db: Db, now: number, busyHere: ReadonlySet<string>, recent: readonly string[]): JobRow | undefined {
  // An org with a job running anywhere (a live lease, in this process or another on the same
  // database) waits: an org's jobs run one at a time across every worker.
  const running = db.prepare("SELECT DISTINCT org_id FROM jobs WHERE status = 'running' AND lease_until > ?").pluck().all(now) as string[];
  const busy = new Set([...busyHere, ...running]);
  // A job whose runner died (its lease ran out) is taken back first.
  const stale = (db.prepare("SELECT * FROM jobs WHERE status = 'running' AND lease_until <= ? ORDER BY run_at, id LIMIT 16").all(now) as JobRow[]).find((row) => !busy.has(row.org_id));
  if (stale) return stale;
  const oldest = db.prepare("SELECT * FROM jobs WHERE status = 'queued' AND run_at <= ? ORDER BY run_at, id LIMIT 1").get(now) as JobRow | undefined;
  if (!oldest) return undefined;
  // The common case: the oldest due job's org is free and was not served lately.
  if (!busy.has(oldest.org_id) && !recent.includes(oldest.org_id)) return oldest;
  const turn = (orgId: string) => {
    const index = recent.indexOf(orgId);
    return index === -1 ? Number.MAX_SAFE_INTEGER : index;
  };
  const candidates = orgsWithQueuedWork(db)
    .filter((org) => org.due_at <= now && !busy.has(org.org_id))
    // Never served lately first (oldest due first), then the one served longest ago.
    .sort((a, b) => turn(b.org_id) - turn(a.org_id) || a.due_at - b.due_at);
  const chosen = candidates[0];
  return chosen ? oldestDueOf(db, chosen.org_id, now) : undefined;
}

/**
 * Claims the next due job (or one whose lease ran out), never for an org with a job running (in
 * `busyOrgs`, this runner's, or under a live lease in any process: an org's jobs run one at a
 * time). Orgs take turns: `recentOrgs` are
 * the orgs served lately, the most recent first, and the claim goes to the org served longest ago
 * (or never) among those with due work, so one org's queue holds another's due work back by one
 * job at most. Within an org, by `run_at`.
 */
export function claimJob(db: Db, now: number, leaseMs: number, busyOrgs: readonly string[] = [], recentOrgs: readonly string[] = []): JobRow | undefined {
  return db.transaction(() => {
    const job = nextJob(db, now, new Set(busyOrgs), recentOrgs);
    if (!job) return undefined;
    const token = randomUUID();
    db.prepare("UPDATE jobs SET status = 'running', lease_token = ?, lease_until = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?").run(
      token,
      now + leaseMs,
      now,
      job.id,
    );
    return { ...job, status: 'running' as const, lease_token: token, lease_until: now + leaseMs, attempts: job.attempts + 1 };
  }).immediate();
}

/** Finishes a claimed job, only while the lease is still ours (compare-and-swap on the token). */
export function completeJob(db: Db, job: JobRow, now: number): boolean {
  return (
    db.prepare("UPDATE jobs SET status = 'done', lease_token = NULL, lease_until = NULL, last_error = NULL, updated_at = ? WHERE id = ? AND lease_token = ?").run(now, job.id, job.lease_token).changes === 1
  );
}

/** Puts a claimed job back for later; `spendAttempt: false` for waits that are not failures (429, business hours). */
export function retryJob(db: Db, job: JobRow, runAt: number, error: string | null, now: number, spendAttempt = true): boolean {
  return (
    db
      .prepare(
        `UPDATE jobs SET status = 'queued', run_at = ?, last_error = ?, lease_token = NULL, lease_until = NULL,
           attempts = attempts - ?, updated_at = ? WHERE id = ? AND lease_token = ?`,
      )
      .run(runAt, error, spendAttempt ? 0 : 1, now, job.id, job.lease_token).changes === 1
  );
}

export function failJob(db: Db, job: JobRow, error: string, now: number): boolean {
  return (
    db.prepare("UPDATE jobs SET status = 'failed', last_error = ?, lease_token = NULL, lease_until = NULL, updated_at = ? WHERE id = ? AND lease_token = ?").run(error, now, job.id, job.lease_token).changes === 1
  );
}

export function nextDueAt(db: Db): number | undefined {
  const row = db.prepare("SELECT MIN(run_at) AS at FROM jobs WHERE status = 'queued'").get() as { at: number | null };
  return row.at ?? undefined;
}

export function countJobs(db: Db, status: JobRow['status']): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM jobs WHERE status = ?').get(status) as { n: number }).n;
}

export function listJobs(db: Db, orgId: string): JobRow[] {
  return db.prepare('SELECT * FROM jobs WHERE org_id = ? ORDER BY id').all(orgId) as JobRow[];
}

/** Lets a finished job's key be used again (a resumed lead's step). */
export function forgetFinishedJob(db: Db, key: string): void {
  db.prepare("DELETE FROM jobs WHERE job_key = ? AND status IN ('done', 'failed')").run(key);
}

/** Extends a running job's lease while its holder still has it (a heartbeat for long work). */
export function renewLease(db: Db, job: JobRow, now: number, leaseMs: number): boolean {
  return db.prepare("UPDATE jobs SET lease_until = ? WHERE id = ? AND lease_token = ? AND status = 'running'").run(now + leaseMs, job.id, job.lease_token).changes === 1;
}

/**
 * Queues a keyed job or, when one is queued for later, brings it forward and replaces its payload
 * (a handback asked for now supersedes the one planned after the last email).
 */
export function requestJobSooner(db: Db, job: NewJob, now: number): void {
  db.prepare(
    `INSERT INTO jobs (org_id, kind, job_key, payload, status, run_at, attempts, max_attempts, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'queued', ?, 0, ?, ?, ?)
     ON CONFLICT (job_key) DO UPDATE SET run_at = excluded.run_at, payload = excluded.payload, updated_at = excluded.updated_at
     WHERE jobs.status = 'queued' AND excluded.run_at < jobs.run_at`,
  ).run(job.orgId, job.kind, job.key, JSON.stringify(job.payload), job.runAt, job.maxAttempts ?? 12, now, now);
}

/** Whether a job whose key starts with `prefix` is queued and not yet started (it will read fresh state when it runs). */
export function hasQueuedJob(db: Db, prefix: string): boolean {
  // By the key's unique index: with "status = 'queued'" in the WHERE, SQLite's planner picked jobs_due
  // and read every queued job (one notification cost O(queue); the webhook bench found it).
  // Every job of the prefix (one record's intakes, bounded by retention), not the first N: keys sort
  // as text, so a queued one may come after any number of finished ones.
  const rows = db.prepare('SELECT status FROM jobs WHERE job_key >= ? AND job_key < ?').all(prefix, `${prefix}\uffff`) as { status: string }[];
  return rows.some((row) => row.status === 'queued');
}
