import type { Db } from './store.js';

/** How long a choice made in the widget waits for its assignment to reach intake. */
export const SEQUENCE_REQUEST_TTL_MS = 60 * 60 * 1000;

/** Records (or replaces) the sequence chosen for a record that is about to be assigned. */
export async function requestSequence(db: Db, request: { orgId: string; module: string; recordId: string; sequenceId: string; by: string | null }, now: number): Promise<void> {
  await db
    .insertInto('sequence_requests')
    .values({ org_id: request.orgId, zoho_module: request.module, zoho_record_id: request.recordId, sequence_id: request.sequenceId, requested_by: request.by, requested_at: now })
    .onConflict((oc) =>
      oc.columns(['org_id', 'zoho_module', 'zoho_record_id']).doUpdateSet((eb) => ({
        sequence_id: eb.ref('excluded.sequence_id'),
        requested_by: eb.ref('excluded.requested_by'),
        requested_at: eb.ref('excluded.requested_at'),
      })),
    )
    .execute();
}

/** The sequence chosen for a record within the last hour, if any. */
export async function requestedSequenceOf(db: Db, orgId: string, module: string, recordId: string, now: number): Promise<string | undefined> {
  const found = await db
    .selectFrom('sequence_requests')
    .select('sequence_id')
    .where('org_id', '=', orgId)
    .where('zoho_module', '=', module)
    .where('zoho_record_id', '=', recordId)
    .where('requested_at', '>', now - SEQUENCE_REQUEST_TTL_MS)
    .executeTakeFirst();
  return found?.sequence_id;
}

/** The choice is used (or stale): forget it. */
export async function forgetSequenceRequest(db: Db, orgId: string, module: string, recordId: string): Promise<void> {
  await db.deleteFrom('sequence_requests').where('org_id', '=', orgId).where('zoho_module', '=', module).where('zoho_record_id', '=', recordId).execute();
}
