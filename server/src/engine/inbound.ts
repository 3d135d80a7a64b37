import { findAssistantsByMailboxAnyOrg } from '../db/assistants.js';
import type { ReplyIntent } from '../domain/reply-intents.js';
import { sha256 } from '../lib/token-cipher.js';
import { type MailAuthResult, providerVerdict, verifyMessage } from '../mail/authentication.js';
import { type InboundMessage, parseMessage } from '../replies/message.js';
import type { EngineDeps } from './context.js';
import { enqueueJob } from './jobs.js';
import { jobOf } from './job-kinds.js';

/** Inbound mail: stored once (deduplicated), matched to an org and a lead by our Message-IDs, read by the reply job. The log admins see. */

/** Raw messages above this size are cut (the headers and the reply are at the top). */
export const MAX_RAW_BYTES = 2 * 1024 * 1024;

/** Our Message-IDs: `<lead-uuid.step@domain>` (nurture.ts messageIdFor). */
const OUR_ID = /<?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(\d+|b)@[^>\s]+>?/gi;

/** An optional second opinion (an OpenAI-compatible model) for replies the rules are unsure of. */
export interface InboundRow {
  id: number;
  org_id: string | null;
  assistant_id: string | null;
  source: string;
  message_id: string | null;
  from_address: string | null;
  subject: string;
  received_at: number;
  status: 'received' | 'processed' | 'unmatched' | 'ignored';
  lead_id: string | null;
  matched_by: string | null;
  intent: ReplyIntent | null;
  confidence: number | null;
  reason: string | null;
  extracted_date: string | null;
  action: string | null;
  processed_at: number | null;
  decision: string | null;
  corrected_from: ReplyIntent | null;
  corrected_by: string | null;
  corrected_at: number | null;
  /** pass / fail / none (DKIM and DMARC of the From: domain), off (not checked), null (stored before checks existed). */
  auth: string | null;
  auth_detail: string | null;
}

const INBOUND_COLUMNS = 'id, org_id, assistant_id, source, message_id, from_address, subject, received_at, status, lead_id, matched_by, intent, confidence, reason, extracted_date, action, processed_at, decision, corrected_from, corrected_by, corrected_at, auth, auth_detail';

export function getInbound(deps: Pick<EngineDeps, 'db'>, orgId: string, id: number): InboundRow | undefined {
  return deps.db.prepare(`SELECT ${INBOUND_COLUMNS} FROM inbound_messages WHERE org_id = ? AND id = ?`).get(orgId, id) as InboundRow | undefined;
}

export function listInbound(deps: Pick<EngineDeps, 'db'>, orgId: string, filter: { status?: string; leadId?: string; limit?: number } = {}): InboundRow[] {
  const clauses = ['org_id = ?'];
  const args: unknown[] = [orgId];
  if (filter.status) {
    clauses.push('status = ?');
    args.push(filter.status);
  }
  if (filter.leadId) {
    clauses.push('lead_id = ?');
    args.push(filter.leadId);
  }
  args.push(filter.limit ?? 100);
  return deps.db.prepare(`SELECT ${INBOUND_COLUMNS} FROM inbound_messages WHERE ${clauses.join(' AND ')} ORDER BY id DESC LIMIT ?`).all(...args) as InboundRow[];
}

/** A stored message's raw bytes (of this org only). */
export function rawOf(deps: Pick<EngineDeps, 'db'>, orgId: string, id: number): Buffer {
  return (deps.db.prepare('SELECT raw FROM inbound_messages WHERE org_id = ? AND id = ?').get(orgId, id) as { raw: Buffer }).raw;
}

/** Lead ids named by our Message-IDs in the message's thread headers (or, for bounces, in the returned original). */
export function threadLeadIds(message: InboundMessage, includeBody: boolean): string[] {
  const sources = [...message.inReplyTo, ...[...message.references].reverse()];
  if (includeBody) sources.push(message.attachedText, message.text);
  const ids: string[] = [];
  for (const source of sources) for (const match of source.matchAll(OUR_ID)) ids.push(match[1]!.toLowerCase());
  return [...new Set(ids)];
}

/**
 * One door for every inbound email, from IMAP or the inbound webhook: the raw message is stored
 * (once: duplicates by Message-ID are recognised) and a reply job is queued. Mail that belongs to
 * no org we can tell is kept as unmatched, never dropped.
 */
export async function ingestMessage(deps: EngineDeps, input: { raw: Buffer; source: 'imap' | 'webhook'; orgId?: string; assistantId?: string }): Promise<{ id: number; duplicate: boolean; orgId: string | null }> {
  const raw = input.raw.length > MAX_RAW_BYTES ? input.raw.subarray(0, MAX_RAW_BYTES) : input.raw;
  const message = await parseMessage(raw);
  let orgId = input.orgId ?? null;
  let assistantId = input.assistantId ?? null;
  if (!orgId) {
    // Forwarded by HTTP: the assistant mailbox it was sent to names the org.
    const owners = message.recipients.flatMap((address) => findAssistantsByMailboxAnyOrg(deps.db, address));
    const orgs = [...new Set(owners.map((owner) => owner.org_id))];
    if (orgs.length === 1) {
      orgId = orgs[0]!;
      assistantId = owners[0]!.id;
    }
  }
  if (!orgId) {
    // Else our thread headers (and, for a delivery report, the returned original) name the lead.
    for (const leadId of threadLeadIds(message, message.reportType === 'delivery-status')) {
      const row = deps.db.prepare('SELECT org_id, assistant_id FROM leads WHERE id = ?').get(leadId) as { org_id: string; assistant_id: string } | undefined;
      if (row) {
        orgId = row.org_id;
        assistantId = row.assistant_id;
        break;
      }
    }
  }
  const auth: MailAuthResult =
    deps.inboundAuth !== 'require'
      ? { verdict: 'off', detail: 'not checked (INBOUND_AUTH=off)' }
      : input.source === 'imap'
        ? providerVerdict(message.authenticationResults ?? undefined, message.from?.address ?? null)
        : await verifyMessage(raw, message.from?.address ?? null, deps.dnsResolver);
  const now = deps.clock.now();
  const dedupeKey = `${orgId ?? '-'}:${message.messageId ?? `sha256:${sha256(raw.toString('base64'))}`}`;
  return deps.db.transaction(() => {
    const existing = deps.db.prepare('SELECT id FROM inbound_messages WHERE dedupe_key = ?').get(dedupeKey) as { id: number } | undefined;
    if (existing) return { id: existing.id, duplicate: true, orgId };
    const result = deps.db
      .prepare(
        `INSERT INTO inbound_messages (org_id, assistant_id, source, dedupe_key, message_id, from_address, subject, raw, received_at, status, auth, auth_detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(orgId, assistantId, input.source, dedupeKey, message.messageId, message.from?.address ?? null, message.subject.slice(0, 500), raw, now, orgId ? 'received' : 'unmatched', auth.verdict, auth.detail.slice(0, 500));
    const id = Number(result.lastInsertRowid);
    if (orgId) enqueueJob(deps.db, jobOf('reply', { orgId, inboundId: id }, now), now);
    return { id, duplicate: false, orgId };
  })();
}

export function setInbound(deps: EngineDeps, id: number, changes: Partial<InboundRow>): void {
  const entries = Object.entries(changes);
  deps.db.prepare(`UPDATE inbound_messages SET ${entries.map(([key]) => `${key} = @${key}`).join(', ')} WHERE id = @id`).run({ ...changes, id });
}
