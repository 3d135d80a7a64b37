import type { NewSegmentsRow, SegmentsRow } from './schema.js';
import type { Db } from './store.js';

/** A saved segment as stored: its conditions are JSON. */
export type SegmentRecord = Pick<SegmentsRow, 'id' | 'name' | 'entity' | 'conditions'>;

/** The org's segments, oldest first. */
export async function listSegmentRecords(db: Db, orgId: string): Promise<SegmentRecord[]> {
  return db.selectFrom('segments').select(['id', 'name', 'entity', 'conditions']).where('org_id', '=', orgId).orderBy('created_at').orderBy('name').execute();
}

/** Inserts a segment; answers false when the org already has one of that name. */
export async function insertSegment(db: Db, segment: NewSegmentsRow): Promise<boolean> {
  const result = await db
    .insertInto('segments')
    .values(segment)
    .onConflict((oc) => oc.columns(['org_id', 'name']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Deletes one of the org's segments; answers whether there was one. */
export async function deleteSegmentRecord(db: Db, orgId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('segments').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
