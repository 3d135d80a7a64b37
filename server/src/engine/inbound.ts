import { findAssistantsByMailboxAnyOrg } from '../db/assistants.js';
import { storeInbound } from '../db/inbound.js';
import { enqueueJob } from '../db/jobs.js';
import { findLeadById } from '../db/leads.js';
import { transaction } from '../db/store.js';
import { sha256 } from '../lib/token-cipher.js';
import { type MailAuthResult, providerVerdict, verifyMessage } from '../mail/authentication.js';
import { type InboundMessage, parseMessage } from '../replies/message.js';
import type { EngineDeps } from './context.js';
import { jobOf } from './job-kinds.js';

/** Inbound mail: stored once (deduplicated), matched to an org and a lead by our Message-IDs, read by the reply job. The rows: db/inbound.ts. */

/** Raw messages above this size are cut (the headers and the reply are at the top). */
export const MAX_RAW_BYTES = 2 * 1024 * 1024;

/** Our Message-IDs: `<lead-uuid.step@domain>` (nurture.ts messageIdFor). */
const OUR_ID = /<?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(\d+|b)@[^>\s]+>?/gi;

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
    const owners = (await Promise.all(message.recipients.map((address) => findAssistantsByMailboxAnyOrg(deps.db, address)))).flat();
    const orgs = [...new Set(owners.map((owner) => owner.org_id))];
    if (orgs.length === 1) {
      orgId = orgs[0]!;
      assistantId = owners[0]!.id;
    }
  }
  if (!orgId) {
    // Else our thread headers (and, for a delivery report, the returned original) name the lead.
    for (const leadId of threadLeadIds(message, message.reportType === 'delivery-status')) {
      const lead = await findLeadById(deps.db, leadId);
      if (lead) {
        orgId = lead.org_id;
        assistantId = lead.assistant_id;
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
  // The unique dedupe key decides which of two deliveries at once stores it; only that one queues the job.
  return transaction(deps.db, async (tx) => {
    const stored = await storeInbound(tx, {
      org_id: orgId,
      assistant_id: assistantId,
      source: input.source,
      dedupe_key: dedupeKey,
      message_id: message.messageId,
      from_address: message.from?.address ?? null,
      subject: message.subject.slice(0, 500),
      raw,
      received_at: now,
      status: orgId ? 'received' : 'unmatched',
      auth: auth.verdict,
      auth_detail: auth.detail.slice(0, 500),
    });
    if (!stored.duplicate && orgId) await enqueueJob(tx, jobOf('reply', { orgId, inboundId: stored.id }, now), now);
    return { ...stored, orgId };
  });
}
