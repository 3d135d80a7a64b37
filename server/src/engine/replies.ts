import type { ReplyRefiner } from '../replies/reading.js';
import { findAssistantsByMailboxAnyOrg, getAssistant, listAssistants, setSendingPaused } from '../db/assistants.js';
import { getOrg } from '../db/orgs.js';
import type { ReplyIntent } from '../domain/reply-intents.js';
import type { LeadState } from '../domain/lead-states.js';
import { sha256 } from '../lib/token-cipher.js';
import { type Classification, type TaughtPhrase, classify, isAutomatic } from '../replies/classifier.js';
import type { MeetingTime } from '../replies/dates.js';
import type { ReplyExample } from '../replies/examples.js';
import { type Decision, decide } from '../replies/safety.js';
import { type MailAuthResult, domainOf, providerVerdict, verifyMessage } from '../mail/authentication.js';
import { type InboundMessage, parseMessage } from '../replies/message.js';
import { replySubject } from '../replies/reply-message.js';
import { connectionOf } from '../db/orgs.js';
import { ZohoAuthorizationError } from '../zoho/errors.js';
import { frameEmail } from './composer.js';
import type { EngineDeps } from './context.js';
import { queueNote, queueRecordUpdate, statusUpdate, stopAndHandBack } from './effects.js';
import { enqueueJob, requestJob, scheduleJob } from './jobs.js';
import { resumeLead } from './lead-control.js';
import { type Lead, addLeadEvent, getLead, updateLead } from './leads.js';
import type { OutgoingEmail } from './mailer.js';
import { messageIdFor, unsubscribeFor } from './nurture.js';
import { addToOutbox } from './outbox.js';
import { nextSendTime } from './send-window.js';
import { type SuppressionReason, suppress } from './suppression.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Raw messages above this size are cut (the headers and the reply are at the top). */
export const MAX_RAW_BYTES = 2 * 1024 * 1024;
/** An absence notice without a return date pauses this long. */
export const DEFAULT_ABSENCE_MS = 7 * DAY_MS;
/** "Later" without a date means this much later. */
export const DEFAULT_LATER_MS = 30 * DAY_MS;
/** Absences and "later" are honoured up to this far ahead (a misread year cannot park a lead for ever). */
const MAX_DEFER_MS = 180 * DAY_MS;
/** The bounce rate is measured over this window, once this many emails went out. */
export const BOUNCE_WINDOW_MS = 7 * DAY_MS;
export const BOUNCE_MIN_SENDS = 20;
/** Below this confidence an optional model may refine the built-in result. */
export const REFINE_BELOW = 0.7;

/** Addresses we put into a COQL query: letters, digits and . _ % + - only, so nothing can be injected. */
const SAFE_EMAIL = /^[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})*\.[a-z]{2,24}$/;

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
function threadLeadIds(message: InboundMessage, includeBody: boolean): string[] {
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
    if (orgId) enqueueJob(deps.db, { orgId, kind: 'reply', key: `reply:${id}`, payload: { orgId, inboundId: id }, runAt: now }, now);
    return { id, duplicate: false, orgId };
  })();
}

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

/** "Thursday 14:00 (2026-12-10)": the proposed time as the note and the widget show it. */
export function meetingText(meeting: MeetingTime): string {
  return `${meeting.label} (${meeting.at.slice(0, 10)})`;
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

function setInbound(deps: EngineDeps, id: number, changes: Partial<InboundRow>): void {
  const entries = Object.entries(changes);
  deps.db.prepare(`UPDATE inbound_messages SET ${entries.map(([key]) => `${key} = @${key}`).join(', ')} WHERE id = @id`).run({ ...changes, id });
}

/** YYYY-MM-DD as the start of that day's business hours for the assistant. */
function dayToTime(deps: EngineDeps, lead: Lead, day: string | undefined, fallbackMs: number): number {
  const now = deps.clock.now();
  const assistant = getAssistant(deps.db, lead.org_id, lead.assistant_id)!;
  let at = day ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(at) || at <= now) at = now + fallbackMs;
  at = Math.min(at, now + MAX_DEFER_MS);
  return nextSendTime(at, assistant);
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

export const HANDBACK_STATE: Partial<Record<ReplyIntent, LeadState>> = {
  AgreedToMeet: 'Hot',
  InterestedToProceed: 'Hot',
  SeekingMoreInfo: 'Warm',
  Unclassified: 'Responded',
  ReferredSomeone: 'Responded',
  MovedOut: 'Deactivated',
  Retired: 'Deactivated',
  Deactivated: 'Deactivated',
  Unsubscribed: 'Unsubscribed',
};

export const SUPPRESS: Partial<Record<ReplyIntent, SuppressionReason>> = {
  Unsubscribed: 'unsubscribed',
  Deactivated: 'not_interested',
  MovedOut: 'moved_out',
  Retired: 'retired',
};

function describeIntent(classification: Classification): string {
  return `${classification.intent} (confidence ${classification.confidence.toFixed(2)}; ${classification.reason})`;
}

/** What the reply makes the assistant do; answers a short description for the inbound log. */
function actOnReply(deps: EngineDeps, lead: Lead, inboundId: number, message: InboundMessage, classification: Classification, decision: Decision, now: number, unverified: string | null): string {
  const { intent } = classification;
  const unclear = decision.kind === 'unclear' ? decision.why : null;
  const working = lead.status === 'active' || lead.status === 'paused';
  const human = !['Bounce', 'AutoReply', 'SupportAutoResponse', 'OutOfOffice'].includes(intent);
  const soft = intent === 'Bounce' && classification.bounce?.hard === false;
  addLeadEvent(
    deps.db,
    lead,
    'reply',
    {
      inboundId,
      intent,
      confidence: classification.confidence,
      reason: classification.reason,
      subject: message.subject,
      from: message.from?.address ?? null,
      excerpt: classification.excerpt.slice(0, 500),
      ...(classification.date ? { date: classification.date } : {}),
      ...(classification.meeting ? { meeting: meetingText(classification.meeting), meeting_at: classification.meeting.at } : {}),
      ...(classification.referral ? { referral: classification.referral } : {}),
      ...(unclear ? { unclear } : {}),
    },
    now,
  );
  updateLead(deps.db, lead, { last_intent: intent, ...(human ? { last_reply_at: now } : {}) }, now);
  // Every reply is logged on the record (a delayed-delivery notice is not a reply, and is not).
  if (!soft) {
    const title = intent === 'Bounce' ? `Email bounced: ${classification.bounce?.recipient ?? lead.email ?? ''}` : `Reply received: ${message.subject || '(no subject)'}`;
    const lines = [
      `From: ${message.from ? `${message.from.name ? `${message.from.name} ` : ''}<${message.from.address}>` : 'unknown'}`,
      `Understood as: ${describeIntent(classification)}`,
      ...(unclear ? [`Unclear, please read: ${unclear}.`] : []),
      ...(unverified && intent !== 'Bounce' ? [`Sender not verified (${unverified}): nothing was suppressed or handed back; please read.`] : []),
      ...(classification.meeting ? [`Proposed meeting time: ${meetingText(classification.meeting)}`] : []),
      ...(classification.date ? [`Date mentioned: ${classification.date}`] : []),
      ...(classification.bounce ? [`Delivery status: ${classification.bounce.status ?? 'unknown'}${classification.bounce.diagnostic ? ` — ${classification.bounce.diagnostic}` : ''}`] : []),
      '',
      classification.excerpt.slice(0, 1_500) || '(no text)',
    ];
    queueNote(deps, lead, `reply:${inboundId}`, title, lines.join('\n'), now);
  }
  // Unauthenticated mail (a forged From: costs nothing) may inform a person, never act: no suppression,
  // no opt-out, no handback, no record. Bounces are trusted only with our own original inside (findLead).
  const benign = !unclear && (intent === 'AutoReply' || intent === 'SupportAutoResponse');
  if (unverified && intent !== 'Bounce' && !benign) {
    if (lead.status !== 'active') return `logged; sender not verified (${unverified})`;
    updateLead(deps.db, lead, { status: 'paused', next_send_at: null }, now);
    addLeadEvent(deps.db, lead, 'paused', { reason: 'unverified reply', inboundId }, now);
    return `paused: sender not verified (${unverified}); a person reads it`;
  }
  if (unclear) {
    // Never suppress, opt out or keep emailing on a guess: the lead stops and a person reads it.
    if (!working) return `logged; unclear (${unclear}); the lead was already ${lead.status.replace('_', ' ')}`;
    stopAndHandBack(deps, lead, `Unclear, please read: ${unclear}.`, 'Responded', now);
    return `handed back: unclear, please read (${unclear})`;
  }
  // What a reply says about the address holds whatever the lead's state: a "remove me" after the handback still counts.
  const suppressReason = intent === 'Bounce' ? (soft ? undefined : 'bounced') : SUPPRESS[intent];
  if (suppressReason && lead.email) suppress(deps.db, lead.org_id, lead.email, suppressReason, `reply ${inboundId}`, now);
  if (intent === 'Unsubscribed') optOutInZoho(deps, lead, now);
  if (!working) return `logged${suppressReason ? ', address suppressed' : ''}; the lead was already ${lead.status.replace('_', ' ')}`;
  // A lead a person paused stays paused: an absence or "later" only records the date.
  const ownPause = lead.status === 'paused' && lead.resume_at === null;

  switch (intent) {
    case 'AutoReply':
    case 'SupportAutoResponse':
      return 'logged; the sequence continues';
    case 'Bounce': {
      if (soft) return 'temporary delivery delay; nothing changed';
      stopAndHandBack(deps, lead, `The email to ${lead.email ?? 'the lead'} bounced (${classification.bounce?.status ?? 'permanent failure'}).`, 'Deactivated', now);
      checkBounceRate(deps, lead.org_id, lead.assistant_id, now);
      return 'deactivated: address suppressed, handed back';
    }
    case 'OutOfOffice': {
      if (ownPause) return `paused by a person; absence noted${classification.date ? ` (back ${classification.date})` : ''}`;
      const resumeAt = dayToTime(deps, lead, classification.date, DEFAULT_ABSENCE_MS);
      updateLead(deps.db, lead, { status: 'paused', state: 'Out of office', next_send_at: null, resume_at: resumeAt }, now);
      queueRecordUpdate(deps, lead, `state:${lead.id}:ooo:${inboundId}`, statusUpdate(deps, lead, 'Out of office'), now);
      scheduleJob(deps.db, { orgId: lead.org_id, kind: 'resume', key: `resume:${lead.id}`, payload: { orgId: lead.org_id, leadId: lead.id, inboundId }, runAt: resumeAt }, now);
      return `paused until ${new Date(resumeAt).toISOString()}`;
    }
    case 'ConnectLater': {
      if (ownPause) return `paused by a person; "later" noted${classification.date ? ` (${classification.date})` : ''}`;
      const at = dayToTime(deps, lead, classification.date, DEFAULT_LATER_MS);
      if (lead.next_step >= lead.steps_total) {
        stopAndHandBack(deps, lead, `The lead asked to reconnect later (${new Date(at).toISOString().slice(0, 10)}); the sequence has no emails left.`, 'Engaged', now);
        return 'handed back: asked to reconnect later, no emails left';
      }
      // The next email waits until then; a pending step job is moved, an unsent written email too.
      updateLead(deps.db, lead, { state: 'Engaged', status: 'paused', next_send_at: at, resume_at: at }, now);
      queueRecordUpdate(deps, lead, `state:${lead.id}:later:${inboundId}`, statusUpdate(deps, lead, 'Engaged'), now);
      scheduleJob(deps.db, { orgId: lead.org_id, kind: 'resume', key: `resume:${lead.id}`, payload: { orgId: lead.org_id, leadId: lead.id, inboundId }, runAt: at }, now);
      return `rescheduled: next email ${new Date(at).toISOString()}`;
    }
    case 'BrochureSent': {
      const assistant = getAssistant(deps.db, lead.org_id, lead.assistant_id)!;
      if (!assistant.brochure_url || !lead.email) {
        stopAndHandBack(deps, lead, 'The lead asked for material, and no brochure link is set for the assistant: please send it.', 'Warm', now);
        return 'handed back: asked for material, no brochure link configured';
      }
      if (lead.status === 'active') updateLead(deps.db, lead, { status: 'paused', next_send_at: null }, now);
      const unsubscribe = unsubscribeFor(deps, lead);
      const email: OutgoingEmail = {
        from: { name: assistant.name, address: assistant.mailbox_email },
        to: lead.email,
        subject: replySubject(message.subject || 'our conversation'),
        text: frameEmail(`Hi ${lead.first_name || 'there'},\n\nAs promised, here is our brochure: ${assistant.brochure_url}\n\nHappy to answer any questions.`, { assistant, stepIndex: lead.next_step, unsubscribeUrl: unsubscribe.url }),
        messageId: messageIdFor(lead, 'b', assistant.mailbox_email),
        inReplyTo: message.messageId ?? undefined,
        references: [...(lead.thread_message_id ? [lead.thread_message_id] : []), ...(message.messageId ? [message.messageId] : [])],
        headers: unsubscribe.headers,
      };
      const outbox = addToOutbox(deps.db, { orgId: lead.org_id, leadId: lead.id, kind: 'email', key: `brochure:${lead.id}`, payload: { step: -1, reply: 'brochure', email } }, now);
      requestJob(deps.db, { orgId: lead.org_id, kind: 'send', key: `send:${outbox.id}`, payload: { orgId: lead.org_id, outboxId: outbox.id }, runAt: now }, now);
      return 'brochure link sent; hand back follows';
    }
    case 'ReferredSomeone': {
      const referral = classification.referral;
      if (referral?.email) {
        const result = deps.db
          .prepare("INSERT INTO referrals (org_id, lead_id, inbound_id, name, email, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (inbound_id) DO NOTHING")
          .run(lead.org_id, lead.id, inboundId, referral.name, referral.email.toLowerCase(), now, now);
        if (result.changes === 1) {
          const id = Number(result.lastInsertRowid);
          enqueueJob(deps.db, { orgId: lead.org_id, kind: 'referral', key: `referral:${id}`, payload: { orgId: lead.org_id, referralId: id }, runAt: now, maxAttempts: 50 }, now);
        }
      }
      const who = referral ? `${referral.name ?? 'someone'}${referral.email ? ` <${referral.email}>` : ''}` : 'someone else';
      stopAndHandBack(deps, lead, `The lead referred the assistant to ${who}.`, 'Responded', now);
      return `referral to ${who}; handed back`;
    }
    default: {
      const state = HANDBACK_STATE[intent] ?? 'Responded';
      const why: Record<string, string> = {
        AgreedToMeet: 'The lead agreed to meet.',
        InterestedToProceed: 'The lead wants to go ahead.',
        SeekingMoreInfo: 'The lead asked questions.',
        Unsubscribed: 'The lead asked to unsubscribe.',
        Deactivated: 'The lead is not interested.',
        MovedOut: 'The lead has left the company.',
        Retired: 'The lead has retired.',
      };
      stopAndHandBack(deps, lead, why[intent] ?? 'The lead replied.', state, now);
      return `handed back as ${state}`;
    }
  }
}

/** Our suppression reaches Zoho: Email_Opt_Out on the record (Leads and Contacts have it). */
export function optOutInZoho(deps: EngineDeps, lead: Lead, now: number): void {
  if (lead.zoho_module === 'Leads' || lead.zoho_module === 'Contacts') queueRecordUpdate(deps, lead, `optout:${lead.id}`, { Email_Opt_Out: true }, now);
}

/** An absence or a "later" is over: the lead goes back to work (unless a person changed it meanwhile). */
export function resumeAfterPause(deps: EngineDeps, orgId: string, leadId: string): void {
  deps.db.transaction(() => {
    const lead = getLead(deps.db, orgId, leadId);
    if (!lead || lead.status !== 'paused' || lead.resume_at === null) return;
    const now = deps.clock.now();
    resumeLead(deps, lead, now, Math.max(now, lead.resume_at), { after: lead.state === 'Out of office' ? 'absence' : 'asked to reconnect later' });
    if (lead.state === 'Out of office') queueRecordUpdate(deps, lead, `state:${lead.id}:resumed:${now}`, statusUpdate(deps, lead, 'Pending'), now);
  })();
}

/**
 * The bounce-rate gate: when hard bounces over emails sent in the last week pass the assistant's
 * threshold (with enough sends to judge), sending pauses and the assistant says why.
 */
export function checkBounceRate(deps: EngineDeps, orgId: string, assistantId: string, now: number): void {
  const assistant = getAssistant(deps.db, orgId, assistantId);
  if (!assistant || assistant.sending_paused_at !== null) return;
  const since = now - BOUNCE_WINDOW_MS;
  const sent = (deps.db
    .prepare("SELECT COUNT(*) AS n FROM outbox o JOIN leads l ON l.id = o.lead_id WHERE o.org_id = ? AND l.assistant_id = ? AND o.kind = 'email' AND o.status IN ('done', 'unconfirmed') AND o.done_at >= ?")
    .get(orgId, assistantId, since) as { n: number }).n;
  const bounced = (deps.db
    .prepare("SELECT COUNT(*) AS n FROM inbound_messages i JOIN leads l ON l.id = i.lead_id WHERE i.org_id = ? AND l.assistant_id = ? AND i.intent = 'Bounce' AND i.received_at >= ? AND (i.action IS NULL OR i.action LIKE 'deactivated%')")
    .get(orgId, assistantId, since) as { n: number }).n + 1;
  if (sent < BOUNCE_MIN_SENDS) return;
  const rate = bounced / sent;
  if (rate <= assistant.bounce_threshold) return;
  const reason = `Bounce rate ${(rate * 100).toFixed(1)}% (${bounced} of ${sent} emails in 7 days) is above ${(assistant.bounce_threshold * 100).toFixed(1)}%: sending paused until an admin resumes it.`;
  setSendingPaused(deps.db, orgId, assistantId, reason, now);
  deps.logger.warn('assistant sending paused: bounce rate over threshold', { orgId, assistantId, bounced, sent });
}

/**
 * Creates the person a lead referred us to, in Zoho, under the lead's previous owner: found by
 * email first (Contacts, then Leads), so nobody is created twice; linked to the same account.
 */
export async function createReferral(deps: EngineDeps, orgId: string, referralId: number): Promise<void> {
  const referral = deps.db.prepare('SELECT * FROM referrals WHERE org_id = ? AND id = ?').get(orgId, referralId) as
    | { id: number; lead_id: string; name: string | null; email: string; status: string; inbound_id: number }
    | undefined;
  if (!referral || referral.status !== 'pending') return;
  const lead = getLead(deps.db, orgId, referral.lead_id);
  const org = getOrg(deps.db, orgId);
  if (!lead || !org || org.status === 'disconnected') return;
  if (org.status !== 'active') throw new ZohoAuthorizationError(`org ${orgId} needs re-authorization`);
  const connection = connectionOf(org);
  const email = referral.email;
  if (!SAFE_EMAIL.test(email)) {
    deps.db.prepare("UPDATE referrals SET status = 'invalid', updated_at = ? WHERE id = ?").run(deps.clock.now(), referral.id);
    return;
  }
  let existing: { module: string; id: string } | null = null;
  for (const module of ['Contacts', 'Leads']) {
    const rows = await deps.gateway.coql(connection, `select id from ${module} where Email = '${email}' limit 1`);
    if (rows[0]) {
      existing = { module, id: String(rows[0].id) };
      break;
    }
  }
  const now = deps.clock.now();
  const referrer = [lead.first_name, lead.last_name].filter(Boolean).join(' ') || lead.email || 'a lead';
  let target = existing;
  if (!target) {
    const [first, ...rest] = (referral.name ?? '').trim().split(/\s+/).filter(Boolean);
    const last = rest.length > 0 ? rest.join(' ') : (first ?? email.split('@')[0]!);
    const module = lead.zoho_module === 'Leads' ? 'Leads' : 'Contacts';
    const values: Record<string, unknown> = { Last_Name: last, Email: email, ...(rest.length > 0 && first ? { First_Name: first } : {}) };
    if (lead.previous_owner_id) values.Owner = lead.previous_owner_id;
    if (module === 'Leads') {
      values.Company = lead.company ?? '-';
    } else {
      const source = await deps.gateway.getRecord(connection, lead.zoho_module, lead.zoho_record_id, ['Account_Name']);
      const account = source?.Account_Name as { id?: unknown } | null | undefined;
      if (typeof account?.id === 'string') values.Account_Name = { id: account.id };
    }
    const [result] = await deps.gateway.createRecords(connection, module, [values]);
    if (!result?.ok) throw new Error(`Zoho refused the referral: ${result?.code ?? 'UNKNOWN'} ${result?.message ?? ''}`);
    target = { module, id: result.id };
  }
  deps.db.transaction(() => {
    deps.db.prepare('UPDATE referrals SET status = ?, zoho_module = ?, zoho_record_id = ?, updated_at = ? WHERE id = ?').run(existing ? 'existing' : 'created', target.module, target.id, now, referral.id);
    addLeadEvent(deps.db, lead, 'referral', { name: referral.name, email, module: target.module, recordId: target.id, created: !existing }, now);
    const note = `${referrer} pointed the assistant to ${referral.name ?? email} <${email}>${existing ? '; this record already existed in Zoho.' : '.'}`;
    queueNote(deps, { ...lead, zoho_module: target.module, zoho_record_id: target.id }, `referral:${referral.id}:target`, `Referred by ${referrer}`, note, now);
    queueNote(deps, lead, `referral:${referral.id}:source`, `Referral: ${referral.name ?? email}`, `${existing ? 'Found' : 'Created'} ${target.module} ${referral.name ?? email} <${email}> in Zoho${lead.previous_owner_name ? `, owned by ${lead.previous_owner_name}` : ''}.`, now);
  })();
}
