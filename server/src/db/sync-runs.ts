import type { NewSyncRecordsRow, SyncRecordsRow, SyncRunsRow } from './schema.js';
import { type Db, dialectOf, transaction } from './store.js';

/** A connector run, as the API shows it. */
export type SyncRun = Pick<SyncRunsRow, 'id' | 'trigger' | 'dry_run' | 'status' | 'started_at' | 'finished_at' | 'created' | 'updated' | 'skipped' | 'rejected' | 'api_calls' | 'error'>;

const RUN_COLUMNS = ['id', 'trigger', 'dry_run', 'status', 'started_at', 'finished_at', 'created', 'updated', 'skipped', 'rejected', 'api_calls', 'error'] as const;

/** What a run did to one record, as logged. */
export type SyncRecordEntry = Pick<SyncRecordsRow, 'entity' | 'our_id' | 'zoho_id' | 'action' | 'reason' | 'fields' | 'at'>;

export interface OpenRun {
  orgId: string;
  trigger: string;
  dryRun: boolean;
  now: number;
  /** Runs started before this are deleted (with their records). */
  keepSince: number;
}

/**
 * Starts a run, or — for a real run — resumes the org's unfinished one (left `running` when Zoho
 * interrupted it). Old runs are pruned first. One transaction, the org's row locked on PostgreSQL,
 * so two runs starting together never both decide there is nothing to resume.
 */
export async function openRun(db: Db, run: OpenRun): Promise<number> {
  return transaction(db, async (tx) => {
    if (dialectOf(tx) === 'postgres') await tx.selectFrom('orgs').select('id').where('id', '=', run.orgId).forUpdate().execute();
    await tx.deleteFrom('sync_runs').where('org_id', '=', run.orgId).where('started_at', '<', run.keepSince).execute();
    if (!run.dryRun) {
      const unfinished = await tx
        .selectFrom('sync_runs')
        .select('id')
        .where('org_id', '=', run.orgId)
        .where('dry_run', '=', 0)
        .where('status', '=', 'running')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (unfinished) return unfinished.id;
    }
    const inserted = await tx
      .insertInto('sync_runs')
      .values({ org_id: run.orgId, trigger: run.trigger, dry_run: run.dryRun ? 1 : 0, status: 'running', started_at: run.now })
      .returning('id')
      .executeTakeFirstOrThrow();
    return inserted.id;
  });
}

/** One of the org's runs. */
export async function findRun(db: Db, orgId: string, id: number): Promise<SyncRun | undefined> {
  return db.selectFrom('sync_runs').select(RUN_COLUMNS).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

/** The org's latest runs, newest first. */
export async function latestRuns(db: Db, orgId: string, limit: number): Promise<SyncRun[]> {
  return db.selectFrom('sync_runs').select(RUN_COLUMNS).where('org_id', '=', orgId).orderBy('id', 'desc').limit(limit).execute();
}

/** Rows per INSERT: well inside both engines' bound-parameter limits (9 columns each). */
const RECORDS_PER_INSERT = 500;

/** Logs records of a run, all or none (in chunks of RECORDS_PER_INSERT). */
export async function insertSyncRecords(db: Db, records: readonly NewSyncRecordsRow[]): Promise<void> {
  if (records.length === 0) return;
  await transaction(db, async (tx) => {
    for (let start = 0; start < records.length; start += RECORDS_PER_INSERT) {
      await tx.insertInto('sync_records').values(records.slice(start, start + RECORDS_PER_INSERT)).execute();
    }
  });
}

/** The records a run logged already, as `entity:our_id` (a resumed run skips them). */
export async function loggedKeys(db: Db, runId: number): Promise<Set<string>> {
  const found = await db.selectFrom('sync_records').select(['entity', 'our_id']).where('run_id', '=', runId).execute();
  return new Set(found.map((row) => `${row.entity}:${row.our_id}`));
}

/** How many of a run's records each action took. */
export async function countRecordsByAction(db: Db, runId: number): Promise<Map<string, number>> {
  const found = await db
    .selectFrom('sync_records')
    .select((eb) => ['action', eb.fn.countAll<number>().as('n')])
    .where('run_id', '=', runId)
    .groupBy('action')
    .execute();
  return new Map(found.map((row) => [row.action, Number(row.n)]));
}

/** Every record a run logged, in order. */
export async function runRecordEntries(db: Db, runId: number): Promise<SyncRecordEntry[]> {
  return db.selectFrom('sync_records').select(['entity', 'our_id', 'zoho_id', 'action', 'reason', 'fields', 'at']).where('run_id', '=', runId).orderBy('id').execute();
}

/** One run's records (at most 1,000), optionally one action or entity only. */
export async function findRunRecords(db: Db, orgId: string, runId: number, filter: { action?: string; entity?: string }): Promise<SyncRecordEntry[]> {
  let query = db.selectFrom('sync_records').select(['entity', 'our_id', 'zoho_id', 'action', 'reason', 'fields', 'at']).where('org_id', '=', orgId).where('run_id', '=', runId);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.entity) query = query.where('entity', '=', filter.entity);
  return query.orderBy('id').limit(1000).execute();
}

/** Saves how many Zoho calls a run has made so far. */
export async function saveRunCalls(db: Db, runId: number, calls: number): Promise<void> {
  await db.updateTable('sync_runs').set({ api_calls: calls }).where('id', '=', runId).execute();
}

/** Notes why a run stopped; it stays `running`, to be resumed. */
export async function noteRunError(db: Db, runId: number, error: string): Promise<void> {
  await db.updateTable('sync_runs').set({ error }).where('id', '=', runId).execute();
}

/** Ends a run as failed. */
export async function failRun(db: Db, runId: number, now: number, error: string): Promise<void> {
  await db.updateTable('sync_runs').set({ status: 'failed', finished_at: now, error }).where('id', '=', runId).execute();
}

export interface RunCounts {
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  api_calls: number;
}

/** Ends a run as done, with its counts. */
export async function finishRun(db: Db, runId: number, now: number, counts: RunCounts): Promise<void> {
  await db.updateTable('sync_runs').set({ status: 'done', finished_at: now, ...counts }).where('id', '=', runId).execute();
}

/** Ends the org's runs left `running`, saying why. */
export async function failRunningRuns(db: Db, orgId: string, now: number, error: string): Promise<void> {
  await db.updateTable('sync_runs').set({ status: 'failed', finished_at: now, error }).where('org_id', '=', orgId).where('status', '=', 'running').execute();
}
