import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { JobsRow, NewJobsRow } from './schema.js';
import { type Db, dialectOf, transaction } from './store.js';

/** A durable job: claimed under a lease, retried with backoff, unique by key. */
export type JobRow = JobsRow;

export interface NewJob {
  orgId: string;
  kind: string;
  key: string;
  payload: unknown;
  runAt: number;
  maxAttempts?: number;
}

/** The row a new job is inserted as: queued, no attempt spent. */
function rowOf(job: NewJob, now: number): NewJobsRow {
  return {
    org_id: job.orgId,
    kind: job.kind,
    job_key: job.key,
    payload: JSON.stringify(job.payload),
    status: 'queued',
    run_at: job.runAt,
    attempts: 0,
    max_attempts: job.maxAttempts ?? 12,
    created_at: now,
    updated_at: now,
  };
}

/** Queues a job unless one with the same key exists; answers whether it was queued. */
export async function enqueueJob(db: Db, job: NewJob, now: number): Promise<boolean> {
  const result = await db
    .insertInto('jobs')
    .values(rowOf(job, now))
    .onConflict((oc) => oc.column('job_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows) === 1;
}

/**
 * Queues a job, or moves a queued (or finished) one with the same key to `runAt` (recurring work
 * like sweeps). Answers false when the key's job is running, and so was left alone.
 */
export async function scheduleJob(db: Db, job: NewJob, now: number): Promise<boolean> {
  const result = await db
    .insertInto('jobs')
    .values(rowOf(job, now))
    .onConflict((oc) =>
      oc
        .column('job_key')
        .doUpdateSet((eb) => ({
          status: 'queued',
          run_at: eb.ref('excluded.run_at'),
          payload: eb.ref('excluded.payload'),
          attempts: 0,
          last_error: null,
          updated_at: eb.ref('excluded.updated_at'),
        }))
        .where('jobs.status', 'in', ['queued', 'done', 'failed']),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows) === 1;
}

/**
 * Asks for a job to run no later than `runAt`: queues it, or brings a queued one forward, but never
 * postpones one already due sooner (so a stream of requests cannot starve it). For debounced work.
 */
export async function requestJob(db: Db, job: NewJob, now: number): Promise<void> {
  await db
    .insertInto('jobs')
    .values(rowOf(job, now))
    .onConflict((oc) =>
      oc
        .column('job_key')
        .doUpdateSet((eb) => ({
          // The sooner of the two for a queued job (a CASE: scalar MIN(a, b) is SQLite's alone).
          run_at: eb
            .case()
            .when(eb.and([eb('jobs.status', '=', 'queued'), eb('jobs.run_at', '<', eb.ref('excluded.run_at'))]))
            .then(eb.ref('jobs.run_at'))
            .else(eb.ref('excluded.run_at'))
            .end(),
          status: 'queued',
          attempts: eb.case().when('jobs.status', '=', 'queued').then(eb.ref('jobs.attempts')).else(0).end(),
          updated_at: eb.ref('excluded.updated_at'),
        }))
        .where('jobs.status', 'in', ['queued', 'done', 'failed']),
    )
    .execute();
}

/**
 * Queues a keyed job or, when one is queued for later, brings it forward and replaces its payload
 * (a handback asked for now supersedes the one planned after the last email).
 */
export async function requestJobSooner(db: Db, job: NewJob, now: number): Promise<void> {
  await db
    .insertInto('jobs')
    .values(rowOf(job, now))
    .onConflict((oc) =>
      oc
        .column('job_key')
        .doUpdateSet((eb) => ({ run_at: eb.ref('excluded.run_at'), payload: eb.ref('excluded.payload'), updated_at: eb.ref('excluded.updated_at') }))
        .where((eb) => eb.and([eb('jobs.status', '=', 'queued'), eb(eb.ref('excluded.run_at'), '<', eb.ref('jobs.run_at'))])),
    )
    .execute();
}

/** The oldest due job of one org. */
async function oldestDueOf(db: Db, orgId: string, now: number): Promise<JobRow | undefined> {
  return db
    .selectFrom('jobs')
    .selectAll()
    .where('status', '=', 'queued')
    .where('org_id', '=', orgId)
    .where('run_at', '<=', now)
    .orderBy('run_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Each org with queued work and when its oldest is due: a loose index scan (one index seek per
 * org, over jobs_org_due), so a backlog of 10,000 jobs in one org costs nothing to step over.
 */
async function orgsWithQueuedWork(db: Db): Promise<{ org_id: string; due_at: number }[]> {
  const result = await sql<{ org_id: string; due_at: number }>`
    WITH RECURSIVE orgs(org_id) AS (
      SELECT (SELECT org_id FROM jobs WHERE status = 'queued' ORDER BY org_id LIMIT 1)
      UNION ALL
      SELECT (SELECT jobs.org_id FROM jobs WHERE jobs.status = 'queued' AND jobs.org_id > orgs.org_id ORDER BY jobs.org_id LIMIT 1) FROM orgs WHERE orgs.org_id IS NOT NULL
    )
    SELECT org_id, (SELECT MIN(run_at) FROM jobs WHERE status = 'queued' AND jobs.org_id = orgs.org_id) AS due_at FROM orgs WHERE org_id IS NOT NULL`.execute(db);
  return result.rows;
}

/** Orgs with a job running under a live lease, in any process on the database. */
async function orgsRunning(db: Db, now: number): Promise<string[]> {
  const rows = await db.selectFrom('jobs').select('org_id').distinct().where('status', '=', 'running').where('lease_until', '>', now).execute();
  return rows.map((row) => row.org_id);
}

/** Running jobs whose lease ran out (their runner died), oldest first. */
async function staleJobs(db: Db, now: number): Promise<JobRow[]> {
  return db.selectFrom('jobs').selectAll().where('status', '=', 'running').where('lease_until', '<=', now).orderBy('run_at').orderBy('id').limit(16).execute();
}

async function oldestDue(db: Db, now: number): Promise<JobRow | undefined> {
  return db.selectFrom('jobs').selectAll().where('status', '=', 'queued').where('run_at', '<=', now).orderBy('run_at').orderBy('id').limit(1).executeTakeFirst();
}

/** The job the fairness rules pick next, for an org not in `busy` (the caller adds the orgs running anywhere). */
async function nextJob(db: Db, now: number, busy: ReadonlySet<string>, recent: readonly string[]): Promise<JobRow | undefined> {
  // A job whose runner died (its lease ran out) is taken back first.
  const stale = (await staleJobs(db, now)).find((row) => !busy.has(row.org_id));
  if (stale) return stale;
  const oldest = await oldestDue(db, now);
  if (!oldest) return undefined;
  // The common case: the oldest due job's org is free and was not served lately.
  if (!busy.has(oldest.org_id) && !recent.includes(oldest.org_id)) return oldest;
  const turn = (orgId: string) => {
    const index = recent.indexOf(orgId);
    return index === -1 ? Number.MAX_SAFE_INTEGER : index;
  };
  const candidates = (await orgsWithQueuedWork(db))
    .filter((org) => org.due_at <= now && !busy.has(org.org_id))
    // Never served lately first (oldest due first), then the one served longest ago.
    .sort((a, b) => turn(b.org_id) - turn(a.org_id) || a.due_at - b.due_at);
  const chosen = candidates[0];
  return chosen ? oldestDueOf(db, chosen.org_id, now) : undefined;
}

/** Our advisory-lock namespace for "claiming a job of this org" (PostgreSQL's two-key form). */
const ORG_CLAIM_LOCK = 7_246_101;

/**
 * PostgreSQL: makes `job` ours to claim, or answers undefined without waiting. Its org's claim
 * lock (held to the end of the transaction) keeps two processes from claiming two jobs of one org
 * at once; with it held, a fresh look says whether the org has a job running; the job's row is
 * then locked (SKIP LOCKED: a row another transaction is writing is passed over, not waited for)
 * and read again, so a job another process claimed a moment ago is not claimed twice.
 */
async function lockForClaim(tx: Db, job: JobRow, now: number): Promise<JobRow | undefined> {
  const locked = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${ORG_CLAIM_LOCK}, hashtext(${job.org_id})) AS locked`.execute(tx);
  if (!locked.rows[0]?.locked) return undefined;
  // A statement after the lock was taken: it sees every claim committed before.
  const running = await tx
    .selectFrom('jobs')
    .select('id')
    .where('org_id', '=', job.org_id)
    .where('status', '=', 'running')
    .where('lease_until', '>', now)
    .limit(1)
    .executeTakeFirst();
  if (running) return undefined;
  return tx
    .selectFrom('jobs')
    .selectAll()
    .where('id', '=', job.id)
    .where((eb) => eb.or([eb.and([eb('status', '=', 'queued'), eb('run_at', '<=', now)]), eb.and([eb('status', '=', 'running'), eb('lease_until', '<=', now)])]))
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
}

/** How many candidates a PostgreSQL claim tries before it leaves the work to the next look. */
const CLAIM_TRIES = 8;

/** The job to claim, locked for the claim where the engine needs it (see lockForClaim). */
async function chooseJob(tx: Db, now: number, busyOrgs: readonly string[], recentOrgs: readonly string[]): Promise<JobRow | undefined> {
  // An org with a job running anywhere (a live lease, in this process or another on the same
  // database) waits: an org's jobs run one at a time across every worker.
  const busy = new Set([...busyOrgs, ...(await orgsRunning(tx, now))]);
  // SQLite: the claim's transaction holds the database's write lock, so what it read stands.
  if (dialectOf(tx) === 'sqlite') return nextJob(tx, now, busy, recentOrgs);
  for (let attempt = 0; attempt < CLAIM_TRIES; attempt += 1) {
    const job = await nextJob(tx, now, busy, recentOrgs);
    if (!job) return undefined;
    const locked = await lockForClaim(tx, job, now);
    if (locked) return locked;
    // Another process is claiming for this org, or has a job of it running: the next org's turn.
    busy.add(job.org_id);
  }
  return undefined;
}

/**
 * Claims the next due job (or one whose lease ran out), never for an org with a job running (in
 * `busyOrgs`, this runner's, or under a live lease in any process: an org's jobs run one at a
 * time). Orgs take turns: `recentOrgs` are
 * the orgs served lately, the most recent first, and the claim goes to the org served longest ago
 * (or never) among those with due work, so one org's queue holds another's due work back by one
 * job at most. Within an org, by `run_at`. One transaction: on SQLite it holds the write lock
 * (BEGIN IMMEDIATE), so two runners never claim the same job; on PostgreSQL the org's claim lock
 * and the row lock do (FOR UPDATE SKIP LOCKED), and claimers never wait for each other.
 */
export async function claimJob(db: Db, now: number, leaseMs: number, busyOrgs: readonly string[] = [], recentOrgs: readonly string[] = []): Promise<JobRow | undefined> {
  return transaction(db, async (tx) => {
    const job = await chooseJob(tx, now, busyOrgs, recentOrgs);
    if (!job) return undefined;
    const token = randomUUID();
    await tx
      .updateTable('jobs')
      .set((eb) => ({ status: 'running', lease_token: token, lease_until: now + leaseMs, attempts: eb('attempts', '+', 1), updated_at: now }))
      .where('id', '=', job.id)
      .execute();
    return { ...job, status: 'running' as const, lease_token: token, lease_until: now + leaseMs, attempts: job.attempts + 1 };
  });
}

/** Finishes a claimed job, only while the lease is still ours (compare-and-swap on the token). */
export async function completeJob(db: Db, job: JobRow, now: number): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ status: 'done', lease_token: null, lease_until: null, last_error: null, updated_at: now })
    .where('id', '=', job.id)
    .where('lease_token', '=', job.lease_token)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Puts a claimed job back for later; `spendAttempt: false` for waits that are not failures (429, business hours). */
export async function retryJob(db: Db, job: JobRow, runAt: number, error: string | null, now: number, spendAttempt = true): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set((eb) => ({ status: 'queued', run_at: runAt, last_error: error, lease_token: null, lease_until: null, attempts: eb('attempts', '-', spendAttempt ? 0 : 1), updated_at: now }))
    .where('id', '=', job.id)
    .where('lease_token', '=', job.lease_token)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Fails a claimed job for good, only while the lease is still ours. */
export async function failJob(db: Db, job: JobRow, error: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ status: 'failed', last_error: error, lease_token: null, lease_until: null, updated_at: now })
    .where('id', '=', job.id)
    .where('lease_token', '=', job.lease_token)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** When the soonest queued job is due, if any is queued. */
export async function nextDueAt(db: Db): Promise<number | undefined> {
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.min<number | null>('run_at').as('at'))
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return row?.at ?? undefined;
}

/** How many jobs are in `status`. */
export async function countJobs(db: Db, status: JobRow['status']): Promise<number> {
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', status)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** An org's jobs, in the order they were queued. */
export async function listJobs(db: Db, orgId: string): Promise<JobRow[]> {
  return db.selectFrom('jobs').selectAll().where('org_id', '=', orgId).orderBy('id').execute();
}

/** Extends a running job's lease while its holder still has it (a heartbeat for long work). */
export async function renewLease(db: Db, job: JobRow, now: number, leaseMs: number): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ lease_until: now + leaseMs })
    .where('id', '=', job.id)
    .where('lease_token', '=', job.lease_token)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** `text` with LIKE's wildcards (and the escape character) escaped, for a prefix match. */
function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/** When the job with this exact key is due, while it waits or runs; undefined when there is none or it has ended. */
export async function pendingJobRunAt(db: Db, key: string): Promise<number | undefined> {
  const found = await db.selectFrom('jobs').select('run_at').where('job_key', '=', key).where('status', 'in', ['queued', 'running']).executeTakeFirst();
  return found?.run_at;
}

/** Whether a job whose key starts with `prefix` is queued and not yet started (it will read fresh state when it runs). */
export async function hasQueuedJob(db: Db, prefix: string): Promise<boolean> {
  // By the key's unique index: with "status = 'queued'" in the WHERE, SQLite's planner picked jobs_due
  // and read every queued job (one notification cost O(queue); the webhook bench found it).
  // Every job of the prefix (one record's intakes, bounded by retention), not the first N: keys sort
  // as text, so a queued one may come after any number of finished ones.
  // SQLite compares keys byte by byte, so the prefix is a key range; PostgreSQL's order follows the
  // database's collation, where a range may miss keys, so there it is a LIKE (backslash is its
  // escape character; a range again, over the index, when the collation is C).
  const query = db.selectFrom('jobs').select('status');
  const rows = await (
    dialectOf(db) === 'sqlite' ? query.where('job_key', '>=', prefix).where('job_key', '<', `${prefix}\uffff`) : query.where('job_key', 'like', likePrefix(prefix))
  ).execute();
  return rows.some((row) => row.status === 'queued');
}

/** An org's queued step jobs (a lead's next email), in the order the runner takes them. */
export async function queuedStepJobs(db: Db, orgId: string): Promise<{ id: number; run_at: number; payload: string }[]> {
  return db.selectFrom('jobs').select(['id', 'run_at', 'payload']).where('org_id', '=', orgId).where('kind', '=', 'step').where('status', 'in', ['queued', 'running']).orderBy('run_at').orderBy('id').execute();
}
