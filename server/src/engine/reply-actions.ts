import { getAssistant } from '../db/assistants.js';
import { enqueueJob, requestJob, scheduleJob } from '../db/jobs.js';
import { type Lead, addLeadEvent, getLead, updateLead } from '../db/leads.js';
import { addToOutbox } from '../db/outbox.js';
import { addReferral } from '../db/referrals.js';
import { transaction } from '../db/store.js';
import { type SuppressionReason, suppress } from '../db/suppressions.js';
import type { ReplyIntent } from '../domain/reply-intents.js';
import type { LeadState } from '../domain/lead-states.js';
import { type Classification } from '../replies/classifier.js';
import type { MeetingTime } from '../replies/dates.js';
import { type Decision } from '../replies/safety.js';
import { type InboundMessage } from '../replies/message.js';
import { replySubject } from '../replies/reply-message.js';
import { frameEmail } from './composer.js';
import type { EngineDeps } from './context.js';
import { queueNote, queueRecordUpdate, statusUpdate, stopAndHandBack } from './effects.js';
import { resumeLead } from './lead-control.js';
import type { OutgoingEmail } from './mailer.js';
import { messageIdFor, unsubscribeFor } from './nurture.js';
import { nextSendTime, windowFor } from './send-window.js';
import { checkBounceRate } from './deliverability.js';
import { jobOf } from './job-kinds.js';

/** What each reading does to the lead (the table in docs/architecture.md): pause, reschedule, hand back, suppress, opt out in Zoho, create a referral, send the brochure. */

const DAY_MS = 24 * 60 * 60 * 1000;

/** An absence notice without a return date pauses this long. */
export const DEFAULT_ABSENCE_MS = 7 * DAY_MS;

/** "Later" without a date means this much later. */
export const DEFAULT_LATER_MS = 30 * DAY_MS;

/** Absences and "later" are honoured up to this far ahead (a misread year cannot park a lead for ever). */
const MAX_DEFER_MS = 180 * DAY_MS;

/** "Thursday 14:00 (2026-12-10)": the proposed time as the note and the widget show it. */
export function meetingText(meeting: MeetingTime): string {
  return `${meeting.label} (${meeting.at.slice(0, 10)})`;
}

/** YYYY-MM-DD as the start of that day's business hours, in the lead's time zone. */
async function dayToTime(deps: EngineDeps, lead: Lead, day: string | undefined, fallbackMs: number): Promise<number> {
  const now = deps.clock.now();
  const assistant = (await getAssistant(deps.db, lead.org_id, lead.assistant_id))!;
  let at = day ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(at) || at <= now) at = now + fallbackMs;
  at = Math.min(at, now + MAX_DEFER_MS);
  return nextSendTime(at, windowFor(assistant, lead));
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

/** What the reply makes the assistant do; answers a short description for the inbound log. Runs in the reply job's transaction (deps.db is it). */
export async function actOnReply(deps: EngineDeps, lead: Lead, inboundId: number, message: InboundMessage, classification: Classification, decision: Decision, now: number, unverified: string | null): Promise<string> {
  const { intent } = classification;
  const unclear = decision.kind === 'unclear' ? decision.why : null;
  const working = lead.status === 'active' || lead.status === 'paused';
  const human = !['Bounce', 'AutoReply', 'SupportAutoResponse', 'OutOfOffice'].includes(intent);
  const soft = intent === 'Bounce' && classification.bounce?.hard === false;
  await addLeadEvent(
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
  await updateLead(deps.db, lead, { last_intent: intent, ...(human ? { last_reply_at: now } : {}) }, now);
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
    await queueNote(deps, lead, `reply:${inboundId}`, title, lines.join('\n'), now);
  }
  // Unauthenticated mail (a forged From: costs nothing) may inform a person, never act: no suppression,
  // no opt-out, no handback, no record. Bounces are trusted only with our own original inside (findLead).
  const benign = !unclear && (intent === 'AutoReply' || intent === 'SupportAutoResponse');
  if (unverified && intent !== 'Bounce' && !benign) {
    if (lead.status !== 'active') return `logged; sender not verified (${unverified})`;
    await updateLead(deps.db, lead, { status: 'paused', next_send_at: null }, now);
    await addLeadEvent(deps.db, lead, 'paused', { reason: 'unverified reply', inboundId }, now);
    return `paused: sender not verified (${unverified}); a person reads it`;
  }
  if (unclear) {
    // Never suppress, opt out or keep emailing on a guess: the lead stops and a person reads it.
    if (!working) return `logged; unclear (${unclear}); the lead was already ${lead.status.replace('_', ' ')}`;
    await stopAndHandBack(deps, lead, `Unclear, please read: ${unclear}.`, 'Responded', now);
    return `handed back: unclear, please read (${unclear})`;
  }
  // What a reply says about the address holds whatever the lead's state: a "remove me" after the handback still counts.
  const suppressReason = intent === 'Bounce' ? (soft ? undefined : 'bounced') : SUPPRESS[intent];
  if (suppressReason && lead.email) await suppress(deps.db, lead.org_id, lead.email, suppressReason, `reply ${inboundId}`, now);
  if (intent === 'Unsubscribed') await optOutInZoho(deps, lead, now);
  if (!working) return `logged${suppressReason ? ', address suppressed' : ''}; the lead was already ${lead.status.replace('_', ' ')}`;
  // A lead a person paused stays paused: an absence or "later" only records the date.
  const ownPause = lead.status === 'paused' && lead.resume_at === null;

  switch (intent) {
    case 'AutoReply':
    case 'SupportAutoResponse':
      return 'logged; the sequence continues';
    case 'Bounce': {
      if (soft) return 'temporary delivery delay; nothing changed';
      await stopAndHandBack(deps, lead, `The email to ${lead.email ?? 'the lead'} bounced (${classification.bounce?.status ?? 'permanent failure'}).`, 'Deactivated', now);
      await checkBounceRate(deps, lead.org_id, lead.assistant_id, now);
      return 'deactivated: address suppressed, handed back';
    }
    case 'OutOfOffice': {
      if (ownPause) return `paused by a person; absence noted${classification.date ? ` (back ${classification.date})` : ''}`;
      const resumeAt = await dayToTime(deps, lead, classification.date, DEFAULT_ABSENCE_MS);
      await updateLead(deps.db, lead, { status: 'paused', state: 'Out of office', next_send_at: null, resume_at: resumeAt }, now);
      await queueRecordUpdate(deps, lead, `state:${lead.id}:ooo:${inboundId}`, await statusUpdate(deps, lead, 'Out of office'), now);
      await scheduleJob(deps.db, jobOf('resume', { orgId: lead.org_id, leadId: lead.id, inboundId }, resumeAt), now);
      return `paused until ${new Date(resumeAt).toISOString()}`;
    }
    case 'ConnectLater': {
      if (ownPause) return `paused by a person; "later" noted${classification.date ? ` (${classification.date})` : ''}`;
      const at = await dayToTime(deps, lead, classification.date, DEFAULT_LATER_MS);
      if (lead.next_step >= lead.steps_total) {
        await stopAndHandBack(deps, lead, `The lead asked to reconnect later (${new Date(at).toISOString().slice(0, 10)}); the sequence has no emails left.`, 'Engaged', now);
        return 'handed back: asked to reconnect later, no emails left';
      }
      // The next email waits until then; a pending step job is moved, an unsent written email too.
      await updateLead(deps.db, lead, { state: 'Engaged', status: 'paused', next_send_at: at, resume_at: at }, now);
      await queueRecordUpdate(deps, lead, `state:${lead.id}:later:${inboundId}`, await statusUpdate(deps, lead, 'Engaged'), now);
      await scheduleJob(deps.db, jobOf('resume', { orgId: lead.org_id, leadId: lead.id, inboundId }, at), now);
      return `rescheduled: next email ${new Date(at).toISOString()}`;
    }
    case 'BrochureSent': {
      const assistant = (await getAssistant(deps.db, lead.org_id, lead.assistant_id))!;
      if (!assistant.brochure_url || !lead.email) {
        await stopAndHandBack(deps, lead, 'The lead asked for material, and no brochure link is set for the assistant: please send it.', 'Warm', now);
        return 'handed back: asked for material, no brochure link configured';
      }
      if (lead.status === 'active') await updateLead(deps.db, lead, { status: 'paused', next_send_at: null }, now);
      const unsubscribe = await unsubscribeFor(deps, lead);
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
      const outbox = await addToOutbox(deps.db, { orgId: lead.org_id, leadId: lead.id, kind: 'email', key: `brochure:${lead.id}`, payload: { step: -1, reply: 'brochure', email } }, now);
      await requestJob(deps.db, jobOf('send', { orgId: lead.org_id, outboxId: outbox.id }, now), now);
      return 'brochure link sent; hand back follows';
    }
    case 'ReferredSomeone': {
      const referral = classification.referral;
      if (referral?.email) {
        const id = await addReferral(deps.db, { orgId: lead.org_id, leadId: lead.id, inboundId, name: referral.name, email: referral.email.toLowerCase() }, now);
        if (id !== undefined) await enqueueJob(deps.db, jobOf('referral', { orgId: lead.org_id, referralId: id }, now), now);
      }
      const who = referral ? `${referral.name ?? 'someone'}${referral.email ? ` <${referral.email}>` : ''}` : 'someone else';
      await stopAndHandBack(deps, lead, `The lead referred the assistant to ${who}.`, 'Responded', now);
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
      await stopAndHandBack(deps, lead, why[intent] ?? 'The lead replied.', state, now);
      return `handed back as ${state}`;
    }
  }
}

/** Our suppression reaches Zoho: Email_Opt_Out on the record (Leads and Contacts have it). */
export async function optOutInZoho(deps: EngineDeps, lead: Lead, now: number): Promise<void> {
  if (lead.zoho_module === 'Leads' || lead.zoho_module === 'Contacts') await queueRecordUpdate(deps, lead, `optout:${lead.id}`, { Email_Opt_Out: true }, now);
}

/** An absence or a "later" is over: the lead goes back to work (unless a person changed it meanwhile). */
export async function resumeAfterPause(deps: EngineDeps, orgId: string, leadId: string): Promise<void> {
  await transaction(deps.db, async (tx) => {
    const inTx = { ...deps, db: tx };
    const lead = await getLead(tx, orgId, leadId);
    if (!lead || lead.status !== 'paused' || lead.resume_at === null) return;
    const now = deps.clock.now();
    await resumeLead(inTx, lead, now, Math.max(now, lead.resume_at), { after: lead.state === 'Out of office' ? 'absence' : 'asked to reconnect later' });
    if (lead.state === 'Out of office') await queueRecordUpdate(inTx, lead, `state:${lead.id}:resumed:${now}`, await statusUpdate(inTx, lead, 'Pending'), now);
  });
}
