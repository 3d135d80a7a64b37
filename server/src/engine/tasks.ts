import type { Assistant } from '../db/assistants.js';
import { type Lead, addLeadEvent, getLead } from '../db/leads.js';
import { connectionOf, getOrg } from '../db/orgs.js';
import { type OutboxRow, moveOutbox, pendingOutboxWithPrefix } from '../db/outbox.js';
import { sha256 } from '../lib/token-cipher.js';
import { ZohoAuthorizationError, ZohoRateLimitedError, ZohoRequestError } from '../zoho/errors.js';
import { WRITE_BATCH, type EngineDeps } from './context.js';
import { type CreatePayload, createPayloadOf, findMatch, queueCreate } from './creates.js';
import { requestFlush } from './effects.js';
import { DAY_MS, localDay, localTime } from './send-window.js';

/**
 * The owner's Zoho Task at handback: what to do next, due by the proposed meeting time or the next
 * business day, with the handback's summary. It is a `create` outbox row queued in the handback's
 * own transaction (`create:task:<lead>`, so a second handback run never queues another) and sent
 * with the org's flush, up to 100 a call (flushTasks): a row left in `sending` (a crash, a 5xx whose
 * outcome is unknown) is first looked for in Zoho — the record's tasks carrying the row's
 * reference — and only created when it is not there. Tasks are linked as Zoho links them: a Lead or Deal through What_Id with
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
  await queueCreate(
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
  // Sent with the org's flush, batched like notes.
  await requestFlush(deps, lead.org_id, now);
}

/** The handback tasks' rows: `create:task:<lead>`. */
const TASK_KEY_PREFIX = 'create:task:';

async function taskOutcome(deps: EngineDeps, row: OutboxRow, outcome: { recordId: string } | { error: string }, now: number): Promise<void> {
  const lead = await getLead(deps.db, row.org_id, row.lead_id);
  if (!lead) return;
  const subject = String(createPayloadOf(row)?.values.Subject ?? '');
  if ('recordId' in outcome) await addLeadEvent(deps.db, lead, 'task_created', { subject, taskId: outcome.recordId }, now);
  else {
    deps.logger.warn('the owner task was refused by Zoho', { orgId: row.org_id, outboxId: row.id, error: outcome.error });
    await addLeadEvent(deps.db, lead, 'task_failed', { subject, reason: outcome.error }, now);
  }
}

/**
 * Sends the org's queued handback tasks with its flush, up to 100 in one Zoho call, so that Zoho
 * has each once: a row left in `sending` (a crash, a 5xx or timeout whose outcome is unknown) is
 * first looked for on its record (findMatch: the record's tasks carrying the row's reference) and
 * only sent again when it is not there. A 429 or a lost authorization wrote nothing (the rows go
 * back to `pending`); a request the SDK would not send fails them; anything else leaves them in
 * `sending` for the next flush to settle.
 */
export async function flushTasks(deps: EngineDeps, orgId: string): Promise<void> {
  const waiting = await pendingOutboxWithPrefix(deps.db, orgId, 'create', TASK_KEY_PREFIX, WRITE_BATCH);
  if (waiting.length === 0) return;
  const org = (await getOrg(deps.db, orgId))!;
  const connection = connectionOf(org);
  for (const row of waiting.filter((candidate) => candidate.status === 'sending')) {
    const payload = createPayloadOf(row);
    const found = payload ? await findMatch(deps, connection, payload) : undefined;
    const now = deps.clock.now();
    if (found) {
      if (await moveOutbox(deps.db, row, 'sending', 'done', now, { externalId: found })) await taskOutcome(deps, row, { recordId: found }, now);
    } else await moveOutbox(deps.db, row, 'sending', 'pending', now);
  }
  const claimed: { row: OutboxRow; payload: CreatePayload }[] = [];
  for (const row of await pendingOutboxWithPrefix(deps.db, orgId, 'create', TASK_KEY_PREFIX, WRITE_BATCH)) {
    if (row.status !== 'pending') continue;
    const payload = createPayloadOf(row);
    if (!payload) await moveOutbox(deps.db, row, 'pending', 'failed', deps.clock.now(), { error: 'unreadable create payload' });
    else if (await moveOutbox(deps.db, row, 'pending', 'sending', deps.clock.now())) claimed.push({ row, payload });
  }
  if (claimed.length === 0) return;
  let results;
  try {
    results = await deps.gateway.createRecords(connection, 'Tasks', claimed.map(({ payload }) => payload.values));
  } catch (error) {
    const now = deps.clock.now();
    if (error instanceof ZohoRateLimitedError || error instanceof ZohoAuthorizationError) {
      for (const { row } of claimed) await moveOutbox(deps.db, row, 'sending', 'pending', now);
    } else if (error instanceof ZohoRequestError) {
      for (const { row } of claimed) if (await moveOutbox(deps.db, row, 'sending', 'failed', now, { error: error.message })) await taskOutcome(deps, row, { error: error.message }, now);
      return;
    }
    throw error;
  }
  const now = deps.clock.now();
  for (const [index, { row }] of claimed.entries()) {
    const result = results[index];
    if (result?.ok && result.id) {
      if (await moveOutbox(deps.db, row, 'sending', 'done', now, { externalId: result.id })) await taskOutcome(deps, row, { recordId: result.id }, now);
    } else if (!result?.ok) {
      const error = `${result?.code ?? 'UNKNOWN'}: ${result?.message ?? 'no result'}`;
      if (await moveOutbox(deps.db, row, 'sending', 'failed', now, { error })) await taskOutcome(deps, row, { error }, now);
    }
    // Created without an id in the answer: the row stays `sending`, and the next flush finds the task.
  }
}

/** Whether the org has handback tasks still to send (the flush runs again for them). */
export async function hasPendingTasks(deps: EngineDeps, orgId: string): Promise<boolean> {
  return (await pendingOutboxWithPrefix(deps.db, orgId, 'create', TASK_KEY_PREFIX, 1)).some((row) => row.status === 'pending');
}
