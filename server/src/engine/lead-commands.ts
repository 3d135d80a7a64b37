import type { EngineDeps } from './context.js';
import { queueHandback, queueNote, stopAndHandBack } from './effects.js';
import { enqueueJob } from './jobs.js';
import { resumeLead } from './lead-control.js';
import { type Lead, addLeadEvent, getLead, updateLead } from './leads.js';
import { isUnsubscribeToken } from './nurture.js';
import { optOutInZoho } from './reply-actions.js';
import { suppress } from './suppression.js';
import { jobOf } from './job-kinds.js';

/**
 * What a person asks of a lead (the record widget, an operator) and the unsubscribe link: each
 * runs in one transaction and answers why it was refused, or null when it was done.
 */

export type LeadCommand = 'pause' | 'resume' | 'hand-back' | 'send-now';

export function commandLead(deps: EngineDeps, lead: Lead, command: LeadCommand): string | null {
  const now = deps.clock.now();
  return deps.db.transaction((): string | null => {
    switch (command) {
      case 'pause':
        if (lead.status !== 'active') return `The lead is ${lead.status.replace('_', ' ')}, not active.`;
        updateLead(deps.db, lead, { status: 'paused', next_send_at: null }, now);
        addLeadEvent(deps.db, lead, 'paused', {}, now);
        queueNote(deps, lead, `paused:${lead.id}:${now}`, 'The assistant paused', 'Paused from the record widget; no emails go out until it is resumed.', now);
        return null;
      case 'resume':
        if (lead.status !== 'paused') return `The lead is ${lead.status.replace('_', ' ')}, not paused.`;
        resumeLead(deps, lead, now);
        return null;
      case 'hand-back':
        if (lead.status === 'handed_back' || lead.status === 'stopped') return 'The lead is already closed.';
        queueHandback(deps, lead, 'Handed back from the record widget.', lead.next_step > 0 ? 'Processed' : 'New', now, now);
        return null;
      case 'send-now':
        if (lead.status !== 'active' || lead.next_step >= lead.steps_total) return 'The lead has no email waiting.';
        enqueueJob(deps.db, jobOf('step', { orgId: lead.org_id, leadId: lead.id, step: lead.next_step, force: true }, now, `now:${now}`), now);
        updateLead(deps.db, lead, { next_send_at: now }, now);
        return null;
    }
  })();
}

/** The lead an unsubscribe link names, when its token is ours. */
export function leadOfUnsubscribeToken(deps: EngineDeps, token: string): Lead | undefined {
  const leadId = token.split('.')[0] ?? '';
  const row = deps.db.prepare('SELECT org_id FROM leads WHERE id = ?').get(leadId) as { org_id: string } | undefined;
  const lead = row ? getLead(deps.db, row.org_id, leadId) : undefined;
  return lead && isUnsubscribeToken(deps, lead, token) ? lead : undefined;
}

/** The unsubscribe link was used: suppress first (no queued email can go out after this), opt out in Zoho, stop and hand back. */
export function unsubscribeLead(deps: EngineDeps, lead: Lead): void {
  const now = deps.clock.now();
  deps.db.transaction(() => {
    if (lead.email) suppress(deps.db, lead.org_id, lead.email, 'unsubscribed', 'unsubscribe link', now);
    optOutInZoho(deps, lead, now);
    if (lead.status === 'active' || lead.status === 'paused') {
      // The widget says Unsubscribed at once; the lead pauses so no step can send before the handback runs.
      updateLead(deps.db, lead, { state: 'Unsubscribed' }, now);
      addLeadEvent(deps.db, lead, 'unsubscribed', {}, now);
      stopAndHandBack(deps, lead, 'The lead unsubscribed.', 'Unsubscribed', now);
    }
  })();
}
