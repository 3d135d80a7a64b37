import type { Assistant } from '../db/assistants.js';
import { requestJob } from '../db/jobs.js';
import { type Lead, addLeadEvent, getLead } from '../db/leads.js';
import { connectionOf, getOrg } from '../db/orgs.js';
import { getOutbox } from '../db/outbox.js';
import { sha256 } from '../lib/token-cipher.js';
import { ZohoAuthorizationError, ZohoRequestError } from '../zoho/errors.js';
import type { EngineDeps } from './context.js';
import { queueCreate, sendCreate } from './creates.js';
import { jobOf } from './job-kinds.js';
import { DAY_MS, localDay, localTime } from './send-window.js';

/**
 * The owner's Zoho Task at handback: what to do next, due by the proposed meeting time or the next
 * business day, with the handback's summary. It is a `create` outbox row queued in the handback's
 * own transaction (`create:task:<lead>`, so a second handback run never queues another) and sent by
 * its own job through sendCreate: a row left in `sending` (a crash, a 5xx whose outcome is unknown)
 * is first looked for in Zoho — the record's tasks carrying the row's reference — and only created
 * when it is not there. Tasks are linked as Zoho links them: a Lead or Deal through What_Id with
 * $se_module, a Contact through Who_Id.
 */

/** What the owner does next, as a task's subject, by what the lead said; none when there is nothing to do. */
const SUBJECTS: Record<string, ((name: string) => string) | null> = {
  AgreedToMeet: (name) => `Confirm the meeting with ${name}`,
  InterestedToProceed: (name) => `Send the proposal to ${name}`,
  SeekingMoreInfo: (name) => `Answer ${name}'s questions`,
  BrochureSent: (name) => `Follow up on the brochure with ${name}`,
  ReferredSomeone: (name) => `Reach out to the person ${name} referred`,
  ConnectLater: (name) => `Reconnect with ${name} on the date they gave`,
  MovedOut: (name) => `Find who replaced ${name}`,
  Retired: (name) => `Find who replaced ${name}`,
  Unsubscribed: null,
  Deactivated: null,
};

export interface HandbackTaskInput {
  lead: Lead;
  assistant: Pick<Assistant, 'time_zone' | 'off_days'> | undefined;
  owner: string;
  state: string;
  /** The last reply's reading and proposed meeting instant (ISO), when there was a reply. */
  intent: string | undefined;
  meetingAt: string | undefined;
  summary: string;
  now: number;
}

/** The reference printed in a task's description, by which a task whose create was lost is found. */
export function taskReference(key: string): string {
  return `ref ${sha256(`create:${key}`).slice(0, 12)}`;
}

/** The next day (in the assistant's zone) that is not an off day, as Zoho's date (YYYY-MM-DD). */
function nextBusinessDay(now: number, assistant: HandbackTaskInput['assistant']): string {
  const zone = assistant?.time_zone ?? 'UTC';
  const off = new Set(assistant?.off_days ?? ['sat', 'sun']);
  let at = now + DAY_MS;
  for (let tries = 0; tries < 7 && off.has(localTime(at, zone).weekday); tries += 1) at += DAY_MS;
  return localDay(at, zone);
}

/** Queues the owner's task in the handback's transaction (deps.db is it); no task when there is nothing for the owner to do. */
export async function queueHandbackTask(deps: EngineDeps, input: HandbackTaskInput): Promise<void> {
  const { lead, assistant, now } = input;
  // Nothing for the owner to do: the lead unsubscribed or opted out (a bounce, too: no reply read).
  // A lead who moved on or retired is Deactivated too, but asks for a task: find their successor.
  if (input.state === 'Unsubscribed' || (input.state === 'Deactivated' && input.intent !== 'MovedOut' && input.intent !== 'Retired')) return;
  const subjectOf = input.intent === undefined ? undefined : SUBJECTS[input.intent];
  if (subjectOf === null) return;
  const name = [lead.first_name, lead.last_name].filter(Boolean).join(' ') || lead.email || 'the lead';
  const subject = (subjectOf ?? ((who: string) => (input.intent ? `Read ${who}'s reply and answer it` : `Follow up with ${who}`)))(name).slice(0, 255);
  const meeting = input.meetingAt ? Date.parse(input.meetingAt) : Number.NaN;
  const due = Number.isFinite(meeting) && meeting > now ? localDay(meeting, assistant?.time_zone ?? 'UTC') : nextBusinessDay(now, assistant);
  const key = `task:${lead.id}`;
  const link = lead.zoho_module === 'Contacts' ? { Who_Id: { id: lead.zoho_record_id } } : { What_Id: { id: lead.zoho_record_id }, $se_module: lead.zoho_module };
  const row = await queueCreate(
    deps,
    { orgId: lead.org_id, leadId: lead.id },
    key,
    {
      module: 'Tasks',
      values: {
        Subject: subject,
        Due_Date: due,
        Status: 'Not Started',
        Priority: input.intent === 'AgreedToMeet' || input.intent === 'InterestedToProceed' ? 'High' : 'Normal',
        Owner: input.owner,
        // The reference last and never cut off: a lost create is found by it.
        Description: `${input.summary.slice(0, 31_000)}\n\n— Sales Assistant · ${taskReference(key)}`,
        ...link,
      },
      match: { field: lead.zoho_module === 'Contacts' ? 'Who_Id' : 'What_Id', value: lead.zoho_record_id, containing: { field: 'Description', text: taskReference(key) } },
      notes: [],
    },
    now,
  );
  await requestJob(deps.db, jobOf('task', { orgId: lead.org_id, outboxId: row.id }, now), now);
}

/** Sends a queued task once (creates.ts settles an unknown outcome by looking for it first); its outcome goes on the lead's timeline. */
export async function sendHandbackTask(deps: EngineDeps, orgId: string, outboxId: number): Promise<void> {
  const org = await getOrg(deps.db, orgId);
  if (!org || org.status === 'disconnected') return;
  if (org.status !== 'active') throw new ZohoAuthorizationError(`org ${orgId} needs re-authorization`);
  const row = await getOutbox(deps.db, orgId, outboxId);
  if (!row || row.kind !== 'create') return;
  const already = row.status === 'done' || row.status === 'failed';
  let outcome;
  try {
    outcome = await sendCreate(deps, connectionOf(org), row);
  } catch (error) {
    // A request Zoho's SDK would not send is final (the row is failed): said on the timeline, not retried.
    if (!(error instanceof ZohoRequestError)) throw error;
    outcome = { status: 'failed' as const, error: error.message };
  }
  if (already) return;
  const lead = await getLead(deps.db, orgId, row.lead_id);
  if (!lead) return;
  const subject = String((JSON.parse(row.payload) as { values: { Subject?: unknown } }).values.Subject ?? '');
  if (outcome.status === 'done') await addLeadEvent(deps.db, lead, 'task_created', { subject, taskId: outcome.recordId }, deps.clock.now());
  else {
    deps.logger.warn('the owner task was refused by Zoho', { orgId, outboxId, error: outcome.error });
    await addLeadEvent(deps.db, lead, 'task_failed', { subject, reason: outcome.error }, deps.clock.now());
  }
}
