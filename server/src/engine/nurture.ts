import { getAssistant } from '../db/assistants.js';
import { requestJob } from '../db/jobs.js';
import { type Lead, addLeadEvent, getLead, lockLead, updateLead } from '../db/leads.js';
import { getOrg } from '../db/orgs.js';
import { addToOutboxOnce, getOutbox, moveOutbox, outboxByKey, outboxOfLead } from '../db/outbox.js';
import { countSend, sentFrom } from '../db/send-counts.js';
import { getSequence } from '../db/sequences.js';
import { transaction } from '../db/store.js';
import { findSuppression, stateForSuppression } from '../db/suppressions.js';
import { hmac, safeEqual } from '../lib/token-cipher.js';
import { ZohoAuthorizationError } from '../zoho/errors.js';
import { FINAL_WAIT_MS, type EngineDeps } from './context.js';
import { planNextStep, queueHandback, queueNote, queueRecordUpdate, statusUpdate, stopAndHandBack } from './effects.js';
import type { OutgoingEmail } from './mailer.js';
import { PermanentJobError, RetryAfterError } from './runner.js';
import { DAY_MS, localDay, nextSendTime, windowFor } from './send-window.js';
import { draftWritten, needsApproval } from './drafts.js';
import { jobOf } from './job-kinds.js';


export function unsubscribeToken(deps: EngineDeps, lead: Pick<Lead, 'id'>, key = deps.cipher.deriveKey('unsubscribe')): string {
  return `${lead.id}.${hmac(key, lead.id).slice(0, 22)}`;
}

/** A lead's unsubscribe link, and the RFC 8058 one-click headers every email carries. */
export function unsubscribeFor(deps: EngineDeps, lead: Pick<Lead, 'id'>): { url: string; headers: Record<string, string> } {
  const url = `${deps.publicUrl()}/unsubscribe/${unsubscribeToken(deps, lead)}`;
  return { url, headers: { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } };
}

/** Links in mail already sent keep working after ENCRYPTION_KEY rotates: any configured key may have signed them. */
export function isUnsubscribeToken(deps: EngineDeps, lead: Pick<Lead, 'id'>, token: string): boolean {
  return deps.cipher.deriveKeys('unsubscribe').some((key) => safeEqual(token, unsubscribeToken(deps, lead, key)));
}

/** Message-IDs are ours and fixed per (lead, step), so replies thread and match; `b` is the brochure answer. */
export function messageIdFor(lead: Pick<Lead, 'id'>, step: number | 'b', mailbox: string): string {
  return `<${lead.id}.${step}@${mailbox.split('@')[1] ?? 'assistant.local'}>`;
}

/** The sequence's emails this lead was sent so far (handed to SMTP), oldest first: what a follow-up builds on. */
async function threadSoFar(deps: EngineDeps, lead: Lead): Promise<{ subject: string; text: string }[]> {
  const rows = await outboxOfLead(deps.db, lead.org_id, lead.id);
  return rows
    .filter((row) => row.kind === 'email' && (row.status === 'done' || row.status === 'unconfirmed' || row.status === 'sending'))
    .map((row) => JSON.parse(row.payload) as { step?: number; reply?: string; email: OutgoingEmail })
    .filter((payload) => payload.reply === undefined && typeof payload.step === 'number')
    .sort((a, b) => a.step! - b.step!)
    .map((payload) => ({ subject: payload.email.subject, text: payload.email.text }));
}

/**
 * A due step: inside business hours and under the daily cap, write the email and put it in the
 * outbox (keyed per lead and step, so a rerun never makes a second one); delivery is its own job.
 */
export async function runStep(deps: EngineDeps, orgId: string, leadId: string, step: number, force = false): Promise<void> {
  const lead = await getLead(deps.db, orgId, leadId);
  if (!lead || lead.status !== 'active' || lead.next_step !== step) return;
  const org = await getOrg(deps.db, orgId);
  if (!org || org.status === 'disconnected') return;
  if (org.status !== 'active') throw new ZohoAuthorizationError(`org ${orgId} needs re-authorization`);
  const assistant = await getAssistant(deps.db, orgId, lead.assistant_id);
  const sequence = await getSequence(deps.db, orgId, lead.sequence_id);
  const definition = sequence?.steps[step];
  if (!assistant || !sequence || !definition || !lead.email) throw new PermanentJobError(`lead ${leadId} lost its assistant, sequence or email`);

  const now = deps.clock.now();
  if (await stopIfSuppressed(deps, lead, lead.email, now)) return;
  if (assistant.sending_paused_at !== null) {
    await updateLead(deps.db, lead, { next_send_at: null }, now);
    throw new RetryAfterError(now + SENDING_PAUSED_RECHECK_MS, `sending paused: ${assistant.sending_paused_reason ?? 'by an admin'}`);
  }
  // The counts of today and later days, read once: which days are full under the daily cap.
  const today = localDay(now, assistant.time_zone);
  const counts = await sentFrom(deps.db, assistant.id, today);
  const isFull = (day: string) => (counts.get(day) ?? 0) >= assistant.daily_cap;
  // "Send now" from the widget is a person's decision: it skips business hours, not the daily cap.
  const window = windowFor(assistant, lead);
  const sendAt = force ? (isFull(today) ? nextSendTime(now, window, isFull, assistant.time_zone) : now) : nextSendTime(now, window, isFull, assistant.time_zone);
  if (sendAt > now) {
    await updateLead(deps.db, lead, { next_send_at: sendAt }, now);
    throw new RetryAfterError(sendAt, 'outside business hours or over the daily cap');
  }
  // Its draft already waits for a person (a resume queued the step again): nothing to write.
  if ((await outboxByKey(deps.db, orgId, `email:${leadId}:${step}`))?.status === 'draft') {
    await updateLead(deps.db, lead, { next_send_at: null }, now);
    return;
  }
  const unsubscribe = unsubscribeFor(deps, lead);
  const composed = await deps.composer.compose({
    lead,
    assistant,
    step: definition,
    stepIndex: step,
    stepsTotal: sequence.steps.length,
    unsubscribeUrl: unsubscribe.url,
    thread: await threadSoFar(deps, lead),
  });
  const messageId = messageIdFor(lead, step, assistant.mailbox_email);
  const thread = lead.thread_message_id;
  const email: OutgoingEmail = {
    from: { name: assistant.name, address: assistant.mailbox_email },
    to: lead.email,
    subject: composed.subject,
    text: composed.text,
    messageId,
    inReplyTo: step > 0 && lead.last_message_id ? lead.last_message_id : undefined,
    references: step > 0 && thread ? [thread, ...(lead.last_message_id && lead.last_message_id !== thread ? [lead.last_message_id] : [])] : undefined,
    headers: unsubscribe.headers,
  };
  // With approval on, the email waits as a draft for a person (engine/drafts.ts): nothing goes to SMTP, nothing counts against the cap yet.
  if (needsApproval(assistant, step)) {
    await transaction(deps.db, async (tx) => {
      // Locked and read again: a handback that committed while the email was written wins.
      const current = await lockLead(tx, orgId, leadId);
      if (!current || current.status !== 'active' || current.next_step !== step) return;
      const draft = { writtenAt: now, expiresAt: now + assistant.draft_expiry_days * DAY_MS };
      const { row, added } = await addToOutboxOnce(tx, { orgId, leadId, kind: 'email', key: `email:${leadId}:${step}`, payload: { step, email, draft }, status: 'draft' }, now);
      if (!added) return;
      if (composed.fallback) await addLeadEvent(tx, lead, 'composer_fallback', { step: step + 1, reason: composed.fallback }, now);
      await draftWritten({ ...deps, db: tx }, current, row, now);
    });
    return;
  }
  await transaction(deps.db, async (tx) => {
    const { row, added } = await addToOutboxOnce(tx, { orgId, leadId, kind: 'email', key: `email:${leadId}:${step}`, payload: { step, email, ...(force ? { force: true } : {}) } }, now);
    // Already written as a draft (approval was switched off since): it still waits for its person.
    if (!added && row.status === 'draft') return;
    // The day's cap is taken when the email is queued, so a burst of due steps cannot pass it.
    // Only the call that added the email counts it (the outbox's unique key decides).
    if (added) await countSend(tx, assistant.id, today);
    // A model's email refused (or the model unreachable): the timeline says the built-in composer wrote this one, and why.
    if (added && composed.fallback) await addLeadEvent(tx, lead, 'composer_fallback', { step: step + 1, reason: composed.fallback }, now);
    await requestJob(tx, jobOf('send', { orgId, outboxId: row.id }, now), now);
  });
}

/**
 * Sends one outbox email. The row moves pending → sending before SMTP and sending → done after,
 * each step committed. A row found in `sending` means a crash between the two: the message may
 * have been accepted, so it is not sent again (at most once) and is marked `unconfirmed`.
 */
export async function sendEmail(deps: EngineDeps, orgId: string, outboxId: number): Promise<void> {
  const row = await getOutbox(deps.db, orgId, outboxId);
  if (!row) return;
  const { step, email, reply, force } = JSON.parse(row.payload) as { step: number; email: OutgoingEmail; reply?: 'brochure'; force?: boolean };
  let now = deps.clock.now();
  if (row.status === 'sending') {
    await transaction(deps.db, async (tx) => {
      // Only the process that moves the row goes on: the move is the guard.
      if (!(await moveOutbox(tx, row, 'sending', 'unconfirmed', now, { error: 'interrupted after handing to SMTP; not sent again' }))) return;
      // A person must be able to learn of it: on the lead's timeline, as a note on the record, and in CRM Details.
      const lead = await getLead(tx, orgId, row.lead_id);
      if (!lead) return;
      const what = reply ? 'The brochure email' : `Email ${step + 1} of ${lead.steps_total}`;
      await addLeadEvent(tx, lead, 'delivery_unconfirmed', { outboxId, step: step + 1, subject: email.subject, to: email.to }, now);
      await queueNote(
        { ...deps, db: tx },
        lead,
        `unconfirmed:${outboxId}`,
        `${what} may not have been sent`,
        `The assistant stopped while handing "${email.subject}" to the mail server, so it cannot tell whether ${email.to} received it. It was not sent again (an email is never sent twice). Check the assistant's Sent folder, and send it by hand if it is not there.`,
        now,
      );
    });
    deps.logger.warn('email delivery unconfirmed after an interruption; not resending', { orgId, outboxId });
  } else if (row.status === 'pending') {
    const lead = await getLead(deps.db, orgId, row.lead_id);
    // Paused: the email waits (resume sends it); an answer to a reply (the brochure) goes anyway. Closed: never sent.
    if (lead?.status === 'paused' && !reply) return;
    if (!lead || (lead.status !== 'active' && lead.status !== 'paused')) {
      await moveOutbox(deps.db, row, 'pending', 'failed', now, { error: 'the lead closed before the email went out' });
      return;
    }
    // Sending hours and the sending pause hold at send time too (an email can wait in the outbox).
    const assistant = await getAssistant(deps.db, orgId, lead.assistant_id);
    const sendAt = assistant && !reply && !force ? nextSendTime(now, windowFor(assistant, lead)) : now;
    if (assistant && (sendAt > now || (assistant.sending_paused_at !== null && !reply))) {
      throw new RetryAfterError(sendAt > now ? sendAt : now + SENDING_PAUSED_RECHECK_MS, sendAt > now ? 'outside sending hours' : 'sending paused');
    }
    // The send is claimed (pending → sending) only once the mail server is ready to take the message,
    // and the suppression list is checked in that same step: an unsubscribe always wins, and a crash
    // can leave an email unconfirmed only during the transfer itself.
    let claimed = false;
    let suppressed = false;
    const claim = async () =>
      (claimed = await transaction(deps.db, async (tx) => {
        const at = deps.clock.now();
        if (await findSuppression(tx, orgId, email.to)) {
          await moveOutbox(tx, row, 'pending', 'failed', at, { error: 'the address is on the suppression list' });
          suppressed = true;
          return false;
        }
        return moveOutbox(tx, row, 'pending', 'sending', at);
      }));
    try {
      await deps.mailer.send(email, claim);
    } catch (error) {
      // Nothing claimed: the server was never handed the message, and the row is still pending.
      if (!claimed) throw error;
      // Refused or never reached the server: nothing was accepted, so it may go again.
      const message = error instanceof Error ? error.message : String(error);
      const code = (error as { responseCode?: unknown }).responseCode;
      // A 5xx answer from the server is final for this message: retrying cannot help.
      if (typeof code === 'number' && code >= 500) {
        await moveOutbox(deps.db, row, 'sending', 'failed', deps.clock.now(), { error: message });
        throw new PermanentJobError(`the mail server refused the email: ${message}`);
      }
      await moveOutbox(deps.db, row, 'sending', 'pending', deps.clock.now(), { error: message });
      throw error;
    }
    if (!claimed) {
      if (suppressed) await stopIfSuppressed(deps, lead, email.to, deps.clock.now());
      return;
    }
    now = deps.clock.now();
    await moveOutbox(deps.db, row, 'sending', 'done', now, { externalId: email.messageId });
  } else if (row.status !== 'done' && row.status !== 'unconfirmed') {
    return;
  }
  if (reply) await afterReplyEmail(deps, orgId, row.lead_id, email, now);
  else await afterSend(deps, orgId, row.lead_id, step, email, now);
}

/** The brochure went out: log it, and hand the record back (the lead asked for material: Warm). */
async function afterReplyEmail(deps: EngineDeps, orgId: string, leadId: string, email: OutgoingEmail, now: number): Promise<void> {
  await transaction(deps.db, async (tx) => {
    const txDeps = { ...deps, db: tx };
    const lead = await getLead(tx, orgId, leadId);
    if (!lead) return;
    await addLeadEvent(tx, lead, 'email_sent', { brochure: true, subject: email.subject, messageId: email.messageId }, now);
    await queueNote(txDeps, lead, `brochure:${lead.id}`, `Brochure sent: ${email.subject}`, `From ${email.from.name} <${email.from.address}> to ${email.to}\n\n${email.text}`, now);
    await queueHandback(txDeps, lead, 'The lead asked for material; the assistant sent the brochure link.', 'Warm', now, now);
  });
}

/** How often a paused assistant's due steps look again. */
const SENDING_PAUSED_RECHECK_MS = 60 * 60 * 1000;

/** A suppressed address: the lead stops and goes back to its owner. Answers whether it was suppressed. */
async function stopIfSuppressed(deps: EngineDeps, lead: Lead, address: string, now: number): Promise<boolean> {
  const suppression = await findSuppression(deps.db, lead.org_id, address);
  if (!suppression) return false;
  await transaction(deps.db, async (tx) => {
    const current = await lockLead(tx, lead.org_id, lead.id);
    if (!current || (current.status !== 'active' && current.status !== 'paused')) return;
    await stopAndHandBack({ ...deps, db: tx }, current, `${address} is on the suppression list (${suppression.reason.replace('_', ' ')}), so the assistant stopped.`, stateForSuppression(suppression.reason), now);
  });
  return true;
}

/** What follows a sent email, once: the lead moves on, a note and the status go to Zoho, the next step is set. */
async function afterSend(deps: EngineDeps, orgId: string, leadId: string, step: number, email: OutgoingEmail, now: number): Promise<void> {
  await transaction(deps.db, async (tx) => {
    const txDeps = { ...deps, db: tx };
    // Locked: the lead moves on from this step once, whichever process gets here first.
    const lead = await lockLead(tx, orgId, leadId);
    if (!lead || lead.next_step !== step) return;
    const assistant = (await getAssistant(tx, orgId, lead.assistant_id))!;
    const sequence = (await getSequence(tx, orgId, lead.sequence_id))!;
    if (lead.status !== 'active' && lead.status !== 'paused') {
      // Closed while the email was in flight: record it, change nothing else.
      await updateLead(tx, lead, { next_step: step + 1, last_sent_at: now, thread_message_id: lead.thread_message_id ?? email.messageId, last_message_id: email.messageId }, now);
      await addLeadEvent(tx, lead, 'email_sent', { step: step + 1, of: lead.steps_total, subject: email.subject, messageId: email.messageId }, now);
      await queueNote(txDeps, lead, `email:${lead.id}:${step}`, `Email ${step + 1} of ${lead.steps_total} sent: ${email.subject}`, `From ${email.from.name} <${email.from.address}> to ${email.to}\n\n${email.text}`, now);
      return;
    }
    const last = step + 1 >= lead.steps_total;
    const state = last ? 'Processed' : 'Pending';
    await updateLead(
      tx,
      lead,
      {
        next_step: step + 1,
        state,
        last_sent_at: now,
        thread_message_id: lead.thread_message_id ?? email.messageId,
        last_message_id: email.messageId,
        next_send_at: null,
      },
      now,
    );
    await addLeadEvent(tx, lead, 'email_sent', { step: step + 1, of: lead.steps_total, subject: email.subject, messageId: email.messageId }, now);
    await queueNote(txDeps, lead, `email:${lead.id}:${step}`, `Email ${step + 1} of ${lead.steps_total} sent: ${email.subject}`, `From ${email.from.name} <${email.from.address}> to ${email.to}\n\n${email.text}`, now);
    await queueRecordUpdate(txDeps, lead, `state:${lead.id}:${step}`, await statusUpdate(txDeps, lead, state), now);
    if (last) {
      await queueHandback(txDeps, lead, `The "${sequence.name}" sequence ended with no reply.`, 'Processed', now + FINAL_WAIT_MS, now);
      return;
    }
    await planNextStep(txDeps, lead, assistant, step + 1, sequence.steps[step + 1]!.after_days, now, now);
  });
}
