import Database from 'better-sqlite3';

export type Db = Database.Database;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Opens (creating when needed) a SQLite database and brings it to the latest migration.
 * Production and tests use this one function; tests pass ':memory:'.
 */
export function openDb(path: string, migrations: readonly Migration[]): Db {
  const db = cachingStatements(new Database(path));
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  // better-sqlite3 leaves WAL at NORMAL; FULL makes every commit durable before we acknowledge it.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  try {
    migrate(db, migrations);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** How many distinct statements a connection keeps compiled (the SQL text is the key). */
const STATEMENT_CACHE = 1_000;

/**
 * better-sqlite3 compiles a statement on every prepare(); the hot paths (a webhook's eight
 * statements, every job claim) prepare the same SQL again and again. The connection keeps each
 * compiled statement by its text and hands it out again with its result mode reset (pluck, raw,
 * expand), so a caller never sees another caller's mode. Nothing here iterates a statement, which
 * would make a shared one busy.
 */
function cachingStatements(db: Db): Db {
  const compile = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    const cached = cache.get(sql);
    if (cached) {
      if (cached.reader) cached.raw(false).expand(false).pluck(false);
      return cached;
    }
    const statement = compile(sql);
    if (cache.size < STATEMENT_CACHE) cache.set(sql, statement);
    return statement;
  }) as Db['prepare'];
  return db;
}

function migrate(db: Db, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = new Set(
    db.prepare('SELECT version FROM schema_migrations').all().map((row) => (row as { version: number }).version),
  );
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  for (const migration of ordered) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    })();
  }
}

/** The database answers (the health check). */
export function ping(db: Db): void {
  db.prepare('SELECT 1').get();
}
