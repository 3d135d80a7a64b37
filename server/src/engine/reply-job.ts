import type { ReplyRefiner } from '../replies/reading.js';
import { listAssistants } from '../db/assistants.js';
import { getOrg } from '../db/orgs.js';
import { type TaughtPhrase, classify, isAutomatic } from '../replies/classifier.js';
import type { ReplyExample } from '../replies/examples.js';
import { decide } from '../replies/safety.js';
import { domainOf } from '../mail/authentication.js';
import { type InboundMessage, parseMessage } from '../replies/message.js';
import type { EngineDeps } from './context.js';
import { type Lead, getLead } from './leads.js';
import { getInbound, rawOf, setInbound, threadLeadIds } from './inbound.js';
import { actOnReply } from './reply-actions.js';

/** The reply job: classify an inbound message in the sender's own words (with the org's taught phrases and examples, and the optional refiner below its threshold), decide safely, act. */

/** Below this confidence an optional model may refine the built-in result. */
export const REFINE_BELOW = 0.7;

function taughtPhrases(deps: EngineDeps, orgId: string): TaughtPhrase[] {
  return deps.db.prepare('SELECT phrase, intent FROM reply_phrases WHERE org_id = ? ORDER BY length(phrase) DESC').all(orgId) as TaughtPhrase[];
}

/** The org's own examples: replies a person corrected (their features stored with them). */
function orgExamples(deps: EngineDeps, orgId: string): ReplyExample[] {
  const rows = deps.db.prepare('SELECT intent, text, features FROM reply_examples WHERE org_id = ? ORDER BY id DESC LIMIT 500').all(orgId) as { intent: ReplyExample['intent']; text: string; features: string }[];
  return rows.map((row) => ({ kind: 'reply', intent: row.intent, text: row.text, features: JSON.parse(row.features) as string[] }));
}

/** What we sent this lead (the outbox copies): never the sender's own words. */
export function ourEmailsTo(deps: EngineDeps, orgId: string, leadId: string): string[] {
  const rows = deps.db.prepare("SELECT payload FROM outbox WHERE org_id = ? AND lead_id = ? AND kind = 'email' ORDER BY id").all(orgId, leadId) as { payload: string }[];
  return rows.map((row) => (JSON.parse(row.payload) as { email?: { text?: string } }).email?.text ?? '').filter(Boolean);
}

function findLead(deps: EngineDeps, orgId: string, message: InboundMessage, bounce: boolean): { lead: Lead; by: string } | null {
  for (const leadId of threadLeadIds(message, bounce)) {
    const lead = getLead(deps.db, orgId, leadId);
    if (lead) return { lead, by: 'thread' };
  }
  // A bounce is acted on only when it carries our original (anyone can write "Final-Recipient: x").
  if (bounce) return null;
  const address = message.from?.address;
  if (!address) return null;
  // By sender: a lead we have emailed, being worked first, then the most recent; never with mail older than the lead.
  const lead = deps.db
    .prepare(
      `SELECT * FROM leads WHERE org_id = ? AND lower(email) = ? AND last_sent_at IS NOT NULL AND created_at <= ?
       ORDER BY CASE WHEN status IN ('active', 'paused') THEN 0 ELSE 1 END, created_at DESC LIMIT 1`,
    )
    .get(orgId, address.toLowerCase(), message.date ? message.date.getTime() + 24 * 60 * 60 * 1000 : Number.MAX_SAFE_INTEGER) as Lead | undefined;
  return lead ? { lead, by: 'sender' } : null;
}

/**
 * Reads a stored reply: match it to a lead, classify it, log it in Zoho, and act. Runs once per
 * message (the job key); every effect is keyed by the message id, so a rerun repeats nothing.
 */
export async function handleReply(deps: EngineDeps, orgId: string, inboundId: number, refiner?: ReplyRefiner): Promise<void> {
  const row = getInbound(deps, orgId, inboundId);
  if (!row || row.status !== 'received') return;
  const org = getOrg(deps.db, orgId);
  if (!org || org.status === 'disconnected') return;
  const message = await parseMessage(rawOf(deps, orgId, inboundId));
  const ourAddresses = listAssistants(deps.db, orgId).map((assistant) => assistant.mailbox_email);
  // The lead first (by thread or sender), so that our own emails to it are known and dropped from the reading.
  const preliminary = findLead(deps, orgId, message, false);
  const ours = preliminary ? ourEmailsTo(deps, orgId, preliminary.lead.id) : [];
  let classification = classify(message, { taught: taughtPhrases(deps, orgId), examples: orgExamples(deps, orgId), ourAddresses, ours, now: new Date(deps.clock.now()) });
  // The optional model is asked only when the reading is unsure; its answer goes through the same safety rules.
  if (refiner && classification.confidence < REFINE_BELOW && classification.intent !== 'Bounce' && classification.source !== 'example') {
    classification = await refiner.refine(message, classification);
  }
  const found = classification.intent === 'Bounce' ? findLead(deps, orgId, message, true) : preliminary;
  const now = deps.clock.now();
  const decision = decide(classification, isAutomatic(message));
  const classified = {
    intent: classification.intent,
    confidence: classification.confidence,
    reason: classification.reason,
    extracted_date: classification.date ?? classification.meeting?.at ?? null,
    decision: decision.kind === 'act' ? 'act' : `unclear: ${decision.why}`,
    processed_at: now,
  };
  if (!found) {
    setInbound(deps, inboundId, { ...classified, status: 'unmatched', action: 'kept: no lead matched' });
    deps.logger.info('inbound email matched no lead; kept as unmatched', { orgId, inboundId, intent: classification.intent });
    return;
  }
  deps.db.transaction(() => {
    const lead = getLead(deps.db, orgId, found.lead.id)!;
    // A reply whose sender is not authenticated informs a person, and acts on nothing by itself.
    // Authenticated, and for the lead's own domain: a signed message from another domain that carries our thread ids proves nothing about the lead.
    const verified = row.auth === null || row.auth === 'off' || (row.auth === 'pass' && classification.intent !== 'Bounce' && domainOf(message.from?.address) !== null && domainOf(message.from?.address) === domainOf(lead.email)) || (row.auth === 'pass' && classification.intent === 'Bounce');
    const action = actOnReply(deps, lead, inboundId, message, classification, decision, now, verified ? null : (row.auth_detail ?? 'not authenticated'));
    setInbound(deps, inboundId, { ...classified, status: 'processed', lead_id: lead.id, matched_by: found.by, action });
  })();
}
