import { randomUUID } from 'node:crypto';
import type { Db } from '../db/open-db.js';
import type { LeadState } from '../domain/lead-states.js';

/** Where a lead is in its life: worked, paused by a person, or finished (handed back or stopped). */
export type LeadStatus = 'active' | 'paused' | 'handed_back' | 'stopped';

export interface Lead {
  id: string;
  org_id: string;
  assistant_id: string;
  zoho_module: string;
  zoho_record_id: string;
  status: LeadStatus;
  state: LeadState;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  company: string | null;
  /** Filled from Zoho when known (the connector enriches, never creates). */
  phone: string | null;
  context: string;
  sequence_id: string;
  next_step: number;
  steps_total: number;
  previous_owner_id: string | null;
  previous_owner_name: string | null;
  thread_message_id: string | null;
  last_message_id: string | null;
  next_send_at: number | null;
  last_sent_at: number | null;
  close_reason: string | null;
  closed_at: number | null;
  last_reply_at: number | null;
  last_intent: string | null;
  /** When an absence pause ends (OutOfOffice). */
  resume_at: number | null;
  created_at: number;
  updated_at: number;
}

export type NewLead = Omit<Lead, 'id' | 'status' | 'state' | 'next_step' | 'thread_message_id' | 'last_message_id' | 'next_send_at' | 'last_sent_at' | 'close_reason' | 'closed_at' | 'last_reply_at' | 'last_intent' | 'resume_at' | 'phone' | 'created_at' | 'updated_at'>;

export function createLead(db: Db, input: NewLead, now: number): Lead {
  const id = randomUUID();
  db.prepare(
    `INSERT INTO leads (id, org_id, assistant_id, zoho_module, zoho_record_id, status, state, email, first_name, last_name, company,
       context, sequence_id, next_step, steps_total, previous_owner_id, previous_owner_name, created_at, updated_at)
     VALUES (@id, @org_id, @assistant_id, @zoho_module, @zoho_record_id, 'active', 'New', @email, @first_name, @last_name, @company,
       @context, @sequence_id, 0, @steps_total, @previous_owner_id, @previous_owner_name, @now, @now)`,
  ).run({ ...input, id, now });
  return getLead(db, input.org_id, id)!;
}

export function getLead(db: Db, orgId: string, id: string): Lead | undefined {
  return db.prepare('SELECT * FROM leads WHERE org_id = ? AND id = ?').get(orgId, id) as Lead | undefined;
}

export function findLeadByRecord(db: Db, orgId: string, module: string, recordId: string): Lead | undefined {
  return db.prepare('SELECT * FROM leads WHERE org_id = ? AND zoho_module = ? AND zoho_record_id = ?').get(orgId, module, recordId) as Lead | undefined;
}

/** Whether a lead for this record is being worked (active or paused). */
export function isRecordWorked(db: Db, orgId: string, module: string, recordId: string): boolean {
  return db.prepare("SELECT 1 FROM leads WHERE org_id = ? AND zoho_module = ? AND zoho_record_id = ? AND status IN ('active', 'paused')").get(orgId, module, recordId) !== undefined;
}

export function listLeads(db: Db, orgId: string, filter: { status?: LeadStatus; assistantId?: string; limit?: number; offset?: number } = {}): Lead[] {
  const clauses = ['org_id = ?'];
  const args: unknown[] = [orgId];
  if (filter.status) {
    clauses.push('status = ?');
    args.push(filter.status);
  }
  if (filter.assistantId) {
    clauses.push('assistant_id = ?');
    args.push(filter.assistantId);
  }
  args.push(filter.limit ?? 100, filter.offset ?? 0);
  return db.prepare(`SELECT * FROM leads WHERE ${clauses.join(' AND ')} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`).all(...args) as Lead[];
}

export function updateLead(db: Db, lead: Pick<Lead, 'org_id' | 'id'>, changes: Partial<Omit<Lead, 'id' | 'org_id'>>, now: number): void {
  const entries = Object.entries(changes);
  if (entries.length === 0) return;
  const sets = entries.map(([key]) => `${key} = @${key}`).join(', ');
  db.prepare(`UPDATE leads SET ${sets}, updated_at = @now WHERE org_id = @org_id AND id = @id`).run({ ...changes, now, org_id: lead.org_id, id: lead.id });
}

export interface LeadEvent {
  id: number;
  at: number;
  kind: string;
  detail: Record<string, unknown>;
}

export function addLeadEvent(db: Db, lead: Pick<Lead, 'org_id' | 'id'>, kind: string, detail: Record<string, unknown>, now: number): void {
  db.prepare('INSERT INTO lead_events (org_id, lead_id, at, kind, detail) VALUES (?, ?, ?, ?, ?)').run(lead.org_id, lead.id, now, kind, JSON.stringify(detail));
}

export function listLeadEvents(db: Db, orgId: string, leadId: string): LeadEvent[] {
  return (db.prepare('SELECT id, at, kind, detail FROM lead_events WHERE org_id = ? AND lead_id = ? ORDER BY id').all(orgId, leadId) as { id: number; at: number; kind: string; detail: string }[]).map((row) => ({
    ...row,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
  }));
}

/** Emails counted per assistant per day (in the assistant's time zone), for the daily cap. */
export function sentOn(db: Db, assistantId: string, day: string): number {
  const row = db.prepare('SELECT sent FROM send_counts WHERE assistant_id = ? AND day = ?').get(assistantId, day) as { sent: number } | undefined;
  return row?.sent ?? 0;
}

export function countSend(db: Db, assistantId: string, day: string): void {
  db.prepare('INSERT INTO send_counts (assistant_id, day, sent) VALUES (?, ?, 1) ON CONFLICT (assistant_id, day) DO UPDATE SET sent = sent + 1').run(assistantId, day);
}
