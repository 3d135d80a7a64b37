import { randomUUID } from 'node:crypto';
import type { LeadsChanges, LeadsRow } from './schema.js';
import { type Db, dialectOf } from './store.js';

/** Where a lead is in its life: worked, paused by a person, or finished (handed back or stopped). */
export type LeadStatus = LeadsRow['status'];

/**
 * A lead: one Zoho record the assistant works. `phone` is filled from Zoho when known (the
 * connector enriches, never creates); `resume_at` is when an absence pause ends (OutOfOffice).
 */
export type Lead = LeadsRow;

/** What intake knows of a new lead; the rest starts empty (active, New, step 0). */
export type NewLead = Pick<
  Lead,
  'org_id' | 'assistant_id' | 'zoho_module' | 'zoho_record_id' | 'email' | 'first_name' | 'last_name' | 'company' | 'context' | 'sequence_id' | 'steps_total' | 'previous_owner_id' | 'previous_owner_name'
>;

/**
 * Creates the lead unless one exists for its record (the unique org, module and record decide,
 * so two intakes at once make one); answers the new lead, or undefined when there was one.
 */
export async function createLeadOnce(db: Db, input: NewLead, now: number): Promise<Lead | undefined> {
  return db
    .insertInto('leads')
    .values({ ...input, id: randomUUID(), status: 'active', state: 'New', next_step: 0, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['org_id', 'zoho_module', 'zoho_record_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Creates a lead; fails when its record already has one. */
export async function createLead(db: Db, input: NewLead, now: number): Promise<Lead> {
  const lead = await createLeadOnce(db, input, now);
  if (!lead) throw new Error(`${input.zoho_module} ${input.zoho_record_id} already has a lead`);
  return lead;
}

export async function getLead(db: Db, orgId: string, id: string): Promise<Lead | undefined> {
  return db.selectFrom('leads').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

/** The lead's name as a person reads it ("Jane Doe"), or null when Zoho has none. */
export function leadName(lead: Pick<Lead, 'first_name' | 'last_name'>): string | null {
  return [lead.first_name, lead.last_name].filter(Boolean).join(' ') || null;
}

/** Some of the org's leads, by id, in one query. */
export async function getLeads(db: Db, orgId: string, ids: readonly string[]): Promise<Map<string, Lead>> {
  if (ids.length === 0) return new Map();
  const found = await db.selectFrom('leads').selectAll().where('org_id', '=', orgId).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(found.map((lead) => [lead.id, lead]));
}

/**
 * The lead, read to be changed: call inside a transaction. On PostgreSQL the row stays locked
 * (FOR UPDATE) until the transaction ends, so two processes never both act on what they read;
 * on SQLite the transaction already holds the database's write lock.
 */
export async function lockLead(db: Db, orgId: string, id: string): Promise<Lead | undefined> {
  const query = db.selectFrom('leads').selectAll().where('org_id', '=', orgId).where('id', '=', id);
  return (dialectOf(db) === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
}

/** A lead by its id alone, whatever its org: only for links that carry nothing else (unsubscribe). */
export async function findLeadById(db: Db, id: string): Promise<Lead | undefined> {
  return db.selectFrom('leads').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findLeadByRecord(db: Db, orgId: string, module: string, recordId: string): Promise<Lead | undefined> {
  return db.selectFrom('leads').selectAll().where('org_id', '=', orgId).where('zoho_module', '=', module).where('zoho_record_id', '=', recordId).executeTakeFirst();
}

/** Whether a lead for this record is being worked (active or paused). */
export async function isRecordWorked(db: Db, orgId: string, module: string, recordId: string): Promise<boolean> {
  const found = await db
    .selectFrom('leads')
    .select('id')
    .where('org_id', '=', orgId)
    .where('zoho_module', '=', module)
    .where('zoho_record_id', '=', recordId)
    .where('status', 'in', ['active', 'paused'])
    .executeTakeFirst();
  return found !== undefined;
}

/** An org's leads, newest first, optionally of one status or one assistant. */
export async function listLeads(db: Db, orgId: string, filter: { status?: LeadStatus; assistantId?: string; limit?: number; offset?: number } = {}): Promise<Lead[]> {
  let query = db.selectFrom('leads').selectAll().where('org_id', '=', orgId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.assistantId) query = query.where('assistant_id', '=', filter.assistantId);
  return query
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(filter.limit ?? 100)
    .offset(filter.offset ?? 0)
    .execute();
}

/** What may change on a lead (its id and org never do; updated_at is set here). */
export type LeadChanges = Omit<LeadsChanges, 'id' | 'org_id' | 'updated_at'>;

/** Changes the given columns of a lead, and its updated_at. */
export async function updateLead(db: Db, lead: Pick<Lead, 'org_id' | 'id'>, changes: LeadChanges, now: number): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await db
    .updateTable('leads')
    .set({ ...changes, updated_at: now })
    .where('org_id', '=', lead.org_id)
    .where('id', '=', lead.id)
    .execute();
}

export interface LeadEvent {
  id: number;
  at: number;
  kind: string;
  detail: Record<string, unknown>;
}

/** Adds an entry to the lead's timeline. */
export async function addLeadEvent(db: Db, lead: Pick<Lead, 'org_id' | 'id'>, kind: string, detail: Record<string, unknown>, now: number): Promise<void> {
  await db.insertInto('lead_events').values({ org_id: lead.org_id, lead_id: lead.id, at: now, kind, detail: JSON.stringify(detail) }).execute();
}

/** The lead's timeline, oldest first. */
export async function listLeadEvents(db: Db, orgId: string, leadId: string): Promise<LeadEvent[]> {
  const events = await db.selectFrom('lead_events').select(['id', 'at', 'kind', 'detail']).where('org_id', '=', orgId).where('lead_id', '=', leadId).orderBy('id').execute();
  return events.map((event) => ({ ...event, detail: JSON.parse(event.detail) as Record<string, unknown> }));
}

/** Per assistant of an org: the records it works now (active or paused) and all it has worked. */
export async function leadCountsByAssistant(db: Db, orgId: string): Promise<Map<string, { working: number; total: number }>> {
  const counted = await db
    .selectFrom('leads')
    .select((eb) => [
      'assistant_id',
      eb.fn.countAll<number>().as('total'),
      eb.fn.sum<number>(eb.case().when('status', 'in', ['active', 'paused']).then(1).else(0).end()).as('working'),
    ])
    .where('org_id', '=', orgId)
    .groupBy('assistant_id')
    .execute();
  return new Map(counted.map((entry) => [entry.assistant_id, { working: Number(entry.working), total: Number(entry.total) }]));
}


/** Who some of the org's leads are (name and email), by id: for logs that name leads by id. */
export async function leadPeople(db: Db, orgId: string, ids: string[]): Promise<Map<string, { name: string | null; email: string | null }>> {
  const found = await getLeads(db, orgId, ids);
  return new Map([...found].map(([id, lead]) => [id, { name: leadName(lead), email: lead.email }]));
}
