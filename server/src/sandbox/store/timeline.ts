import type { Db } from '../../db/open-db.js';

export interface FieldChange {
  api_name: string;
  field_label: string;
  data_type: string;
  field_id: string;
  old: string | null;
  new: string | null;
}

export interface TimelineRow {
  org_id: string;
  id: string;
  module: string;
  record_id: string;
  action: string;
  source: string;
  done_by: string;
  audited_time: number;
  field_history: string | null;
  related_record: string | null;
}

export function insertTimeline(db: Db, row: TimelineRow): void {
  db.prepare(
    `INSERT INTO timeline (org_id, id, module, record_id, action, source, done_by, audited_time, field_history, related_record)
     VALUES (@org_id, @id, @module, @record_id, @action, @source, @done_by, @audited_time, @field_history, @related_record)`,
  ).run(row);
}

export function listTimeline(db: Db, orgId: string, recordId: string): TimelineRow[] {
  return db
    .prepare('SELECT * FROM timeline WHERE org_id = ? AND record_id = ? ORDER BY audited_time, id')
    .all(orgId, recordId) as TimelineRow[];
}
