import type { Db } from '../../db/open-db.js';

export interface VariableRow {
  org_id: string;
  id: string;
  api_name: string;
  name: string;
  type: string;
  value: string | null;
  description: string | null;
  group_api_name: string;
}

export function listVariables(db: Db, orgId: string): VariableRow[] {
  return db.prepare('SELECT * FROM variables WHERE org_id = ? ORDER BY id').all(orgId) as VariableRow[];
}

/** Zoho addresses a variable by its id or its API name. */
export function findVariable(db: Db, orgId: string, idOrApiName: string): VariableRow | undefined {
  return db
    .prepare('SELECT * FROM variables WHERE org_id = ? AND (id = ? OR api_name = ?)')
    .get(orgId, idOrApiName, idOrApiName) as VariableRow | undefined;
}

export function insertVariable(db: Db, row: VariableRow): void {
  db.prepare(
    `INSERT INTO variables (org_id, id, api_name, name, type, value, description, group_api_name)
     VALUES (@org_id, @id, @api_name, @name, @type, @value, @description, @group_api_name)`,
  ).run(row);
}

export function updateVariable(db: Db, row: VariableRow): void {
  db.prepare('UPDATE variables SET name = @name, value = @value, description = @description WHERE org_id = @org_id AND id = @id').run(row);
}

export function deleteVariable(db: Db, orgId: string, id: string): void {
  db.prepare('DELETE FROM variables WHERE org_id = ? AND id = ?').run(orgId, id);
}
