import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Migration, openDb } from '../../server/src/db/open-db.js';

const migrations: Migration[] = [
  { version: 2, name: 'add-note', sql: 'ALTER TABLE things ADD COLUMN note TEXT' },
  { version: 1, name: 'things', sql: 'CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL)' },
];

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('openDb', () => {
  it('applies migrations in order, once, on a file in WAL mode with FULL sync and foreign keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'open-db-'));
    dirs.push(dir);
    const path = join(dir, 'app.sqlite');
    const db = openDb(path, migrations);
    db.prepare("INSERT INTO things (name, note) VALUES ('a', 'b')").run();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();

    const reopened = openDb(path, migrations);
    expect(reopened.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual([{ version: 1 }, { version: 2 }]);
    expect(reopened.prepare('SELECT name, note FROM things').all()).toEqual([{ name: 'a', note: 'b' }]);
    reopened.close();
  });

  it('rolls a failing migration back whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'open-db-'));
    dirs.push(dir);
    const path = join(dir, 'app.sqlite');
    const first: Migration = { version: 1, name: 'things', sql: 'CREATE TABLE things (id INTEGER PRIMARY KEY)' };
    openDb(path, [first]).close();
    const broken: Migration = { version: 2, name: 'broken', sql: 'CREATE TABLE other (id INTEGER); ALTER TABLE nowhere ADD COLUMN x TEXT' };
    expect(() => openDb(path, [first, broken])).toThrow(/nowhere/);
    const db = openDb(path, [first]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'other'").all()).toEqual([]);
    expect(db.prepare('SELECT version FROM schema_migrations').all()).toEqual([{ version: 1 }]);
    db.close();
  });

  it("hands out a compiled statement again, with its result mode reset, so callers never see each other's pluck or raw", () => {
    const db = openDb(':memory:', migrations);
    db.prepare("INSERT INTO things (name, note) VALUES ('a', 'b')").run();
    const sql = 'SELECT name, note FROM things';
    expect(db.prepare(sql)).toBe(db.prepare(sql));
    expect(db.prepare(sql).pluck().get()).toBe('a');
    expect(db.prepare(sql).get()).toEqual({ name: 'a', note: 'b' });
    expect(db.prepare(sql).raw().get()).toEqual(['a', 'b']);
    expect(db.prepare(sql).get()).toEqual({ name: 'a', note: 'b' });
    db.close();
  });
});
