import type { ReplyRefiner } from '../replies/reading.js';
import { listAssistants } from '../db/assistants.js';
import { findLeadBySender, getInbound, lockInbound, rawOf, setInbound } from '../db/inbound.js';
import { type Lead, getLead, lockLead } from '../db/leads.js';
import { getOrg } from '../db/orgs.js';
import { outboxOfLead } from '../db/outbox.js';
import { listReplyExamples } from '../db/reply-examples.js';
import { listTaughtPhrases } from '../db/reply-phrases.js';
import { transaction } from '../db/store.js';
import { classify, isAutomatic } from '../replies/classifier.js';
import type { ReplyExample } from '../replies/examples.js';
import { decide } from '../replies/safety.js';
import { domainOf } from '../mail/authentication.js';
import { type InboundMessage, parseMessage } from '../replies/message.js';
import type { EngineDeps } from './context.js';
import { threadLeadIds } from './inbound.js';
import { actOnReply } from './reply-actions.js';

/** The reply job: classify an inbound message in the sender's own words (with the org's taught phrases and examples, and the optional refiner below its threshold), decide safely, act. */

/** Below this confidence an optional model may refine the built-in result. */
export const REFINE_BELOW = 0.7;

/** The org's own examples: replies a person corrected (their features stored with them). */
async function orgExamples(deps: EngineDeps, orgId: string): Promise<ReplyExample[]> {
  const stored = await listReplyExamples(deps.db, orgId);
  return stored.map((example) => ({ kind: 'reply', intent: example.intent, text: example.text, features: JSON.parse(example.features) as string[] }));
}

/** What we sent this lead (the outbox copies): never the sender's own words. */
export async function ourEmailsTo(deps: EngineDeps, orgId: string, leadId: string): Promise<string[]> {
  const emails = (await outboxOfLead(deps.db, orgId, leadId)).filter((row) => row.kind === 'email');
  return emails.map((row) => (JSON.parse(row.payload) as { email?: { text?: string } }).email?.text ?? '').filter(Boolean);
}

async function findLead(deps: EngineDeps, orgId: string, message: InboundMessage, bounce: boolean): Promise<{ lead: Lead; by: string } | null> {
  for (const leadId of threadLeadIds(message, bounce)) {
    const lead = await getLead(deps.db, orgId, leadId);
    if (lead) return { lead, by: 'thread' };
  }
  // A bounce is acted on only when it carries our original (anyone can write "Final-Recipient: x").
  if (bounce) return null;
  const address = message.from?.address;
  if (!address) return null;
  // By sender: a lead we have emailed, being worked first, then the most recent; never with mail older than the lead.
  const lead = await findLeadBySender(deps.db, orgId, address, message.date ? message.date.getTime() + 24 * 60 * 60 * 1000 : Number.MAX_SAFE_INTEGER);
  return lead ? { lead, by: 'sender' } : null;
}

/**
 * Reads a stored reply: match it to a lead, classify it, log it in Zoho, and act. Runs once per
 * message (the job key); every effect is keyed by the message id, so a rerun repeats nothing.
 */
export async function handleReply(deps: EngineDeps, orgId: string, inboundId: number, refiner?: ReplyRefiner): Promise<void> {
  const row = await getInbound(deps, orgId, inboundId);
  if (!row || row.status !== 'received') return;
  const org = await getOrg(deps.db, orgId);
  if (!org || org.status === 'disconnected') return;
  const message = await parseMessage(await rawOf(deps, orgId, inboundId));
  const ourAddresses = (await listAssistants(deps.db, orgId)).map((assistant) => assistant.mailbox_email);
  // The lead first (by thread or sender), so that our own emails to it are known and dropped from the reading.
  const preliminary = await findLead(deps, orgId, message, false);
  const ours = preliminary ? await ourEmailsTo(deps, orgId, preliminary.lead.id) : [];
  const taught = await listTaughtPhrases(deps.db, orgId);
  let classification = classify(message, { taught, examples: await orgExamples(deps, orgId), ourAddresses, ours, now: new Date(deps.clock.now()) });
  // The optional model is asked only when the reading is unsure; its answer goes through the same safety rules.
  if (refiner && classification.confidence < REFINE_BELOW && classification.intent !== 'Bounce' && classification.source !== 'example') {
    classification = await refiner.refine(message, classification);
  }
  const found = classification.intent === 'Bounce' ? await findLead(deps, orgId, message, true) : preliminary;
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
    await setInbound(deps, inboundId, { ...classified, status: 'unmatched', action: 'kept: no lead matched' });
    deps.logger.info('inbound email matched no lead; kept as unmatched', { orgId, inboundId, intent: classification.intent });
    return;
  }
  await transaction(deps.db, async (tx) => {
    // Read again, locked, the lead before the reply (the order every writer takes, so none deadlock):
    // a rerun of this job that got here first has acted already.
    const lead = await lockLead(tx, orgId, found.lead.id);
    const current = await lockInbound(tx, orgId, inboundId);
    if (!lead || !current || current.status !== 'received') return;
    const inTx = { ...deps, db: tx };
    // A reply whose sender is not authenticated informs a person, and acts on nothing by itself.
    // Authenticated, and for the lead's own domain: a signed message from another domain that carries our thread ids proves nothing about the lead.
    const verified = row.auth === null || row.auth === 'off' || (row.auth === 'pass' && classification.intent !== 'Bounce' && domainOf(message.from?.address) !== null && domainOf(message.from?.address) === domainOf(lead.email)) || (row.auth === 'pass' && classification.intent === 'Bounce');
    const action = await actOnReply(inTx, lead, inboundId, message, classification, decision, now, verified ? null : (row.auth_detail ?? 'not authenticated'));
    await setInbound(inTx, inboundId, { ...classified, status: 'processed', lead_id: lead.id, matched_by: found.by, action });
  });
}
