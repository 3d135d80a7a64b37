import { enqueueJob } from '../db/jobs.js';
import { type Lead, addLeadEvent, findLeadById, lockLead, updateLead } from '../db/leads.js';
import { listDrafts } from '../db/outbox.js';
import { transaction } from '../db/store.js';
import { suppress } from '../db/suppressions.js';
import type { EngineDeps } from './context.js';
import { queueHandback, queueNote, stopAndHandBack } from './effects.js';
import { resumeLead } from './lead-control.js';
import { isUnsubscribeToken } from './nurture.js';
import { optOutInZoho } from './reply-actions.js';
import { jobOf } from './job-kinds.js';

/**
 * What a person asks of a lead (the record widget, an operator) and the unsubscribe link: each
 * runs in one transaction and answers why it was refused, or null when it was done.
 */

export type LeadCommand = 'pause' | 'resume' | 'hand-back' | 'send-now';

export async function commandLead(deps: EngineDeps, given: Lead, command: LeadCommand): Promise<string | null> {
  const now = deps.clock.now();
  return transaction(deps.db, async (tx): Promise<string | null> => {
    const txDeps = { ...deps, db: tx };
    // Read again, locked first: the decision is made on the lead as it is now, and two commands take turns.
    const lead = await lockLead(tx, given.org_id, given.id);
    if (!lead) return 'The lead is gone.';
    switch (command) {
      case 'pause':
        if (lead.status !== 'active') return `The lead is ${lead.status.replace('_', ' ')}, not active.`;
        await updateLead(tx, lead, { status: 'paused', next_send_at: null }, now);
        await addLeadEvent(tx, lead, 'paused', {}, now);
        await queueNote(txDeps, lead, `paused:${lead.id}:${now}`, 'The assistant paused', 'Paused from the record widget; no emails go out until it is resumed.', now);
        return null;
      case 'resume':
        if (lead.status !== 'paused') return `The lead is ${lead.status.replace('_', ' ')}, not paused.`;
        await resumeLead(txDeps, lead, now);
        return null;
      case 'hand-back':
        if (lead.status === 'handed_back' || lead.status === 'stopped') return 'The lead is already closed.';
        await queueHandback(txDeps, lead, 'Handed back from the record widget.', lead.next_step > 0 ? 'Processed' : 'New', now, now);
        return null;
      case 'send-now':
        if (lead.status !== 'active' || lead.next_step >= lead.steps_total) return 'The lead has no email waiting.';
        if ((await listDrafts(tx, lead.org_id, { leadId: lead.id })).length > 0) return 'The next email is a draft waiting for approval: approve it to send it.';
        await enqueueJob(tx, jobOf('step', { orgId: lead.org_id, leadId: lead.id, step: lead.next_step, force: true }, now, `now:${now}`), now);
        await updateLead(tx, lead, { next_send_at: now }, now);
        return null;
    }
  });
}

/** The lead an unsubscribe link names, when its token is ours. */
export async function leadOfUnsubscribeToken(deps: EngineDeps, token: string): Promise<Lead | undefined> {
  const leadId = token.split('.')[0] ?? '';
  const lead = await findLeadById(deps.db, leadId);
  return lead && isUnsubscribeToken(deps, lead, token) ? lead : undefined;
}

/** The unsubscribe link was used: suppress first (no queued email can go out after this), opt out in Zoho, stop and hand back. */
export async function unsubscribeLead(deps: EngineDeps, given: Lead): Promise<void> {
  const now = deps.clock.now();
  await transaction(deps.db, async (tx) => {
    const txDeps = { ...deps, db: tx };
    const lead = await lockLead(tx, given.org_id, given.id);
    if (!lead) return;
    if (lead.email) await suppress(tx, lead.org_id, lead.email, 'unsubscribed', 'unsubscribe link', now);
    await optOutInZoho(txDeps, lead, now);
    if (lead.status === 'active' || lead.status === 'paused') {
      // The widget says Unsubscribed at once; the lead pauses so no step can send before the handback runs.
      await updateLead(tx, lead, { state: 'Unsubscribed' }, now);
      await addLeadEvent(tx, lead, 'unsubscribed', {}, now);
      await stopAndHandBack(txDeps, lead, 'The lead unsubscribed.', 'Unsubscribed', now);
    }
  });
}
