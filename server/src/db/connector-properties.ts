import type { LeadsRow } from './schema.js';
import type { Db } from './store.js';

// What the connector computes its properties from: the org's leads, assistants, sequences and mail.

/** Every lead of the org, the most recent first. */
export async function leadsNewestFirst(db: Db, orgId: string): Promise<LeadsRow[]> {
  return db.selectFrom('leads').selectAll().where('org_id', '=', orgId).orderBy('created_at', 'desc').orderBy('id').execute();
}

/** The org's assistants' names, by id. */
export async function assistantNames(db: Db, orgId: string): Promise<Map<string, string>> {
  const found = await db.selectFrom('assistants').select(['id', 'name']).where('org_id', '=', orgId).execute();
  return new Map(found.map((row) => [row.id, row.name]));
}

/** The org's sequences' names, by id. */
export async function sequenceNames(db: Db, orgId: string): Promise<Map<string, string>> {
  const found = await db.selectFrom('sequences').select(['id', 'name']).where('org_id', '=', orgId).execute();
  return new Map(found.map((row) => [row.id, row.name]));
}

/** Emails sent (or sent but not confirmed) per lead. */
export async function emailsSentPerLead(db: Db, orgId: string): Promise<Map<string, number>> {
  const found = await db
    .selectFrom('outbox')
    .select((eb) => ['lead_id', eb.fn.countAll<number>().as('n')])
    .where('org_id', '=', orgId)
    .where('kind', '=', 'email')
    .where('status', 'in', ['done', 'unconfirmed'])
    .groupBy('lead_id')
    .execute();
  return new Map(found.map((row) => [row.lead_id, Number(row.n)]));
}

/** Replies per lead: processed, bounces and auto-replies excluded. */
export async function repliesPerLead(db: Db, orgId: string): Promise<Map<string, number>> {
  const found = await db
    .selectFrom('inbound_messages')
    .select((eb) => ['lead_id', eb.fn.countAll<number>().as('n')])
    .where('org_id', '=', orgId)
    .where('status', '=', 'processed')
    .where('intent', 'not in', ['Bounce', 'AutoReply', 'SupportAutoResponse'])
    .groupBy('lead_id')
    .execute();
  const counts = new Map<string, number>();
  for (const row of found) if (row.lead_id !== null) counts.set(row.lead_id, Number(row.n));
  return counts;
}
