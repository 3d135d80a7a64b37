import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasQueuedJob } from '../../server/src/db/jobs.js';
import { type Store, transaction } from '../../server/src/db/store.js';
import { testStore } from '../helpers/store.js';

/** What PostgreSQL alone needs of the schema: SQLite's plans are checked where its queries are written. */
describe('PostgreSQL indexes', () => {
  let store: Store;
  beforeAll(async () => {
    store = await testStore();
  });
  afterAll(async () => {
    await store.close();
  });

  it("finds a record's jobs by key prefix through an index (migration 8), not by reading the table", async () => {
    const plan = await transaction(store.db, async (tx) => {
      // The table is tiny, so the planner would read it whole anyway: forbid that, to see whether an index can serve.
      await sql`SET LOCAL enable_seqscan = off`.execute(tx);
      const explained = await sql<{ 'QUERY PLAN': string }>`EXPLAIN SELECT status FROM jobs WHERE job_key LIKE ${'intake:org-1:Leads:1%'}`.execute(tx);
      return explained.rows.map((line) => line['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('jobs_key_prefix');
    expect(plan).not.toContain('Seq Scan');
  });

  it('matches the prefix literally: LIKE wildcards in a key are not wildcards', async () => {
    const now = 1_780_000_000_000;
    await store.db.insertInto('jobs').values({ org_id: 'org-1', kind: 'intake', job_key: 'intake:org-1:Leads:1Xb', payload: '{}', run_at: now, status: 'queued', attempts: 0, max_attempts: 5, created_at: now, updated_at: now }).execute();
    expect(await hasQueuedJob(store.db, 'intake:org-1:Leads:1')).toBe(true);
    expect(await hasQueuedJob(store.db, 'intake:org-1:Leads:1_b')).toBe(false);
    expect(await hasQueuedJob(store.db, 'intake:org-1:Leads:%')).toBe(false);
  });
});
