import type { Db } from '../../db/open-db.js';

export interface RecordRow {
  org_id: string;
  module: string;
  id: string;
  owner_id: string;
  data: string;
  created_by: string;
  created_time: number;
  modified_by: string;
  modified_time: number;
}

/** A CRM record as stored: system columns plus field values (lookups kept as the target's id). */
export interface StoredRecord {
  orgId: string;
  module: string;
  id: string;
  ownerId: string;
  values: Record<string, unknown>;
  createdBy: string;
  createdTime: number;
  modifiedBy: string;
  modifiedTime: number;
}

function fromRow(row: RecordRow): StoredRecord {
  return {
    orgId: row.org_id,
    module: row.module,
    id: row.id,
    ownerId: row.owner_id,
    values: JSON.parse(row.data) as Record<string, unknown>,
    createdBy: row.created_by,
    createdTime: row.created_time,
    modifiedBy: row.modified_by,
    modifiedTime: row.modified_time,
  };
}

export function getRecord(db: Db, orgId: string, module: string, id: string): StoredRecord | undefined {
  const row = db.prepare('SELECT * FROM records WHERE org_id = ? AND module = ? AND id = ?').get(orgId, module, id) as
    | RecordRow
    | undefined;
  return row ? fromRow(row) : undefined;
}

/** Any record of the org, whatever its module (note parents, lookups by id). */
export function getAnyRecord(db: Db, orgId: string, id: string): StoredRecord | undefined {
  const row = db.prepare('SELECT * FROM records WHERE org_id = ? AND id = ?').get(orgId, id) as RecordRow | undefined;
  return row ? fromRow(row) : undefined;
}

export function listRecords(db: Db, orgId: string, module: string): StoredRecord[] {
  return (db.prepare('SELECT * FROM records WHERE org_id = ? AND module = ? ORDER BY id').all(orgId, module) as RecordRow[]).map(
    fromRow,
  );
}

export function insertRecord(db: Db, record: StoredRecord): void {
  db.prepare(
    `INSERT INTO records (org_id, module, id, owner_id, data, created_by, created_time, modified_by, modified_time)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    record.orgId,
    record.module,
    record.id,
    record.ownerId,
    JSON.stringify(record.values),
    record.createdBy,
    record.createdTime,
    record.modifiedBy,
    record.modifiedTime,
  );
}

export function saveRecord(db: Db, record: StoredRecord): void {
  db.prepare(
    `UPDATE records SET owner_id = ?, data = ?, modified_by = ?, modified_time = ?
     WHERE org_id = ? AND module = ? AND id = ?`,
  ).run(record.ownerId, JSON.stringify(record.values), record.modifiedBy, record.modifiedTime, record.orgId, record.module, record.id);
}

export function deleteRecord(db: Db, orgId: string, module: string, id: string): void {
  db.prepare('DELETE FROM records WHERE org_id = ? AND module = ? AND id = ?').run(orgId, module, id);
  db.prepare('DELETE FROM notes WHERE org_id = ? AND parent_id = ?').run(orgId, id);
}
