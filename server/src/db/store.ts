import type Database from 'better-sqlite3';
import { CompiledQuery, type DatabaseConnection, Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, SqliteDriver, sql } from 'kysely';
import pg from 'pg';
import { type DialectName, schemaSql } from './dialect.js';
import { appMigrations } from './migrations.js';
import { type Migration, openDb } from './open-db.js';
import type { Schema } from './schema.js';

/**
 * The backend's database, whichever engine holds it. Repositories take a `Db`: the store's
 * handle or a transaction on it (a transaction is a Db too, so a repository never knows).
 */
export type Db = Kysely<Schema>;

export interface Store {
  readonly db: Db;
  readonly dialect: DialectName;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** postgres://… for PostgreSQL; otherwise SQLite at `path`. */
  url?: string;
  /** A SQLite file, or ':memory:'. */
  path?: string;
  /** PostgreSQL connections per process. */
  poolSize?: number;
}

/** How long a SQLite statement waits, in all, for another connection's write lock. */
const SQLITE_BUSY_WAIT_MS = 5_000;

const isBusy = (error: unknown) => error instanceof Error && 'code' in error && (error.code === 'SQLITE_BUSY' || error.code === 'SQLITE_BUSY_SNAPSHOT');

/**
 * Runs a statement, waiting (without blocking the event loop) while another connection holds
 * SQLite's write lock. better-sqlite3's own busy_timeout waits synchronously, which would freeze
 * the very process whose other connection must commit first; the store sets it to 0 and waits here.
 */
async function patiently<T>(run: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + SQLITE_BUSY_WAIT_MS;
  for (let pause = 2; ; pause = Math.min(pause * 2, 100)) {
    try {
      return await run();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/**
 * SQLite takes its write lock when a transaction begins (BEGIN IMMEDIATE), not at its first
 * write, so two connections never both read and then fail to upgrade their lock.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    return {
      executeQuery: (query) => patiently(() => connection.executeQuery(query)),
      streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
    };
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly database: Database.Database) {
    super({ database });
  }

  override createDriver(): SqliteDriver {
    return new ImmediateSqliteDriver({ database: this.database });
  }
}

/** PostgreSQL's 64-bit integers and numerics come back as numbers (our times are milliseconds, well inside 2^53). */
const INT8 = 20;
const NUMERIC = 1700;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** Opens the store and brings its schema to the latest migration (every process does; they take turns). */
export async function openStore(options: StoreOptions, migrations: readonly Migration[] = appMigrations): Promise<Store> {
  if (options.url && /^postgres(ql)?:\/\//.test(options.url)) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10, types: pgTypes });
    try {
      await migratePostgres(pool, migrations);
    } catch (error) {
      await pool.end();
      throw error;
    }
    const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  const database = openDb(options.path ?? ':memory:', migrations);
  database.pragma('busy_timeout = 0');
  const db = new Kysely<Schema>({ dialect: new ImmediateSqliteDialect(database) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/** Which engine a handle (or a transaction) speaks to, for the few statements that differ. */
/** Text as both engines can store it: PostgreSQL's text refuses NUL, which mail from outside may carry. */
export function storable<T extends string | null | undefined>(text: T): T {
  return (typeof text === 'string' ? text.replaceAll('\u0000', '') : text) as T;
}

/** The same for every text value of a row. */
export function storableRow<T extends object>(row: T): T {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'string' ? storable(value) : value])) as T;
}

export function dialectOf(db: Db): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** Runs `work` in a transaction, or inside the caller's when `db` already is one. */
export function transaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

/** The database answers (the health check). */
export async function ping(db: Db): Promise<void> {
  await sql`SELECT 1`.execute(db);
}

/** An arbitrary lock number that only our migrations take. */
const MIGRATION_LOCK = 7_246_100;

async function migratePostgres(pool: pg.Pool, migrations: readonly Migration[]): Promise<void> {
  const client = await pool.connect();
  try {
    // Processes starting together take turns; the second finds the work done.
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version BIGINT PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TEXT NOT NULL
    )`);
    const applied = new Set((await client.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map((row) => Number(row.version)));
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(schemaSql(migration.sql, 'postgres'));
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, new Date().toISOString()]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}
