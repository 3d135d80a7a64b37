import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type JobRow, countJobs, enqueueJob, hasQueuedJob, scheduleJob } from '../../server/src/db/jobs.js';
import { type Db, type Store, type StoreOptions, openStore, transaction } from '../../server/src/db/store.js';
import { handle } from '../../server/src/engine/job-kinds.js';
import { type JobHandler, JobRunner } from '../../server/src/engine/runner.js';
import { ManualClock } from '../../server/src/lib/clock.js';
import { silentLogger } from '../../server/src/lib/logger.js';
import { row, rows, run, sharedStoreOptions } from '../helpers/store.js';

/** The runner's fairness and concurrency, on a real database file (or PostgreSQL) with the injected clock. */

let dir: string;
let options: StoreOptions;
let store: Store;
let db: Db;
const clock = new ManualClock(Date.UTC(2026, 10, 17, 9, 0));

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'runner-'));
  options = await sharedStoreOptions(join(dir, 'app.sqlite'));
  store = await openStore(options);
  db = store.db;
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function queue(orgId: string, kind: string, count: number, runAt = clock.now()): Promise<void> {
  await transaction(db, async (tx) => {
    for (let index = 0; index < count; index += 1) await enqueueJob(tx, { orgId, kind, key: `${kind}:${orgId}:${index}`, payload: { index }, runAt }, clock.now());
  });
}

/**
 * A handler that waits a moment as a Zoho call would, long enough for the other lanes to claim
 * (a claim is a few round trips on PostgreSQL), and records how many jobs ran at once in all and
 * per org, and which ran.
 */
function tracking() {
  const inFlight = new Map<string, number>();
  const seen = { most: 0, mostPerOrg: 0, ran: [] as number[] };
  const handler: JobHandler = async (job: JobRow) => {
    inFlight.set(job.org_id, (inFlight.get(job.org_id) ?? 0) + 1);
    seen.most = Math.max(seen.most, [...inFlight.values()].reduce((sum, count) => sum + count, 0));
    seen.mostPerOrg = Math.max(seen.mostPerOrg, inFlight.get(job.org_id)!);
    await new Promise((resolve) => setTimeout(resolve, 10));
    inFlight.set(job.org_id, inFlight.get(job.org_id)! - 1);
    seen.ran.push(job.id);
  };
  return { handler, seen };
}

describe('the job runner', () => {
  it("one org's 10,000 due intakes hold another org's due step back by one job", async () => {
    // Org A's bulk reassignment was queued first, a minute earlier than B's step.
    await queue('org-a', 'intake', 10_000, clock.now() - 60_000);
    await queue('org-b', 'step', 1);
    const ran: string[] = [];
    const record: JobHandler = async (job) => void ran.push(`${job.org_id}:${job.kind}`);
    const runner = new JobRunner(db, clock, { intake: record, step: record }, silentLogger);
    expect(await runner.runUntilIdle(3)).toBe(3);
    expect(ran).toEqual(['org-a:intake', 'org-b:step', 'org-a:intake']);
    expect(await countJobs(db, 'queued')).toBe(9_998);
  });

  it('orgs take turns: with three orgs queued, each due job waits for at most one job of every other org', async () => {
    await queue('org-a', 'intake', 6, clock.now() - 3_000);
    await queue('org-b', 'intake', 2, clock.now() - 2_000);
    await queue('org-c', 'intake', 2, clock.now() - 1_000);
    const ran: string[] = [];
    const runner = new JobRunner(db, clock, { intake: async (job) => void ran.push(job.org_id) }, silentLogger);
    await runner.runUntilIdle();
    // The org served longest ago goes next; A's remaining jobs run once the others are done.
    expect(ran).toEqual(['org-a', 'org-b', 'org-c', 'org-a', 'org-b', 'org-c', 'org-a', 'org-a', 'org-a', 'org-a']);
  });

  it('runs up to its concurrency at once, never two jobs of one org, and every job exactly once', async () => {
    for (const org of ['org-a', 'org-b', 'org-c']) await queue(org, 'intake', 20);
    const { handler, seen } = tracking();
    const runner = new JobRunner(db, clock, { intake: handler }, silentLogger, { concurrency: 2 });
    expect(await runner.runUntilIdle()).toBe(60);
    expect(seen.most).toBe(2);
    expect(seen.mostPerOrg).toBe(1);
    expect(new Set(seen.ran).size).toBe(60);
    expect(await countJobs(db, 'done')).toBe(60);
  });

  it('polling: work another org queues while a long pass runs is served at the next claim', async () => {
    await queue('org-a', 'intake', 50);
    const ran: string[] = [];
    let finish: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const handler: JobHandler = async (job) => {
      ran.push(`${job.org_id}:${job.kind}`);
      if (ran.length === 3) {
        await queue('org-b', 'step', 1);
        runner.poke();
      }
      if (ran.length === 51) finish();
    };
    const runner = new JobRunner(db, clock, { intake: handler, step: handler }, silentLogger, { concurrency: 1 });
    runner.start(60_000);
    await finished;
    await runner.stop();
    expect(ran.indexOf('org-b:step')).toBe(3);
    expect(await countJobs(db, 'done')).toBe(51);
  });

  it("reads each payload through its kind's schema: one that does not parse fails for good, with the reason, and the handler never runs", async () => {
    await enqueueJob(db, { orgId: 'org-a', kind: 'step', key: 'step:good', payload: { orgId: 'org-a', leadId: 'lead-1', step: 0 }, runAt: clock.now() }, clock.now());
    await enqueueJob(db, { orgId: 'org-a', kind: 'step', key: 'step:bad', payload: { orgId: 'org-a', leadId: 'lead-1', step: -1 }, runAt: clock.now() }, clock.now());
    const ran: number[] = [];
    const runner = new JobRunner(db, clock, { step: handle('step', async ({ step }) => void ran.push(step)) }, silentLogger);
    await runner.runUntilIdle();
    expect(ran).toEqual([0]);
    const bad = await row(db, "SELECT status, last_error FROM jobs WHERE job_key = 'step:bad'");
    expect(bad).toEqual({ status: 'failed', last_error: 'bad step payload: step Too small: expected number to be >=0' });
  });

  it('polling: while one lane runs a long job, a free lane still takes work queued without a poke (as another process queues it)', async () => {
    await queue('org-a', 'intake', 1);
    let releaseLong: () => void;
    const long = new Promise<void>((resolve) => (releaseLong = resolve));
    let tookB: () => void;
    const bTaken = new Promise<void>((resolve) => (tookB = resolve));
    const runner = new JobRunner(db, clock, {
      intake: async () => long,
      step: async () => tookB(),
    }, silentLogger, { concurrency: 2 });
    runner.start(10);
    try {
      // A's job is running (it waits for us); B's work arrives with nobody poking the runner.
      await expect.poll(() => countJobs(db, 'running')).toBe(1);
      await queue('org-b', 'step', 1);
      await bTaken;
      // B is done while A's long job still runs.
      await expect.poll(() => countJobs(db, 'done')).toBe(1);
      expect((await rows<{ org_id: string }>(db, "SELECT org_id FROM jobs WHERE status = 'running'")).map((entry) => entry.org_id)).toEqual(['org-a']);
    } finally {
      releaseLong!();
      await runner.stop();
    }
  });

  it("finds a record's queued intake however many finished ones sort before it", async () => {
    const prefix = 'intake:org-a:Contacts:5725713000000001105:';
    await transaction(db, async (tx) => {
      for (let index = 100; index < 250; index += 1) await enqueueJob(tx, { orgId: 'org-a', kind: 'intake', key: `${prefix}inbox${index}`, payload: {}, runAt: 0 }, 0);
      await run(tx, "UPDATE jobs SET status = 'done'");
      // "inbox9" sorts after all 150 of them.
      await enqueueJob(tx, { orgId: 'org-a', kind: 'intake', key: `${prefix}inbox9`, payload: {}, runAt: 0 }, 0);
    });
    expect(await hasQueuedJob(db, prefix)).toBe(true);
    await run(db, "UPDATE jobs SET status = 'done'");
    expect(await hasQueuedJob(db, prefix)).toBe(false);
  });

  it('scheduleJob queues again a queued or finished job at the new time, and answers false for a running one (resume then queues a variant)', async () => {
    const job = { orgId: 'org-a', kind: 'step', key: 'step:lead-1:0', payload: {}, runAt: 1_000 };
    expect(await scheduleJob(db, job, 0)).toBe(true);
    expect(await scheduleJob(db, { ...job, runAt: 5_000 }, 0)).toBe(true);
    expect(await row(db, 'SELECT status, run_at FROM jobs WHERE job_key = ?', job.key)).toEqual({ status: 'queued', run_at: 5_000 });
    await run(db, "UPDATE jobs SET status = 'done'");
    expect(await scheduleJob(db, { ...job, runAt: 7_000 }, 0)).toBe(true);
    expect(await row(db, 'SELECT status, run_at FROM jobs WHERE job_key = ?', job.key)).toEqual({ status: 'queued', run_at: 7_000 });
    await run(db, "UPDATE jobs SET status = 'running'");
    expect(await scheduleJob(db, { ...job, runAt: 9_000 }, 0)).toBe(false);
    expect(await row(db, 'SELECT status, run_at FROM jobs WHERE job_key = ?', job.key)).toEqual({ status: 'running', run_at: 7_000 });
  });

  it('two runners on one database (two worker processes) never run two jobs of one org at once, and run every job once', async () => {
    const other = await openStore(options);
    try {
      for (const org of ['org-a', 'org-b']) await queue(org, 'intake', 10);
      const { handler, seen } = tracking();
      const one = new JobRunner(db, clock, { intake: handler }, silentLogger, { concurrency: 2 });
      const two = new JobRunner(other.db, clock, { intake: handler }, silentLogger, { concurrency: 2 });
      await Promise.all([one.runUntilIdle(), two.runUntilIdle()]);
      expect({ mostPerOrg: seen.mostPerOrg, most: seen.most, ran: seen.ran.length, distinct: new Set(seen.ran).size, done: await countJobs(db, 'done') }).toEqual({ mostPerOrg: 1, most: 2, ran: 20, distinct: 20, done: 20 });
    } finally {
      await other.close();
    }
  });
});
