import { type Assistant, getAssistant } from '../db/assistants.js';
import { pendingJobRunAt, requestJob } from '../db/jobs.js';
import { type Lead, addLeadEvent, lockLead, updateLead } from '../db/leads.js';
import { type OutboxRow, getOutbox, listDrafts, moveOutbox, replaceOutboxPayload } from '../db/outbox.js';
import { countSend, sentFrom } from '../db/send-counts.js';
import { getSequence } from '../db/sequences.js';
import { transaction } from '../db/store.js';
import type { EngineDeps } from './context.js';
import { FINAL_WAIT_MS } from './context.js';
import { planNextStep, queueHandback, queueNote, stopAndHandBack } from './effects.js';
import { jobOf } from './job-kinds.js';
import type { OutgoingEmail } from './mailer.js';
import { DAY_MS, localDay, nextSendTime, windowFor } from './send-window.js';

/**
 * Drafts for approval. With approval on, a due step's email is written as usual but kept in the
 * outbox as a `draft` (the email's own key, so a rerun never writes a second one); nothing reaches
 * SMTP until a person approves it, as written or edited. Approval queues it for the next sending
 * slot (sending hours, the daily cap); the sequence's timing follows from when it is sent. A skip
 * moves the lead on to its next step without sending; a draft nobody approved within the
 * assistant's `draft_expiry_days` hands the record back, unsent.
 */

/** What the outbox row of an email carries; a draft adds when it was written and when it expires. */
export interface EmailPayload {
  step: number;
  email: OutgoingEmail;
  force?: boolean;
  draft?: { writtenAt: number; expiresAt: number; approvedBy?: string; edited?: boolean };
}

/** A draft as people see it: the email, whose it is, and until when it waits. */
export interface Draft {
  id: number;
  leadId: string;
  step: number;
  subject: string;
  text: string;
  to: string;
  writtenAt: number;
  expiresAt: number;
}

/** Whether the assistant's emails wait for a person: every one, or each lead's first. */
export function needsApproval(assistant: Pick<Assistant, 'approval'>, step: number): boolean {
  return assistant.approval === 'every' || (assistant.approval === 'first' && step === 0);
}

export function draftOf(row: OutboxRow): Draft {
  const payload = JSON.parse(row.payload) as EmailPayload;
  return {
    id: row.id,
    leadId: row.lead_id,
    step: payload.step,
    subject: payload.email.subject,
    text: payload.email.text,
    to: payload.email.to,
    writtenAt: payload.draft?.writtenAt ?? row.created_at,
    expiresAt: payload.draft?.expiresAt ?? row.created_at,
  };
}

/** The org's drafts waiting for approval (of leads still worked), oldest first; one lead's when asked. */
export async function draftsOf(deps: EngineDeps, orgId: string, leadId?: string): Promise<Draft[]> {
  return (await listDrafts(deps.db, orgId, leadId === undefined ? {} : { leadId })).map(draftOf);
}

/** After a step wrote its email as a draft (in the step's transaction): the timeline says so and the expiry is set. */
export async function draftWritten(deps: EngineDeps, lead: Lead, row: OutboxRow, now: number): Promise<void> {
  const draft = draftOf(row);
  await updateLead(deps.db, lead, { next_send_at: null }, now);
  await addLeadEvent(deps.db, lead, 'draft_waiting', { step: draft.step + 1, subject: draft.subject, until: new Date(draft.expiresAt).toISOString() }, now);
  await requestJob(deps.db, jobOf('draft', { orgId: lead.org_id, outboxId: row.id }, draft.expiresAt), now);
}

/** The link every email carries (the footer's unsubscribe line and the List-Unsubscribe header): an edit must keep it. */
function unsubscribeLink(email: OutgoingEmail): string | undefined {
  return /^<(.+)>$/.exec(email.headers['List-Unsubscribe'] ?? '')?.[1];
}

export type DraftEdit = { subject: string; text: string };

/** Why a draft cannot be acted on, or what was done: the routes answer 404 / 409 / 400 by `refused`. */
export type DraftOutcome = { ok: true; sendAt?: number } | { ok: false; refused: 'not_found' | 'conflict' | 'invalid'; message: string };

async function lockedDraft(deps: EngineDeps, orgId: string, id: number): Promise<{ row: OutboxRow; lead: Lead; payload: EmailPayload } | DraftOutcome> {
  const found = await getOutbox(deps.db, orgId, id);
  if (!found || found.kind !== 'email') return { ok: false, refused: 'not_found', message: 'The draft was not found.' };
  const lead = await lockLead(deps.db, orgId, found.lead_id);
  // Read again under the lead's lock: two people acting on one draft take turns.
  const row = await getOutbox(deps.db, orgId, id);
  if (!lead || !row) return { ok: false, refused: 'not_found', message: 'The draft was not found.' };
  if (row.status !== 'draft') {
    const what: Partial<Record<OutboxRow['status'], string>> = { skipped: 'was skipped', expired: 'expired or its lead closed', pending: 'was already approved', sending: 'was already approved', done: 'was already sent' };
    return { ok: false, refused: 'conflict', message: `The draft ${what[row.status] ?? 'is no longer waiting'}.` };
  }
  if (lead.status !== 'active' && lead.status !== 'paused') return { ok: false, refused: 'conflict', message: 'The lead is closed; its draft is not sent.' };
  if ((await pendingJobRunAt(deps.db, jobOf('handback', { orgId, leadId: lead.id, reason: '', state: 'Processed' }, 0).key)) !== undefined) {
    return { ok: false, refused: 'conflict', message: 'The record is being handed back; its draft is not sent.' };
  }
  return { row, lead, payload: JSON.parse(row.payload) as EmailPayload };
}

/**
 * Approves a draft, as edited: the edit is exactly what is sent. It goes at the next sending slot
 * of the lead's window under the daily cap (whose count it takes now), and the approval is a note
 * in Zoho.
 */
export async function approveDraft(deps: EngineDeps, orgId: string, id: number, edit: DraftEdit, by: string): Promise<DraftOutcome> {
  return transaction(deps.db, async (tx): Promise<DraftOutcome> => {
    const txDeps = { ...deps, db: tx };
    const found = await lockedDraft(txDeps, orgId, id);
    if ('ok' in found) return found;
    const { row, lead, payload } = found;
    const link = unsubscribeLink(payload.email);
    if (link && !edit.text.includes(link)) {
      return { ok: false, refused: 'invalid', message: 'Keep the unsubscribe link in the email: every email must let the lead opt out.' };
    }
    const assistant = await getAssistant(tx, orgId, lead.assistant_id);
    if (!assistant) return { ok: false, refused: 'conflict', message: 'The lead lost its assistant.' };
    const now = deps.clock.now();
    const edited = edit.subject !== payload.email.subject || edit.text !== payload.email.text;
    const approved: EmailPayload = { ...payload, email: { ...payload.email, subject: edit.subject, text: edit.text }, draft: { ...payload.draft!, approvedBy: by, edited } };
    if (!(await replaceOutboxPayload(tx, row, 'draft', approved, now)) || !(await moveOutbox(tx, row, 'draft', 'pending', now))) {
      return { ok: false, refused: 'conflict', message: 'The draft is no longer waiting.' };
    }
    // The daily cap counts it on the day it will go; sending hours and the lead's time zone decide when.
    const today = localDay(now, assistant.time_zone);
    const counts = await sentFrom(tx, assistant.id, today);
    const isFull = (day: string) => (counts.get(day) ?? 0) >= assistant.daily_cap;
    const sendAt = nextSendTime(now, windowFor(assistant, lead), isFull, assistant.time_zone);
    await countSend(tx, assistant.id, localDay(sendAt, assistant.time_zone));
    await updateLead(tx, lead, { next_send_at: sendAt }, now);
    await addLeadEvent(tx, lead, 'draft_approved', { step: payload.step + 1, subject: edit.subject, by, edited }, now);
    await queueNote(
      txDeps,
      lead,
      `draft-approved:${row.id}`,
      `Email ${payload.step + 1} of ${lead.steps_total} approved by ${by}`,
      `${edited ? 'Approved with edits' : 'Approved as written'} by ${by}: "${edit.subject}". It goes out ${sendAt <= now ? 'now' : `at ${new Date(sendAt).toISOString().replace('T', ' ').slice(0, 16)} UTC`}.`,
      now,
    );
    await requestJob(tx, jobOf('send', { orgId, outboxId: row.id }, sendAt), now);
    return { ok: true, sendAt };
  });
}

/** Skips a draft: it is never sent; the lead moves on to its next step (or, after the last, to the handback). */
export async function skipDraft(deps: EngineDeps, orgId: string, id: number, by: string): Promise<DraftOutcome> {
  return transaction(deps.db, async (tx): Promise<DraftOutcome> => {
    const txDeps = { ...deps, db: tx };
    const found = await lockedDraft(txDeps, orgId, id);
    if ('ok' in found) return found;
    const { row, lead, payload } = found;
    const now = deps.clock.now();
    if (!(await moveOutbox(tx, row, 'draft', 'skipped', now, { error: `skipped by ${by}` }))) return { ok: false, refused: 'conflict', message: 'The draft is no longer waiting.' };
    const step = payload.step;
    await addLeadEvent(tx, lead, 'draft_skipped', { step: step + 1, subject: payload.email.subject, by }, now);
    await queueNote(txDeps, lead, `draft-skipped:${row.id}`, `Email ${step + 1} of ${lead.steps_total} skipped by ${by}`, `Not sent: "${payload.email.subject}". Skipped by ${by}.`, now);
    const assistant = await getAssistant(tx, orgId, lead.assistant_id);
    const sequence = await getSequence(tx, orgId, lead.sequence_id);
    if (lead.next_step !== step) return { ok: true };
    await updateLead(tx, lead, { next_step: step + 1, next_send_at: null }, now);
    const next = sequence?.steps[step + 1];
    if (!assistant || !next) {
      await queueHandback(txDeps, lead, `The "${sequence?.name ?? 'assistant'}" sequence ended; its last email was skipped.`, lead.last_sent_at !== null ? 'Processed' : 'New', now + (lead.last_sent_at !== null ? FINAL_WAIT_MS : 0), now);
      return { ok: true };
    }
    // The next email keeps its wait, counted from the skip.
    return { ok: true, sendAt: await planNextStep(txDeps, lead, assistant, step + 1, next.after_days, now, now) };
  });
}

/** A draft's time is up: still waiting, it is never sent and the record goes back to its owner. */
export async function expireDraft(deps: EngineDeps, orgId: string, id: number): Promise<void> {
  await transaction(deps.db, async (tx) => {
    const found = await lockedDraft({ ...deps, db: tx }, orgId, id);
    if ('ok' in found) return;
    const { row, lead, payload } = found;
    const now = deps.clock.now();
    if (now < (payload.draft?.expiresAt ?? 0)) return;
    const assistant = await getAssistant(tx, orgId, lead.assistant_id);
    // Paused until a date the lead gave (out of office, "contact me later"): the draft waits from then.
    if (lead.status === 'paused' && lead.resume_at !== null && lead.resume_at > now) {
      const expiresAt = lead.resume_at + (assistant?.draft_expiry_days ?? 3) * DAY_MS;
      if (await replaceOutboxPayload(tx, row, 'draft', { ...payload, draft: { ...payload.draft!, expiresAt } }, now)) await requestJob(tx, jobOf('draft', { orgId, outboxId: row.id }, expiresAt), now);
      return;
    }
    if (!(await moveOutbox(tx, row, 'draft', 'expired', now, { error: 'nobody approved it in time' }))) return;
    const days = assistant?.draft_expiry_days ?? Math.round(((payload.draft?.expiresAt ?? now) - (payload.draft?.writtenAt ?? now)) / DAY_MS);
    await addLeadEvent(tx, lead, 'draft_expired', { step: payload.step + 1, subject: payload.email.subject }, now);
    await stopAndHandBack(
      { ...deps, db: tx },
      lead,
      `Email ${payload.step + 1} of ${lead.steps_total} ("${payload.email.subject}") waited ${days} day${days === 1 ? '' : 's'} for approval and was not sent.`,
      lead.last_sent_at !== null ? 'Processed' : 'New',
      now,
    );
  });
}
