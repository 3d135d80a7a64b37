import type { Db } from '../../db/open-db.js';

export interface ModuleRow {
  org_id: string;
  api_name: string;
  id: string;
  singular_label: string;
  plural_label: string;
  sequence_number: number;
  modified_time: number;
}

export function listModules(db: Db, orgId: string): ModuleRow[] {
  return db.prepare('SELECT * FROM modules WHERE org_id = ? ORDER BY sequence_number').all(orgId) as ModuleRow[];
}

export function moduleIds(db: Db, orgId: string): Map<string, string> {
  return new Map(listModules(db, orgId).map((row) => [row.api_name, row.id]));
}

/** Field changes move the module's modified time, which `If-Modified-Since` on modules reads. */
export function touchModule(db: Db, orgId: string, module: string, now: number): void {
  db.prepare('UPDATE modules SET modified_time = ? WHERE org_id = ? AND api_name = ?').run(now, orgId, module);
}
