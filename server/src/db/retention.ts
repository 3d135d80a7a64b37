import type { Db } from './store.js';

/**
 * What retention prunes (engine/retention.ts decides when), raw mail aside (db/inbound.ts empties
 * it): each answers how many rows it changed.
 */

/** Deletes the org's notification bodies received before `before`. */
export async function deleteInboxBefore(db: Db, orgId: string, before: number): Promise<number> {
  const result = await db.deleteFrom('inbox').where('org_id', '=', orgId).where('received_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes the org's jobs done (not failed) and last touched before `before`. */
export async function deleteDoneJobsBefore(db: Db, orgId: string, before: number): Promise<number> {
  const result = await db.deleteFrom('jobs').where('org_id', '=', orgId).where('status', '=', 'done').where('updated_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Empties the payload of the org's notes, record updates and record creates delivered before `before` (the row stays). */
export async function emptyDeliveredPayloads(db: Db, orgId: string, before: number): Promise<number> {
  const result = await db
    .updateTable('outbox')
    .set({ payload: '{}' })
    .where('org_id', '=', orgId)
    .where('kind', 'in', ['note', 'update', 'create'])
    .where('status', '=', 'done')
    .where('done_at', '<', before)
    .where('payload', '<>', '{}')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
