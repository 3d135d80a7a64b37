import type { Db } from '../../db/open-db.js';

export interface NoteRow {
  org_id: string;
  id: string;
  parent_module: string;
  parent_id: string;
  title: string | null;
  content: string;
  owner_id: string;
  created_by: string;
  created_time: number;
  modified_by: string;
  modified_time: number;
}

export function insertNote(db: Db, note: NoteRow): void {
  db.prepare(
    `INSERT INTO notes (org_id, id, parent_module, parent_id, title, content, owner_id, created_by, created_time, modified_by, modified_time)
     VALUES (@org_id, @id, @parent_module, @parent_id, @title, @content, @owner_id, @created_by, @created_time, @modified_by, @modified_time)`,
  ).run(note);
}

export function updateNote(db: Db, note: NoteRow): void {
  db.prepare(
    `UPDATE notes SET title = @title, content = @content, modified_by = @modified_by, modified_time = @modified_time
     WHERE org_id = @org_id AND id = @id`,
  ).run(note);
}

export function getNote(db: Db, orgId: string, id: string): NoteRow | undefined {
  return db.prepare('SELECT * FROM notes WHERE org_id = ? AND id = ?').get(orgId, id) as NoteRow | undefined;
}

export function deleteNote(db: Db, orgId: string, id: string): void {
  db.prepare('DELETE FROM notes WHERE org_id = ? AND id = ?').run(orgId, id);
}

/** Oldest first, as Zoho lists notes unless a user chose "Recent First". */
export function listNotesOf(db: Db, orgId: string, parentId: string): NoteRow[] {
  return db
    .prepare('SELECT * FROM notes WHERE org_id = ? AND parent_id = ? ORDER BY created_time, id')
    .all(orgId, parentId) as NoteRow[];
}

export function listAllNotes(db: Db, orgId: string): NoteRow[] {
  return db.prepare('SELECT * FROM notes WHERE org_id = ? ORDER BY created_time, id').all(orgId) as NoteRow[];
}
