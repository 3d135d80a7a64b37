import { getAssistant } from '../db/assistants.js';
import { enqueueJob, forgetFinishedJob } from '../db/jobs.js';
import { type Lead, addLeadEvent, updateLead } from '../db/leads.js';
import { outboxOfLead } from '../db/outbox.js';
import type { EngineDeps } from './context.js';
import { queueStep } from './effects.js';
import { nextSendTime } from './send-window.js';
import { jobOf } from './job-kinds.js';

/**
 * Puts a paused lead back to work from `from` (now, or a return date): an email written before the
 * pause goes out, otherwise the next step is planned in business hours. Call inside a transaction
 * (`deps.db` is the transaction).
 */
export async function resumeLead(deps: EngineDeps, lead: Lead, now: number, from = now, why: Record<string, unknown> = {}): Promise<void> {
  const assistant = (await getAssistant(deps.db, lead.org_id, lead.assistant_id))!;
  const sendAt = nextSendTime(Math.max(now, from), assistant);
  await updateLead(deps.db, lead, { status: 'active', next_send_at: lead.next_step < lead.steps_total ? sendAt : null, resume_at: null, ...(lead.state === 'Out of office' ? { state: 'Pending' } : {}) }, now);
  await addLeadEvent(deps.db, lead, 'resumed', why, now);
  if (lead.next_step >= lead.steps_total) return;
  const waiting = (await outboxOfLead(deps.db, lead.org_id, lead.id)).find((row) => row.kind === 'email' && row.status === 'pending');
  if (waiting) {
    // The email was already written when the lead paused: send it (at once, or on the return date).
    await forgetFinishedJob(deps.db, `send:${waiting.id}`);
    await enqueueJob(deps.db, jobOf('send', { orgId: lead.org_id, outboxId: waiting.id }, from > now ? sendAt : now), now);
  } else {
    // A fresh key: the paused step's job has already finished without sending.
    await forgetFinishedJob(deps.db, `step:${lead.id}:${lead.next_step}`);
    await queueStep(deps, { ...lead, status: 'active' }, lead.next_step, sendAt, now);
  }
}
