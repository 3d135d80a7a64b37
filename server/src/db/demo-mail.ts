import { type Generated, Kysely, SqliteDialect } from 'kysely';
import { type Migration, openDb } from './open-db.js';

/**
 * The demo's own mail store (its own SQLite file, never the backend's database): what the
 * assistants sent (captured over SMTP) and what "leads" replied in the mail view. It is opened
 * with the synchronous SQLite opener (a demo-only capture never runs on PostgreSQL) and queried
 * through Kysely like every other repository.
 */
export const demoMailMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'demo-mail',
    sql: `
CREATE TABLE mails (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  direction TEXT NOT NULL,
  lead_email TEXT NOT NULL,
  assistant_email TEXT NOT NULL,
  assistant_name TEXT NOT NULL,
  subject TEXT NOT NULL,
  message_id TEXT,
  body TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX mails_by_lead ON mails (lead_email, id);
`,
  },
];

/** One email of the demo, either way. */
export interface MailRow {
  id: number;
  direction: 'out' | 'in';
  lead_email: string;
  assistant_email: string;
  assistant_name: string;
  subject: string;
  message_id: string | null;
  body: string;
  at: number;
}

interface DemoMailSchema {
  mails: Omit<MailRow, 'id'> & { id: Generated<number> };
}

export type DemoMailDb = Kysely<DemoMailSchema>;

/** Opens (creating when needed) the demo's mail file. */
export function openDemoMail(path: string): { db: DemoMailDb; close(): Promise<void> } {
  const db = new Kysely<DemoMailSchema>({ dialect: new SqliteDialect({ database: openDb(path, demoMailMigrations) }) });
  return { db, close: () => db.destroy() };
}

export async function saveMail(db: DemoMailDb, mail: Omit<MailRow, 'id'>): Promise<void> {
  await db.insertInto('mails').values(mail).execute();
}

/** Every email, oldest first. */
export async function listMails(db: DemoMailDb): Promise<MailRow[]> {
  return db.selectFrom('mails').selectAll().orderBy('id').execute();
}

/** An email an assistant sent, by id (what a reply in the mail view answers). */
export async function findSentMail(db: DemoMailDb, id: number): Promise<MailRow | undefined> {
  return db.selectFrom('mails').selectAll().where('id', '=', id).where('direction', '=', 'out').executeTakeFirst();
}
