import { randomUUID } from 'node:crypto';
import type { Language } from '../domain/languages.js';
import type { AssistantsRow } from './schema.js';
import type { Db } from './store.js';

export type CrmStatus =
  | 'ASSISTANT_EXISTS_AS_USER_IN_CRM'
  | 'ALL_WORKING_WELL'
  | 'ASSISTANT_DOES_NOT_EXISTS_AS_USER_IN_CRM';

export interface BusinessHours {
  start: string;
  end: string;
}

export interface AssistantInput {
  name: string;
  mailbox_email: string;
  default_context: string;
  signature: string;
  default_sequence_id: string | null;
  time_zone: string;
  business_hours: BusinessHours;
  off_days: string[];
  daily_cap: number;
  default_owner_id: string | null;
  nurture_lines: string[];
  postal_address: string;
  /** Sent at once when a lead asks for material (BrochureSent); empty when none. */
  brochure_url: string;
  /** Hard bounces over emails sent (last 7 days) above which sending pauses. */
  bounce_threshold: number;
  /** The context and nurture lines written in other languages, for leads who read those. */
  other_languages: OtherLanguages;
  /** Which emails a person approves before they go: none, each lead's first, or every one. */
  approval: Approval;
  /** Days a draft waits for approval before the record is handed back unsent. */
  draft_expiry_days: number;
}

export type Approval = 'auto' | 'first' | 'every';

/** The assistant's pitch in a language other than its default context's. */
export interface Pitch {
  context: string;
  nurture_lines: string[];
}

export type OtherLanguages = Partial<Record<Language, Pitch>>;

/** The JSON columns, read back as values, and the IMAP settings, which never leave the server. */
type StoredOnly = 'business_hours' | 'off_days' | 'nurture_lines' | 'other_languages' | 'mailbox_sealed' | 'crm_status';

/**
 * An assistant as the app sees it: its row with the JSON columns parsed. `sending_paused_at` is
 * set when sending paused itself (bounce rate; an admin resumes it); `mailbox_configured` says
 * whether IMAP settings are stored (they never leave the server).
 */
export interface Assistant extends Omit<AssistantsRow, StoredOnly>, AssistantInput {
  crm_status: CrmStatus | null;
  mailbox_configured: boolean;
}

type AssistantRow = Omit<AssistantsRow, 'crm_status'> & { crm_status: CrmStatus | null };

function fromRow(row: AssistantRow): Assistant {
  const { mailbox_sealed, ...rest } = row;
  return {
    ...rest,
    mailbox_configured: mailbox_sealed !== null,
    business_hours: JSON.parse(row.business_hours) as BusinessHours,
    off_days: JSON.parse(row.off_days) as string[],
    nurture_lines: JSON.parse(row.nurture_lines) as string[],
    other_languages: JSON.parse(row.other_languages) as OtherLanguages,
  };
}

function toColumns(input: AssistantInput) {
  return {
    name: input.name,
    mailbox_email: input.mailbox_email.toLowerCase(),
    default_context: input.default_context,
    signature: input.signature,
    default_sequence_id: input.default_sequence_id,
    time_zone: input.time_zone,
    business_hours: JSON.stringify(input.business_hours),
    off_days: JSON.stringify(input.off_days),
    daily_cap: input.daily_cap,
    default_owner_id: input.default_owner_id,
    nurture_lines: JSON.stringify(input.nurture_lines),
    postal_address: input.postal_address,
    brochure_url: input.brochure_url,
    bounce_threshold: input.bounce_threshold,
    other_languages: JSON.stringify(input.other_languages),
    approval: input.approval,
    draft_expiry_days: input.draft_expiry_days,
  };
}

/** The org's assistants (every column: the mailbox's sealed settings are dropped by fromRow). */
function assistants(db: Db) {
  return db.selectFrom('assistants').selectAll().$narrowType<{ crm_status: CrmStatus | null }>();
}

export async function listAssistants(db: Db, orgId: string): Promise<Assistant[]> {
  return (await assistants(db).where('org_id', '=', orgId).orderBy('created_at').orderBy('name').execute()).map(fromRow);
}

export async function getAssistant(db: Db, orgId: string, id: string): Promise<Assistant | undefined> {
  const row = await assistants(db).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

export async function findAssistantByMailbox(db: Db, orgId: string, email: string): Promise<Assistant | undefined> {
  const row = await assistants(db).where('org_id', '=', orgId).where('mailbox_email', '=', email.toLowerCase()).executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/** Creates an assistant; undefined when another of the org's assistants already uses the mailbox. */
export async function createAssistant(db: Db, orgId: string, input: AssistantInput, now: number): Promise<Assistant | undefined> {
  const id = randomUUID();
  const inserted = await db
    .insertInto('assistants')
    .values({ ...toColumns(input), id, org_id: orgId, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['org_id', 'mailbox_email']).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1 ? getAssistant(db, orgId, id) : undefined;
}

export async function updateAssistant(db: Db, orgId: string, id: string, input: AssistantInput, now: number): Promise<Assistant | undefined> {
  const result = await db
    .updateTable('assistants')
    .set({ ...toColumns(input), updated_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? getAssistant(db, orgId, id) : undefined;
}

/** Sets or clears archived_at; answers the assistant as it is now, or undefined when there is none. */
export async function setAssistantArchived(db: Db, orgId: string, id: string, archivedAt: number | null, now: number): Promise<Assistant | undefined> {
  const result = await db.updateTable('assistants').set({ archived_at: archivedAt, updated_at: now }).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? getAssistant(db, orgId, id) : undefined;
}

export async function deleteAssistant(db: Db, orgId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('assistants').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** The assistant whose Zoho user owns a record, if any (known once CRM Details or intake matched it). */
export async function findAssistantByZohoUser(db: Db, orgId: string, zohoUserId: string): Promise<Assistant | undefined> {
  const row = await assistants(db).where('org_id', '=', orgId).where('zoho_user_id', '=', zohoUserId).executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

export async function setAssistantZohoUser(db: Db, orgId: string, id: string, zohoUserId: string | null): Promise<void> {
  await db.updateTable('assistants').set({ zoho_user_id: zohoUserId }).where('org_id', '=', orgId).where('id', '=', id).execute();
}

export async function saveCrmCheck(
  db: Db,
  orgId: string,
  id: string,
  check: { zohoUserId: string | null; status: CrmStatus; ownedRecords: number },
  now: number,
): Promise<void> {
  await db
    .updateTable('assistants')
    .set({ zoho_user_id: check.zohoUserId, crm_status: check.status, crm_owned_records: check.ownedRecords, crm_checked_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
}

/** The assistant's IMAP settings, sealed with the org id as associated data (or null to remove them). */
export async function setAssistantMailbox(db: Db, orgId: string, id: string, sealed: string | null, now: number): Promise<boolean> {
  const result = await db.updateTable('assistants').set({ mailbox_sealed: sealed, updated_at: now }).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function getAssistantMailboxSealed(db: Db, orgId: string, id: string): Promise<string | null> {
  const row = await db.selectFrom('assistants').select('mailbox_sealed').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return row?.mailbox_sealed ?? null;
}

/** Every assistant (any org) with a mailbox to read. */
export async function listMailboxAssistants(db: Db): Promise<{ org_id: string; id: string }[]> {
  return db.selectFrom('assistants').select(['org_id', 'id']).where('mailbox_sealed', 'is not', null).orderBy('org_id').orderBy('id').execute();
}

/** Assistants whose mailbox is this address, in any org (to route forwarded mail). */
export async function findAssistantsByMailboxAnyOrg(db: Db, email: string): Promise<{ org_id: string; id: string }[]> {
  return db.selectFrom('assistants').select(['org_id', 'id']).where('mailbox_email', '=', email.toLowerCase()).execute();
}

export async function setSendingPaused(db: Db, orgId: string, id: string, reason: string | null, now: number): Promise<void> {
  await db
    .updateTable('assistants')
    .set({ sending_paused_at: reason === null ? null : now, sending_paused_reason: reason, updated_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
}
