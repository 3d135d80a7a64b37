import { randomUUID } from 'node:crypto';
import type { Db } from './open-db.js';

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
}

export interface Assistant extends AssistantInput {
  id: string;
  org_id: string;
  zoho_user_id: string | null;
  crm_status: CrmStatus | null;
  crm_owned_records: number | null;
  crm_checked_at: number | null;
  /** Set when sending paused itself (bounce rate); an admin resumes it. */
  sending_paused_at: number | null;
  sending_paused_reason: string | null;
  /** Whether IMAP settings are stored (they never leave the server). */
  mailbox_configured: boolean;
  created_at: number;
  updated_at: number;
}

interface AssistantRow extends Omit<Assistant, 'business_hours' | 'off_days' | 'nurture_lines' | 'mailbox_configured'> {
  business_hours: string;
  off_days: string;
  nurture_lines: string;
  mailbox_sealed: string | null;
}

function fromRow(row: AssistantRow): Assistant {
  const { mailbox_sealed, ...rest } = row;
  return {
    ...rest,
    mailbox_configured: mailbox_sealed !== null,
    business_hours: JSON.parse(row.business_hours) as BusinessHours,
    off_days: JSON.parse(row.off_days) as string[],
    nurture_lines: JSON.parse(row.nurture_lines) as string[],
  };
}

function toColumns(input: AssistantInput) {
  return {
    ...input,
    mailbox_email: input.mailbox_email.toLowerCase(),
    business_hours: JSON.stringify(input.business_hours),
    off_days: JSON.stringify(input.off_days),
    nurture_lines: JSON.stringify(input.nurture_lines),
  };
}

export function listAssistants(db: Db, orgId: string): Assistant[] {
  return (db.prepare('SELECT * FROM assistants WHERE org_id = ? ORDER BY created_at, name').all(orgId) as AssistantRow[]).map(fromRow);
}

export function getAssistant(db: Db, orgId: string, id: string): Assistant | undefined {
  const row = db.prepare('SELECT * FROM assistants WHERE org_id = ? AND id = ?').get(orgId, id) as AssistantRow | undefined;
  return row ? fromRow(row) : undefined;
}

export function findAssistantByMailbox(db: Db, orgId: string, email: string): Assistant | undefined {
  const row = db.prepare('SELECT * FROM assistants WHERE org_id = ? AND mailbox_email = ?').get(orgId, email.toLowerCase()) as AssistantRow | undefined;
  return row ? fromRow(row) : undefined;
}

export function createAssistant(db: Db, orgId: string, input: AssistantInput, now: number): Assistant {
  const id = randomUUID();
  db.prepare(
    `INSERT INTO assistants (id, org_id, name, mailbox_email, default_context, signature, default_sequence_id, time_zone,
       business_hours, off_days, daily_cap, default_owner_id, nurture_lines, postal_address, brochure_url, bounce_threshold, created_at, updated_at)
     VALUES (@id, @org_id, @name, @mailbox_email, @default_context, @signature, @default_sequence_id, @time_zone,
       @business_hours, @off_days, @daily_cap, @default_owner_id, @nurture_lines, @postal_address, @brochure_url, @bounce_threshold, @now, @now)`,
  ).run({ ...toColumns(input), id, org_id: orgId, now });
  return getAssistant(db, orgId, id)!;
}

export function updateAssistant(db: Db, orgId: string, id: string, input: AssistantInput, now: number): Assistant | undefined {
  const changed = db
    .prepare(
      `UPDATE assistants SET name = @name, mailbox_email = @mailbox_email, default_context = @default_context,
         signature = @signature, default_sequence_id = @default_sequence_id, time_zone = @time_zone,
         business_hours = @business_hours, off_days = @off_days, daily_cap = @daily_cap,
         default_owner_id = @default_owner_id, nurture_lines = @nurture_lines, postal_address = @postal_address,
         brochure_url = @brochure_url, bounce_threshold = @bounce_threshold, updated_at = @now
       WHERE org_id = @org_id AND id = @id`,
    )
    .run({ ...toColumns(input), id, org_id: orgId, now }).changes;
  return changed === 1 ? getAssistant(db, orgId, id) : undefined;
}

export function deleteAssistant(db: Db, orgId: string, id: string): boolean {
  return db.prepare('DELETE FROM assistants WHERE org_id = ? AND id = ?').run(orgId, id).changes === 1;
}

/** The assistant whose Zoho user owns a record, if any (known once CRM Details or intake matched it). */
export function findAssistantByZohoUser(db: Db, orgId: string, zohoUserId: string): Assistant | undefined {
  const row = db.prepare('SELECT * FROM assistants WHERE org_id = ? AND zoho_user_id = ?').get(orgId, zohoUserId) as AssistantRow | undefined;
  return row ? fromRow(row) : undefined;
}

export function setAssistantZohoUser(db: Db, orgId: string, id: string, zohoUserId: string | null): void {
  db.prepare('UPDATE assistants SET zoho_user_id = ? WHERE org_id = ? AND id = ?').run(zohoUserId, orgId, id);
}

export function saveCrmCheck(
  db: Db,
  orgId: string,
  id: string,
  check: { zohoUserId: string | null; status: CrmStatus; ownedRecords: number },
  now: number,
): void {
  db.prepare(
    'UPDATE assistants SET zoho_user_id = ?, crm_status = ?, crm_owned_records = ?, crm_checked_at = ? WHERE org_id = ? AND id = ?',
  ).run(check.zohoUserId, check.status, check.ownedRecords, now, orgId, id);
}

/** The assistant's IMAP settings, sealed with the org id as associated data (or null to remove them). */
export function setAssistantMailbox(db: Db, orgId: string, id: string, sealed: string | null, now: number): boolean {
  return db.prepare('UPDATE assistants SET mailbox_sealed = ?, updated_at = ? WHERE org_id = ? AND id = ?').run(sealed, now, orgId, id).changes === 1;
}

export function getAssistantMailboxSealed(db: Db, orgId: string, id: string): string | null {
  const row = db.prepare('SELECT mailbox_sealed FROM assistants WHERE org_id = ? AND id = ?').get(orgId, id) as { mailbox_sealed: string | null } | undefined;
  return row?.mailbox_sealed ?? null;
}

/** Every assistant (any org) with a mailbox to read. */
export function listMailboxAssistants(db: Db): { org_id: string; id: string }[] {
  return db.prepare('SELECT org_id, id FROM assistants WHERE mailbox_sealed IS NOT NULL ORDER BY org_id, id').all() as { org_id: string; id: string }[];
}

/** Assistants whose mailbox is this address, in any org (to route forwarded mail). */
export function findAssistantsByMailboxAnyOrg(db: Db, email: string): { org_id: string; id: string }[] {
  return db.prepare('SELECT org_id, id FROM assistants WHERE mailbox_email = ?').all(email.toLowerCase()) as { org_id: string; id: string }[];
}

export function setSendingPaused(db: Db, orgId: string, id: string, reason: string | null, now: number): void {
  db.prepare('UPDATE assistants SET sending_paused_at = ?, sending_paused_reason = ?, updated_at = ? WHERE org_id = ? AND id = ?').run(reason === null ? null : now, reason, now, orgId, id);
}
