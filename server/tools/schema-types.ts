/**
 * Writes server/src/db/schema.ts, the Kysely table types, from the migrations (the one source of
 * the schema): it migrates an in-memory SQLite database and reads each table's columns back.
 * `npm run db-types` rewrites it; a test fails when it is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { appMigrations } from '../src/db/migrations.js';
import { openDb } from '../src/db/open-db.js';

/** Columns whose stored text is one of a few words: their TypeScript type says which. */
const WORDS: Record<string, string> = {
  'jobs.status': "'queued' | 'running' | 'done' | 'failed'",
  'leads.status': "'active' | 'paused' | 'handed_back' | 'stopped'",
  'outbox.kind': "'email' | 'note' | 'update' | 'create'",
  'outbox.status': "'draft' | 'pending' | 'sending' | 'done' | 'unconfirmed' | 'failed' | 'skipped' | 'expired'",
  'assistants.approval': "'auto' | 'first' | 'every'",
  'inbound_messages.status': "'received' | 'processed' | 'unmatched' | 'ignored'",
};

interface Column {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

function typeOf(table: string, column: Column): string {
  const words = WORDS[`${table}.${column.name}`];
  if (words) return words;
  switch (column.type.toUpperCase()) {
    case 'INTEGER':
    case 'REAL':
      return 'number';
    case 'BLOB':
      return 'Buffer';
    default:
      return 'string';
  }
}

function pascal(name: string): string {
  return name.replace(/(^|_)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());
}

export function schemaTypes(): string {
  const db = openDb(':memory:', appMigrations);
  try {
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string; sql: string }[];
    const lines = [
      '// Written by `npm run db-types` from server/src/db/migrations.ts; do not edit by hand.',
      "import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';",
      '',
    ];
    for (const table of tables) {
      const columns = db.prepare(`SELECT * FROM pragma_table_info(?)`).all(table.name) as Column[];
      const autoincrement = /INTEGER PRIMARY KEY AUTOINCREMENT/i.test(table.sql);
      lines.push(`export interface ${pascal(table.name)}Table {`);
      for (const column of columns) {
        let type = typeOf(table.name, column);
        if (column.notnull === 0 && column.pk === 0) type = `${type} | null`;
        if (column.pk === 1 && autoincrement) type = `Generated<${type}>`;
        else if (column.dflt_value !== null) type = `ColumnType<${type}, ${type} | undefined, ${type}>`;
        lines.push(`  ${column.name}: ${type};`);
      }
      lines.push('}', '');
    }
    lines.push('export interface Schema {');
    for (const table of tables) lines.push(`  ${table.name}: ${pascal(table.name)}Table;`);
    lines.push('}', '');
    for (const table of tables) {
      const name = pascal(table.name);
      lines.push(`export type ${name}Row = Selectable<${name}Table>;`);
      lines.push(`export type New${name}Row = Insertable<${name}Table>;`);
      lines.push(`export type ${name}Changes = Updateable<${name}Table>;`);
    }
    lines.push('');
    return lines.join('\n');
  } finally {
    db.close();
  }
}

export const SCHEMA_FILE = fileURLToPath(new URL('../src/db/schema.ts', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, schemaTypes());
  console.log(`wrote ${SCHEMA_FILE}`);
}
