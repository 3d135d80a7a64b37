import { type Assistant, listAssistants } from '../db/assistants.js';
import { queuedStepJobs } from '../db/jobs.js';
import { type Lead, leadName, listLeads } from '../db/leads.js';
import { sentFrom } from '../db/send-counts.js';
import { type Sequence, listSequences } from '../db/sequences.js';
import { findSuppressions } from '../db/suppressions.js';
import { listDrafts } from '../db/outbox.js';
import { draftOf, needsApproval } from './drafts.js';
import type { EngineDeps } from './context.js';
import { payloadOf } from './job-kinds.js';
import { DAY_MS, localDay, nextSendTime, windowFor } from './send-window.js';

/** One email the plan expects to go out: to whom, which step, when, and what it waited for. */
export interface PlannedEmail {
  leadId: string;
  name: string | null;
  email: string | null;
  assistant: string;
  step: number;
  of: number;
  at: number;
  /** Why it goes later than its step falls due: outside the lead's sending hours, or the day's cap was reached. */
  waited: ('sending hours' | 'daily cap' | 'a pause')[];
  /** Written then as a draft for approval (the assistant approves the first or every email): it goes once a person approves it. */
  draft: boolean;
}

/** A lead the plan sends nothing to, and why. */
export interface HeldLead {
  leadId: string;
  name: string | null;
  email: string | null;
  reason: string;
}

export interface SendPlan {
  from: number;
  until: number;
  emails: PlannedEmail[];
  held: HeldLead[];
}

interface Due {
  lead: Lead;
  step: number;
  at: number;
  /** Its place in the runner's order: the step job's id, or a later one for a step not queued yet. */
  order: number;
  waited: PlannedEmail['waited'];
}


/**
 * What will go out in the next `days`: every active lead's next steps, in the order the runner
 * takes them, each moved past the lead's sending hours and off days (in the lead's time zone) and
 * past days the assistant's daily cap fills — the same rules the step job applies, in the same
 * order. A step after a sent one falls due its days later, as afterSend plans it. Leads that get
 * nothing say why: paused (until when), sending paused for the assistant, suppressed, or a draft
 * waiting for approval. A step that needs approval is planned as the time its draft is written.
 */
export async function sendPlan(deps: EngineDeps, orgId: string, days: number): Promise<SendPlan> {
  const now = deps.clock.now();
  const until = now + days * DAY_MS;
  const assistants = new Map<string, Assistant>((await listAssistants(deps.db, orgId)).map((assistant) => [assistant.id, assistant]));
  const sequences = new Map<string, Sequence>((await listSequences(deps.db, orgId)).map((sequence) => [sequence.id, sequence]));
  const leads = [...(await listLeads(deps.db, orgId, { status: 'active', limit: 100_000 })), ...(await listLeads(deps.db, orgId, { status: 'paused', limit: 100_000 }))];
  const jobs = new Map<string, { id: number; run_at: number }>();
  let lastJob = 0;
  for (const job of await queuedStepJobs(deps.db, orgId)) {
    const payload = payloadOf('step', job.payload);
    lastJob = Math.max(lastJob, job.id);
    if (payload && !payload.force) jobs.set(`${payload.leadId}:${payload.step}`, job);
  }

  const suppressions = await findSuppressions(deps.db, orgId, leads.flatMap((lead) => (lead.email ? [lead.email] : [])));
  const drafts = new Map((await listDrafts(deps.db, orgId, { limit: 100_000 })).map((row) => [row.lead_id, draftOf(row)]));
  const held: HeldLead[] = [];
  const due: Due[] = [];
  for (const lead of leads) {
    const assistant = assistants.get(lead.assistant_id);
    if (!assistant || lead.next_step >= lead.steps_total) continue;
    const who = { leadId: lead.id, name: leadName(lead), email: lead.email };
    // Its email is written and waits for a person: when it goes (and the rest with it) is theirs to decide.
    const draft = drafts.get(lead.id);
    if (draft) {
      held.push({ ...who, reason: `email ${draft.step + 1} is a draft waiting for approval (handed back unsent at ${new Date(draft.expiresAt).toISOString()} if nobody approves it)` });
      continue;
    }
    // Paused with a return date (out of office): the next step is planned from then, as resuming does.
    if (lead.status === 'paused' && (!lead.resume_at || lead.resume_at > until)) {
      held.push({ ...who, reason: lead.resume_at ? `paused until ${new Date(lead.resume_at).toISOString()}` : 'paused until someone resumes it' });
      continue;
    }
    if (assistant.sending_paused_at !== null) {
      held.push({ ...who, reason: `sending is paused for ${assistant.name}: ${assistant.sending_paused_reason ?? 'by an admin'}` });
      continue;
    }
    const suppressed = lead.email ? suppressions.get(lead.email) : undefined;
    if (suppressed) {
      held.push({ ...who, reason: `${lead.email} is on the suppression list (${suppressed.reason.replace('_', ' ')})` });
      continue;
    }
    if (lead.status === 'paused') {
      due.push({ lead, step: lead.next_step, at: nextSendTime(Math.max(now, lead.resume_at!), windowFor(assistant, lead)), order: ++lastJob, waited: ['a pause'] });
      continue;
    }
    const job = jobs.get(`${lead.id}:${lead.next_step}`);
    due.push({ lead, step: lead.next_step, at: job?.run_at ?? Math.max(now, lead.next_send_at ?? now), order: job?.id ?? ++lastJob, waited: [] });
  }

  // The caps as the step job counts them: emails written per assistant and day (the assistant's zone).
  const counts = new Map<string, Map<string, number>>();
  for (const assistant of assistants.values()) counts.set(assistant.id, await sentFrom(deps.db, assistant.id, localDay(now, assistant.time_zone)));

  const emails: PlannedEmail[] = [];
  const byTurn = (a: Due, b: Due) => a.at - b.at || a.order - b.order;
  due.sort(byTurn);
  // Kept in turn order: each new or moved step goes in at its place (binary search), not a re-sort.
  const place = (item: Due) => {
    let low = 0;
    let high = due.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (byTurn(due[middle]!, item) <= 0) low = middle + 1;
      else high = middle;
    }
    due.splice(low, 0, item);
  };
  while (due.length > 0 && due[0]!.at <= until) {
    const next = due.shift()!;
    const assistant = assistants.get(next.lead.assistant_id)!;
    const sent = counts.get(assistant.id)!;
    const window = windowFor(assistant, next.lead);
    const isFull = (day: string) => (sent.get(day) ?? 0) >= assistant.daily_cap;
    const sendAt = nextSendTime(next.at, window, isFull, assistant.time_zone);
    if (sendAt > next.at) {
      // The step job retries at sendAt, keeping its place among jobs due then.
      const reason = nextSendTime(next.at, window) > next.at ? 'sending hours' : 'daily cap';
      place({ ...next, at: sendAt, waited: next.waited.includes(reason) ? next.waited : [...next.waited, reason] });
      continue;
    }
    const planned = { leadId: next.lead.id, name: leadName(next.lead), email: next.lead.email, assistant: assistant.name, step: next.step + 1, of: next.lead.steps_total, at: next.at, waited: next.waited };
    // A draft takes no place under the cap until it is approved, and what follows it waits for the approval.
    if (needsApproval(assistant, next.step)) {
      emails.push({ ...planned, draft: true });
      continue;
    }
    const day = localDay(next.at, assistant.time_zone);
    sent.set(day, (sent.get(day) ?? 0) + 1);
    emails.push({ ...planned, draft: false });
    const following = sequences.get(next.lead.sequence_id)?.steps[next.step + 1];
    if (!following) continue;
    place({ lead: next.lead, step: next.step + 1, at: nextSendTime(next.at + following.after_days * DAY_MS, window), order: ++lastJob, waited: [] });
  }
  return { from: now, until, emails, held };
}
