import type { OutboxChanges, OutboxRow } from './schema.js';
import type { Db } from './store.js';

/**
 * Every external effect (an email, a Zoho note, a field update, an owner change) is a row here
 * first, keyed so that the same effect is never queued twice; its status says how far it got.
 */
export type { OutboxRow } from './schema.js';
export type OutboxKind = OutboxRow['kind'];
export type OutboxStatus = OutboxRow['status'];

/** An effect to queue: what it is, its idempotency key, and its payload (stored as JSON). */
export interface NewOutboxEffect {
  orgId: string;
  leadId: string;
  kind: OutboxKind;
  key: string;
  payload: unknown;
  /** 'draft': an email that waits for a person's approval before it may go. */
  status?: 'pending' | 'draft';
}

/**
 * Adds an effect unless its key exists; answers the row either way, and whether this call added
 * it (the unique key decides, so of two callers at once exactly one did).
 */
export async function addToOutboxOnce(db: Db, row: NewOutboxEffect, now: number): Promise<{ row: OutboxRow; added: boolean }> {
  const inserted = await db
    .insertInto('outbox')
    .values({ org_id: row.orgId, lead_id: row.leadId, kind: row.kind, idempotency_key: row.key, payload: JSON.stringify(row.payload), status: row.status ?? 'pending', attempts: 0, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { row: inserted, added: true };
  const existing = await db.selectFrom('outbox').selectAll().where('idempotency_key', '=', row.key).executeTakeFirstOrThrow();
  return { row: existing, added: false };
}

/** Adds an effect unless its key exists; answers the row either way. */
export async function addToOutbox(db: Db, row: NewOutboxEffect, now: number): Promise<OutboxRow> {
  return (await addToOutboxOnce(db, row, now)).row;
}

export async function getOutbox(db: Db, orgId: string, id: number): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

/** The org's row with this idempotency key, if it was ever queued. */
export async function outboxByKey(db: Db, orgId: string, key: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox').selectAll().where('org_id', '=', orgId).where('idempotency_key', '=', key).executeTakeFirst();
}

const FINAL: readonly OutboxStatus[] = ['done', 'unconfirmed', 'failed', 'skipped', 'expired'];

/** Moves a row from one status to another; false when someone else moved it first. */
export async function moveOutbox(db: Db, row: Pick<OutboxRow, 'id'>, from: OutboxStatus, to: OutboxStatus, now: number, extra: { externalId?: string | null; error?: string | null } = {}): Promise<boolean> {
  const changes: OutboxChanges = {
    status: to,
    updated_at: now,
    last_error: extra.error ?? null,
    ...(extra.externalId != null ? { external_id: extra.externalId } : {}),
    ...(FINAL.includes(to) ? { done_at: now } : {}),
  };
  const result = await db
    .updateTable('outbox')
    .set(changes)
    .set((eb) => ({ attempts: eb('attempts', '+', to === 'sending' ? 1 : 0) }))
    .where('id', '=', row.id)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Rows of one kind still to go out (pending, or left in `sending` by a crash), oldest first. */
export async function pendingOutbox(db: Db, orgId: string, kind: OutboxKind, limit: number): Promise<OutboxRow[]> {
  return db.selectFrom('outbox').selectAll().where('org_id', '=', orgId).where('kind', '=', kind).where('status', 'in', ['pending', 'sending']).orderBy('id').limit(limit).execute();
}

/** Rows of one kind whose key starts with `prefix`, still to go out (pending, or left in `sending`), oldest first. */
export async function pendingOutboxWithPrefix(db: Db, orgId: string, kind: OutboxKind, prefix: string, limit: number): Promise<OutboxRow[]> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('kind', '=', kind)
    .where('status', 'in', ['pending', 'sending'])
    .where('idempotency_key', 'like', `${prefix}%`)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function outboxOfLead(db: Db, orgId: string, leadId: string): Promise<OutboxRow[]> {
  return db.selectFrom('outbox').selectAll().where('org_id', '=', orgId).where('lead_id', '=', leadId).orderBy('id').execute();
}

export interface UnconfirmedEmail {
  leadId: string;
  name: string;
  to: string;
  subject: string;
  module: string;
  recordId: string;
  at: number | null;
}

/** Emails a crash left unconfirmed (handed to SMTP, not recorded as sent; never sent again): for a person to check. The latest 20. */
export async function unconfirmedEmails(db: Db, orgId: string): Promise<UnconfirmedEmail[]> {
  const rows = await db
    .selectFrom('outbox as o')
    .innerJoin('leads as l', 'l.id', 'o.lead_id')
    .select(['o.lead_id', 'o.payload', 'o.done_at', 'l.first_name', 'l.last_name', 'l.zoho_module', 'l.zoho_record_id'])
    .where('o.org_id', '=', orgId)
    .where('o.kind', '=', 'email')
    .where('o.status', '=', 'unconfirmed')
    .orderBy('o.id', 'desc')
    .limit(20)
    .execute();
  return rows.map((row) => {
    const email = (JSON.parse(row.payload) as { email: { subject: string; to: string } }).email;
    return { leadId: row.lead_id, name: [row.first_name, row.last_name].filter(Boolean).join(' ') || email.to, to: email.to, subject: email.subject, module: row.zoho_module, recordId: row.zoho_record_id, at: row.done_at };
  });
}

/**
 * Whether an owner change we queued for the lead's record has not reached Zoho yet: until it
 * has, the record still shows the assistant as its owner because of us, not because someone
 * assigned it again.
 */
export async function hasUnsentOwnerChange(db: Db, orgId: string, leadId: string): Promise<boolean> {
  const rows = await db
    .selectFrom('outbox')
    .select('payload')
    .where('org_id', '=', orgId)
    .where('lead_id', '=', leadId)
    .where('kind', '=', 'update')
    .where('status', 'in', ['pending', 'sending'])
    .execute();
  return rows.some((row) => {
    const values: unknown = (JSON.parse(row.payload) as { values?: unknown }).values;
    return typeof values === 'object' && values !== null && 'Owner' in values;
  });
}

/** Replaces a row's payload while it is still in `status` (a draft's edit); false when it moved on first. */
export async function replaceOutboxPayload(db: Db, row: Pick<OutboxRow, 'id'>, status: OutboxStatus, payload: unknown, now: number): Promise<boolean> {
  const result = await db.updateTable('outbox').set({ payload: JSON.stringify(payload), updated_at: now }).where('id', '=', row.id).where('status', '=', status).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The org's emails waiting for approval, of leads still worked, oldest first (at most `limit`); one lead's when `leadId` is given. */
export async function listDrafts(db: Db, orgId: string, filter: { leadId?: string; limit?: number } = {}): Promise<OutboxRow[]> {
  let query = db
    .selectFrom('outbox as o')
    .innerJoin('leads as l', 'l.id', 'o.lead_id')
    .selectAll('o')
    .where('o.org_id', '=', orgId)
    .where('o.kind', '=', 'email')
    .where('o.status', '=', 'draft')
    .where('l.status', 'in', ['active', 'paused']);
  if (filter.leadId !== undefined) query = query.where('o.lead_id', '=', filter.leadId);
  return query.orderBy('o.id').limit(filter.limit ?? 200).execute();
}

/** A closed lead's drafts can never be approved: they end as expired. */
export async function expireDraftsOfLead(db: Db, orgId: string, leadId: string, reason: string, now: number): Promise<number> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'expired', last_error: reason, updated_at: now, done_at: now })
    .where('org_id', '=', orgId)
    .where('lead_id', '=', leadId)
    .where('kind', '=', 'email')
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
