import { isRecordWorked } from '../db/leads.js';
import { getOrg } from '../db/orgs.js';
import { ZohoAuthorizationError } from '../zoho/errors.js';
import { WORKED_MODULES } from '../domain/modules.js';
import { connectionOf } from '../db/orgs.js';
import { scheduleJob } from '../db/jobs.js';
import { lastSwept, saveSwept, workedRecordIds } from '../db/sweeps.js';
import { SWEEP_INTERVAL_MS, type EngineDeps } from './context.js';
import { assistantsWithUsers, queueIntake } from './intake.js';
import { jobOf } from './job-kinds.js';

const OVERLAP_MS = 2 * 60 * 1000;

function zohoDateTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
}

/** Queues the org's sweep for `runAt`, or moves its queued one there. */
export async function scheduleSweep(deps: EngineDeps, orgId: string, runAt: number): Promise<void> {
  await scheduleJob(deps.db, jobOf('sweep', { orgId }, runAt), deps.clock.now());
}

const COQL_PAGE = 200;
/** At most 10,000 records per module per sweep (COQL's offset ceiling is far above this). */
const SWEEP_MAX_PAGES = 50;

/**
 * The polling fallback: records owned by an assistant's user, and records of leads being worked,
 * modified since the last sweep (with some overlap), go through intake as a notification would.
 * Then the next sweep is scheduled.
 */
export async function sweepOrg(deps: EngineDeps, orgId: string): Promise<number> {
  const org = await getOrg(deps.db, orgId);
  if (!org || org.status === 'disconnected') return 0;
  if (org.status !== 'active') throw new ZohoAuthorizationError(`org ${orgId} needs re-authorization`);
  const now = deps.clock.now();
  // The window is in Zoho's time: with a sped-up engine clock (the demo, black-box runs) a window in
  // engine time would lie in Zoho's future and find nothing, and assignments made while the backend
  // was down would be lost.
  const zohoNow = (deps.zohoClock ?? deps.clock).now();
  const since = ((await lastSwept(deps.db, orgId)) ?? zohoNow - SWEEP_INTERVAL_MS) - OVERLAP_MS;
  const userIds = (await assistantsWithUsers(deps, org)).map((assistant) => assistant.zoho_user_id).filter((id): id is string => Boolean(id));
  let queued = 0;
  const queue = async (module: string, rows: Record<string, unknown>[], skipWorking: boolean) => {
    for (const row of rows) {
      if (skipWorking && (await isRecordWorked(deps.db, orgId, module, String(row.id)))) continue;
      if (await queueIntake(deps, orgId, module, String(row.id), String(row.Modified_Time ?? now), skipWorking ? 'assigned' : 'changed', now)) queued += 1;
    }
  };
  for (const module of WORKED_MODULES) {
    if (userIds.length === 0) continue;
    const owners = userIds.map((id) => `'${id}'`).join(', ');
    // Assigned to an assistant and not yet being worked: new assignments (and repeats for the guard).
    // Paged by id so a busy window (a bulk reassignment of thousands) is not cut at 200.
    for (let page = 0; page < SWEEP_MAX_PAGES; page += 1) {
      const rows = await deps.gateway.coql(
        connectionOf(org),
        `select id, Modified_Time from ${module} where Owner in (${owners}) and Modified_Time >= '${zohoDateTime(since)}' order by id asc limit ${String(page * COQL_PAGE)}, ${String(COQL_PAGE)}`,
      );
      await queue(module, rows, true);
      if (rows.length < COQL_PAGE) break;
      if (page === SWEEP_MAX_PAGES - 1) deps.logger.warn('sweep stopped paging; the rest waits for notifications or the next sweep', { orgId, module, rows: SWEEP_MAX_PAGES * COQL_PAGE });
    }
    // Being worked but no longer owned by an assistant (a person took it back), or opted out.
    const worked = await workedRecordIds(deps.db, orgId, module);
    for (let start = 0; start < worked.length; start += 100) {
      const ids = worked.slice(start, start + 100).map((id) => `'${id}'`).join(', ');
      // Owner taken back, or (Leads, Contacts) Email_Opt_Out set in Zoho: intake decides which.
      const changed = module === 'Deals' ? `Owner not in (${owners})` : `(Owner not in (${owners}) or Email_Opt_Out = true)`;
      await queue(module, await deps.gateway.coql(connectionOf(org), `select id, Modified_Time from ${module} where id in (${ids}) and ${changed} limit 200`), false);
    }
  }
  await saveSwept(deps.db, orgId, zohoNow);
  return queued;
}
