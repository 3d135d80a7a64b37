import type { ReplyIntent } from '../domain/reply-intents.js';
import { replyIntentOf } from './reply-phrases.js';
import type { InboundMessagesChanges, InboundMessagesRow, LeadsRow, NewInboundMessagesRow } from './schema.js';
import { type Db, dialectOf, storableRow } from './store.js';

/** Inbound mail as stored: the log admins see, and what the reply job reads. */

/**
 * A stored message without its raw bytes (rawOf reads those). `auth`: pass / fail / none (DKIM and
 * DMARC of the From: domain), off (not checked), null (stored before checks existed).
 */
export interface InboundRow extends Omit<InboundMessagesRow, 'raw' | 'dedupe_key' | 'intent' | 'corrected_from'> {
  intent: ReplyIntent | null;
  corrected_from: ReplyIntent | null;
}

/** Every column but the raw message and the dedupe key. */
const INBOUND_COLUMNS = [
  'id',
  'org_id',
  'assistant_id',
  'source',
  'message_id',
  'from_address',
  'subject',
  'received_at',
  'status',
  'lead_id',
  'matched_by',
  'intent',
  'confidence',
  'reason',
  'extracted_date',
  'action',
  'processed_at',
  'decision',
  'corrected_from',
  'corrected_by',
  'corrected_at',
  'auth',
  'auth_detail',
] as const;

const STATUSES: readonly InboundRow['status'][] = ['received', 'processed', 'unmatched', 'ignored'];

function inboundRow(found: Omit<InboundRow, 'intent' | 'corrected_from'> & { intent: string | null; corrected_from: string | null }): InboundRow {
  return { ...found, intent: replyIntentOf(found.intent), corrected_from: replyIntentOf(found.corrected_from) };
}

export async function getInbound(deps: { db: Db }, orgId: string, id: number): Promise<InboundRow | undefined> {
  const found = await deps.db.selectFrom('inbound_messages').select(INBOUND_COLUMNS).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return found && inboundRow(found);
}

/**
 * The message again inside a transaction, its row locked on PostgreSQL (SQLite's transactions
 * already write one at a time): what the job or the correction read earlier may have changed.
 */
export async function lockInbound(db: Db, orgId: string, id: number): Promise<InboundRow | undefined> {
  const found = await db
    .selectFrom('inbound_messages')
    .select(INBOUND_COLUMNS)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .$if(dialectOf(db) === 'postgres', (query) => query.forUpdate())
    .executeTakeFirst();
  return found && inboundRow(found);
}

export async function listInbound(deps: { db: Db }, orgId: string, filter: { status?: string; leadId?: string; limit?: number } = {}): Promise<InboundRow[]> {
  const status = STATUSES.find((known) => known === filter.status);
  // No message has a status we do not know.
  if (filter.status && !status) return [];
  let query = deps.db.selectFrom('inbound_messages').select(INBOUND_COLUMNS).where('org_id', '=', orgId);
  if (status) query = query.where('status', '=', status);
  if (filter.leadId) query = query.where('lead_id', '=', filter.leadId);
  const found = await query.orderBy('id', 'desc').limit(filter.limit ?? 100).execute();
  return found.map(inboundRow);
}

/** A stored message's raw bytes (of this org only). */
export async function rawOf(deps: { db: Db }, orgId: string, id: number): Promise<Buffer> {
  return (await deps.db.selectFrom('inbound_messages').select('raw').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirstOrThrow()).raw;
}

/**
 * Stores a message once: its dedupe key is unique, so of two deliveries at once exactly one
 * stores it. Answers the message's id, and whether it was there already.
 */
export async function storeInbound(db: Db, message: NewInboundMessagesRow): Promise<{ id: number; duplicate: boolean }> {
  const inserted = await db.insertInto('inbound_messages').values(storableRow(message)).onConflict((oc) => oc.column('dedupe_key').doNothing()).returning('id').executeTakeFirst();
  if (inserted) return { id: inserted.id, duplicate: false };
  const existing = await db.selectFrom('inbound_messages').select('id').where('dedupe_key', '=', message.dedupe_key).executeTakeFirstOrThrow();
  return { id: existing.id, duplicate: true };
}

/** What the reply job (or a correction) learnt about a message. */
export async function setInbound(deps: { db: Db }, id: number, changes: InboundMessagesChanges): Promise<void> {
  await deps.db.updateTable('inbound_messages').set(storableRow(changes)).where('id', '=', id).execute();
}

/** A person's reading replaces the job's: the first reading is kept as `corrected_from`. */
export async function correctInbound(db: Db, orgId: string, id: number, correction: { intent: ReplyIntent; previous: ReplyIntent | null; by: string }, now: number): Promise<void> {
  await db
    .updateTable('inbound_messages')
    .set((eb) => ({
      intent: correction.intent,
      corrected_from: eb.fn.coalesce('corrected_from', eb.val(correction.previous)),
      corrected_by: correction.by,
      corrected_at: now,
      decision: 'corrected',
    }))
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
}

/**
 * The lead a reply comes from, by its sender: a lead we have emailed, being worked first, then
 * the most recent; never one created after `createdBy` (mail older than the lead).
 */
export async function findLeadBySender(db: Db, orgId: string, address: string, createdBy: number): Promise<LeadsRow | undefined> {
  return db
    .selectFrom('leads')
    .selectAll()
    .where('org_id', '=', orgId)
    .where((eb) => eb(eb.fn('lower', ['email']), '=', address.toLowerCase()))
    .where('last_sent_at', 'is not', null)
    .where('created_at', '<=', createdBy)
    .orderBy((eb) => eb.case().when('status', 'in', ['active', 'paused']).then(0).else(1).end())
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Whether another reply of the lead was read as a request to stop or a "no". */
export async function hasOtherClosingReply(db: Db, orgId: string, leadId: string, exceptId: number): Promise<boolean> {
  const found = await db
    .selectFrom('inbound_messages')
    .select('id')
    .where('org_id', '=', orgId)
    .where('lead_id', '=', leadId)
    .where('id', '<>', exceptId)
    .where('intent', 'in', ['Unsubscribed', 'Deactivated', 'MovedOut', 'Retired'])
    .limit(1)
    .executeTakeFirst();
  return found !== undefined;
}

/** The id of the lead's latest processed reply, if any. */
export async function latestReplyId(db: Db, orgId: string, leadId: string): Promise<number | null> {
  const found = await db
    .selectFrom('inbound_messages')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('org_id', '=', orgId)
    .where('lead_id', '=', leadId)
    .where('status', '=', 'processed')
    .executeTakeFirst();
  return found?.id ?? null;
}

/**
 * What the bounce-rate gate weighs for an assistant since `since`: emails sent (or sent and not
 * confirmed) and hard bounces (those that deactivated the lead, or not acted on yet).
 */
export async function bounceCounts(db: Db, orgId: string, assistantId: string, since: number): Promise<{ sent: number; bounced: number }> {
  const sent = await db
    .selectFrom('outbox as o')
    .innerJoin('leads as l', 'l.id', 'o.lead_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('o.org_id', '=', orgId)
    .where('l.assistant_id', '=', assistantId)
    .where('o.kind', '=', 'email')
    .where('o.status', 'in', ['done', 'unconfirmed'])
    .where('o.done_at', '>=', since)
    .executeTakeFirstOrThrow();
  const bounced = await db
    .selectFrom('inbound_messages as i')
    .innerJoin('leads as l', 'l.id', 'i.lead_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('i.org_id', '=', orgId)
    .where('l.assistant_id', '=', assistantId)
    .where('i.intent', '=', 'Bounce')
    .where('i.received_at', '>=', since)
    .where((eb) => eb.or([eb('i.action', 'is', null), eb('i.action', 'like', 'deactivated%')]))
    .executeTakeFirstOrThrow();
  return { sent: Number(sent.n), bounced: Number(bounced.n) };
}

/**
 * Empties the raw bytes of the org's read messages received before `before`, and of mail that
 * matched no org (it has no org to prune it with: every org's pass takes it too); the log row,
 * reading and action stay. Answers how many were emptied.
 */
export async function emptyRawMail(db: Db, orgId: string, before: number): Promise<number> {
  const empty = Buffer.alloc(0);
  const own = await db
    .updateTable('inbound_messages')
    .set({ raw: empty })
    .where('org_id', '=', orgId)
    .where('received_at', '<', before)
    .where((eb) => eb(eb.fn('length', ['raw']), '>', 0))
    .where('status', 'in', ['processed', 'unmatched', 'ignored'])
    .executeTakeFirst();
  const unowned = await db
    .updateTable('inbound_messages')
    .set({ raw: empty })
    .where('org_id', 'is', null)
    .where('received_at', '<', before)
    .where((eb) => eb(eb.fn('length', ['raw']), '>', 0))
    .executeTakeFirst();
  return Number(own.numUpdatedRows) + Number(unowned.numUpdatedRows);
}
