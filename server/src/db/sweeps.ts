import type { Db } from './store.js';

/** The polling sweep's memory: when each org was last swept (in Zoho's time), and what it rechecks. */

/** When the org was last swept, if ever. */
export async function lastSwept(db: Db, orgId: string): Promise<number | undefined> {
  const row = await db.selectFrom('sweeps').select('last_swept_at').where('org_id', '=', orgId).executeTakeFirst();
  return row?.last_swept_at;
}

/** Records that the org was swept up to `at`. */
export async function saveSwept(db: Db, orgId: string, at: number): Promise<void> {
  await db
    .insertInto('sweeps')
    .values({ org_id: orgId, last_swept_at: at })
    .onConflict((oc) => oc.column('org_id').doUpdateSet((eb) => ({ last_swept_at: eb.ref('excluded.last_swept_at') })))
    .execute();
}

/** The Zoho record ids of the org's leads being worked (active or paused) in `module`. */
export async function workedRecordIds(db: Db, orgId: string, module: string): Promise<string[]> {
  const rows = await db.selectFrom('leads').select('zoho_record_id').where('org_id', '=', orgId).where('zoho_module', '=', module).where('status', 'in', ['active', 'paused']).execute();
  return rows.map((row) => row.zoho_record_id);
}
