import { getAssistant } from '../db/assistants.js';
import { enqueueJob, scheduleJob } from '../db/jobs.js';
import { type Lead, addLeadEvent, updateLead } from '../db/leads.js';
import { outboxOfLead } from '../db/outbox.js';
import type { EngineDeps } from './context.js';
import { nextSendTime, windowFor } from './send-window.js';
import { jobOf } from './job-kinds.js';

/**
 * Puts a paused lead back to work from `from` (now, or a return date): an email written before the
 * pause goes out, otherwise the next step is planned in business hours. Call inside a transaction
 * (`deps.db` is the transaction).
 */
export async function resumeLead(deps: EngineDeps, lead: Lead, now: number, from = now, why: Record<string, unknown> = {}): Promise<void> {
  const assistant = (await getAssistant(deps.db, lead.org_id, lead.assistant_id))!;
  const sendAt = nextSendTime(Math.max(now, from), windowFor(assistant, lead));
  await updateLead(deps.db, lead, { status: 'active', next_send_at: lead.next_step < lead.steps_total ? sendAt : null, resume_at: null, ...(lead.state === 'Out of office' ? { state: 'Pending' } : {}) }, now);
  await addLeadEvent(deps.db, lead, 'resumed', why, now);
  if (lead.next_step >= lead.steps_total) return;
  const waiting = (await outboxOfLead(deps.db, lead.org_id, lead.id)).find((row) => row.kind === 'email' && row.status === 'pending');
  if (waiting) {
    // The email was already written when the lead paused: send it (at once, or on the return date).
    const payload = { orgId: lead.org_id, outboxId: waiting.id };
    const runAt = from > now ? sendAt : now;
    if (!(await scheduleJob(deps.db, jobOf('send', payload, runAt), now))) await enqueueJob(deps.db, jobOf('send', payload, runAt, `resume:${now}`), now);
  } else {
    // The paused step's job, queued again at the new time (it may have finished without sending, or
    // still wait at its old time); one running right now finishes without sending, so a variant runs after it.
    const payload = { orgId: lead.org_id, leadId: lead.id, step: lead.next_step };
    if (!(await scheduleJob(deps.db, jobOf('step', payload, sendAt), now))) await enqueueJob(deps.db, jobOf('step', payload, sendAt, `resume:${now}`), now);
  }
}
