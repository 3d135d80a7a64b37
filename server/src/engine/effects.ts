import { listOrgFields } from '../db/org-setup.js';
import { enqueueJob, requestJob, requestJobSooner } from '../db/jobs.js';
import type { EngineDeps } from './context.js';
import { type Lead, updateLead } from '../db/leads.js';
import { addToOutbox, expireDraftsOfLead } from '../db/outbox.js';
import { requestSyncSoon } from '../connector/sync.js';
import { jobOf } from './job-kinds.js';
import type { Assistant } from '../db/assistants.js';
import { DAY_MS, nextSendTime, windowFor } from './send-window.js';

/**
 * Queues the Zoho side of what happened to a lead: a note and field updates. They go out batched
 * by the org's flush job, so many leads share one Zoho call.
 */
export async function queueNote(deps: EngineDeps, lead: Lead, key: string, title: string, content: string, now: number): Promise<void> {
  await queueNoteOn(deps, { orgId: lead.org_id, leadId: lead.id, module: lead.zoho_module, recordId: lead.zoho_record_id }, key, title, content, now);
}

/** Where a note goes: a record of the lead's org (the lead's own, or one the assistant created for it), on the lead's behalf. */
export interface NoteTarget {
  orgId: string;
  leadId: string;
  module: string;
  recordId: string;
}

/** Queues a note on any record (queueNote is the lead's own); it goes out with the org's next flush. */
export async function queueNoteOn(deps: EngineDeps, target: NoteTarget, key: string, title: string, content: string, now: number): Promise<void> {
  await addToOutbox(deps.db, { orgId: target.orgId, leadId: target.leadId, kind: 'note', key: `note:${key}`, payload: { module: target.module, recordId: target.recordId, title, content } }, now);
  await requestFlush(deps, target.orgId, now);
}

/** Queues a record update (the status field, the owner); updates are idempotent, so retries are safe. */
export async function queueRecordUpdate(deps: EngineDeps, lead: Lead, key: string, values: Record<string, unknown>, now: number): Promise<void> {
  if (Object.keys(values).length === 0) return;
  await addToOutbox(deps.db, { orgId: lead.org_id, leadId: lead.id, kind: 'update', key: `update:${key}`, payload: { module: lead.zoho_module, recordId: lead.zoho_record_id, values } }, now);
  await requestFlush(deps, lead.org_id, now);
  // What the connector syncs changed too (state, counts): a debounced sync, when it is on.
  await requestSyncSoon(deps, lead.org_id, now);
}

/** The status field's API name on the lead's module, as Zoho reported it at authorization. */
export async function statusFieldOf(deps: EngineDeps, lead: Pick<Lead, 'org_id' | 'zoho_module'>): Promise<string | undefined> {
  return (await listOrgFields(deps.db, lead.org_id)).find((field) => field.module === lead.zoho_module && field.role === 'status')?.api_name;
}

/** The record update that sets the lead's status field to `state` (none when the module has no status field). */
export async function statusUpdate(deps: EngineDeps, lead: Lead, state: string): Promise<Record<string, unknown>> {
  const field = await statusFieldOf(deps, lead);
  return field ? { [field]: state } : {};
}

/** Notes and updates wait this long so that many leads' effects share one Zoho call. */
export const FLUSH_DELAY_MS = 30_000;

/** Asks for the org's flush within FLUSH_DELAY_MS (an earlier request keeps its time). */
export async function requestFlush(deps: EngineDeps, orgId: string, now: number): Promise<void> {
  // Flushes never give up: a long Zoho outage only delays notes and handbacks.
  await requestJob(deps.db, jobOf('flush', { orgId }, now + FLUSH_DELAY_MS), now);
}

/** Queues the lead's step `step` for `runAt` (once: the step's key makes a second queueing a no-op). */
export async function queueStep(deps: EngineDeps, lead: Lead, step: number, runAt: number, now: number): Promise<void> {
  await enqueueJob(deps.db, jobOf('step', { orgId: lead.org_id, leadId: lead.id, step }, runAt), now);
}

/** Plans the lead's step `step` its `afterDays` after `from`, inside the lead's sending window; answers when. */
export async function planNextStep(deps: EngineDeps, lead: Lead, assistant: Pick<Assistant, 'time_zone' | 'business_hours' | 'off_days'>, step: number, afterDays: number, from: number, now: number): Promise<number> {
  const sendAt = nextSendTime(from + afterDays * DAY_MS, windowFor(assistant, lead));
  await updateLead(deps.db, lead, { next_send_at: sendAt }, now);
  await queueStep(deps, { ...lead, next_step: step }, step, sendAt, now);
  return sendAt;
}

/** Stops a worked lead at once (paused: no step can send) and plans its handback for now. */
export async function stopAndHandBack(deps: EngineDeps, lead: Lead, reason: string, state: string, now: number): Promise<void> {
  if (lead.status === 'active' || lead.status === 'paused') await updateLead(deps.db, lead, { status: 'paused', next_send_at: null }, now);
  await queueHandback(deps, lead, reason, state, now, now);
}

/** Plans the handback; an earlier one (unsubscribe, "hand back now") replaces a later plan. */
export async function queueHandback(deps: EngineDeps, lead: Lead, reason: string, state: string, runAt: number, now: number): Promise<void> {
  // A draft waiting now can never be sent: the record is on its way back.
  if (runAt <= now) await expireDraftsOfLead(deps.db, lead.org_id, lead.id, 'the record is being handed back', now);
  await requestJobSooner(deps.db, jobOf('handback', { orgId: lead.org_id, leadId: lead.id, reason, state }, runAt), now);
}
