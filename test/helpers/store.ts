import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { inject } from 'vitest';
import type { DialectName } from '../../server/src/db/dialect.js';
import { type Db, type Store, type StoreOptions, openStore } from '../../server/src/db/store.js';
import { createDatabase } from './postgres.js';

/**
 * The database the storage and engine suites run on: SQLite in memory, or — in the PostgreSQL
 * project of vitest.config.ts — a fresh database in the private cluster the global setup started.
 */
export function testDialect(): DialectName {
  return process.env.TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
}

/** A fresh, migrated, empty store: every call gets its own database. */
export async function testStore(options: Omit<StoreOptions, 'url'> = {}): Promise<Store> {
  if (testDialect() === 'sqlite') return openStore({ path: ':memory:', ...options });
  return openStore({ ...options, url: await freshPostgresDatabase() });
}

/** Options that open the same database again from another connection (another process's view). */
export async function sharedStoreOptions(sqlitePath: string): Promise<StoreOptions> {
  return testDialect() === 'sqlite' ? { path: sqlitePath } : { url: await freshPostgresDatabase() };
}

export async function freshPostgresDatabase(): Promise<string> {
  const admin = inject('postgresUrl');
  if (!admin) throw new Error('TEST_DIALECT=postgres needs the PostgreSQL global setup (test/postgres-setup.ts)');
  return createDatabase(admin, `test_${randomBytes(6).toString('hex')}`);
}

/** A statement with `?` placeholders, bound to `params` (tests read and arrange rows with SQL). */
function statement<T>(text: string, params: unknown[]) {
  const parts = text.split('?');
  if (parts.length !== params.length + 1) throw new Error(`${parts.length - 1} placeholders, ${params.length} values: ${text}`);
  const strings = Object.assign([...parts], { raw: [...parts] }) as unknown as TemplateStringsArray;
  return sql<T>(strings, ...params);
}

export async function rows<T = Record<string, unknown>>(db: Db, text: string, ...params: unknown[]): Promise<T[]> {
  return (await statement<T>(text, params).execute(db)).rows;
}

export async function row<T = Record<string, unknown>>(db: Db, text: string, ...params: unknown[]): Promise<T | undefined> {
  return (await rows<T>(db, text, ...params))[0];
}

/** One value: the first column of the first row. */
export async function value<T = unknown>(db: Db, text: string, ...params: unknown[]): Promise<T | undefined> {
  const first = await row(db, text, ...params);
  return first ? (Object.values(first)[0] as T) : undefined;
}

/** Runs a write; answers how many rows it changed. */
export async function run(db: Db, text: string, ...params: unknown[]): Promise<number> {
  return Number((await statement(text, params).execute(db)).numAffectedRows ?? 0);
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string | undefined;
  }
}
