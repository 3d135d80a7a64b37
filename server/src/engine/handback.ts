import { getAssistant } from '../db/assistants.js';
import { getOrg } from '../db/orgs.js';
import type { EngineDeps } from './context.js';
import { queueNote, queueRecordUpdate, statusUpdate } from './effects.js';
import { addLeadEvent, getLead, listLeadEvents, updateLead } from './leads.js';

/**
 * Gives the record back: Owner to the previous owner (or the assistant's default owner), a summary
 * note, the final state in the status field, and the lead closed. Running it again changes nothing.
 */
export function handBack(deps: EngineDeps, orgId: string, leadId: string, reason: string, state: string): void {
  deps.db.transaction(() => {
    const lead = getLead(deps.db, orgId, leadId);
    if (!lead || lead.status === 'handed_back' || lead.status === 'stopped') return;
    const org = getOrg(deps.db, orgId);
    const assistant = getAssistant(deps.db, orgId, lead.assistant_id);
    const owner = lead.previous_owner_id ?? assistant?.default_owner_id ?? org?.authorized_by_user_id ?? null;
    const now = deps.clock.now();
    const sent = listLeadEvents(deps.db, orgId, lead.id).filter((event) => event.kind === 'email_sent');
    updateLead(deps.db, lead, { status: 'handed_back', state: state as never, close_reason: reason, closed_at: now, next_send_at: null }, now);
    addLeadEvent(deps.db, lead, 'handed_back', { reason, state, to: owner }, now);
    const lines = [
      `Why: ${reason}`,
      `Sent: ${sent.length} of ${lead.steps_total} emails${sent.length > 0 ? ` (last: "${String(sent[sent.length - 1]!.detail.subject)}")` : ''}.`,
      'Replies: none.',
      `Next step: ${lead.previous_owner_name ?? 'the owner'} takes it from here.`,
    ];
    queueNote(deps, lead, `handback:${lead.id}`, `${assistant?.name ?? 'The assistant'} handed this back`, lines.join('\n'), now);
    queueRecordUpdate(deps, lead, `handback:${lead.id}`, { ...statusUpdate(deps, lead, state), ...(owner ? { Owner: owner } : {}) }, now);
  })();
}
