import { getAssistant } from '../db/assistants.js';
import { addLeadEvent, listLeadEvents, lockLead, updateLead } from '../db/leads.js';
import { getOrg } from '../db/orgs.js';
import { expireDraftsOfLead } from '../db/outbox.js';
import { transaction } from '../db/store.js';
import type { EngineDeps } from './context.js';
import { queueNote, queueRecordUpdate, statusUpdate } from './effects.js';
import { queueHandbackTask } from './tasks.js';

/** What the owner should do next, by what the lead said. */
const NEXT_STEP: Record<string, (owner: string) => string> = {
  AgreedToMeet: (owner) => `${owner} confirms the meeting time with the lead.`,
  InterestedToProceed: (owner) => `${owner} sends the proposal or contract.`,
  SeekingMoreInfo: (owner) => `${owner} answers the lead's questions.`,
  BrochureSent: (owner) => `${owner} follows up on the brochure in a few days.`,
  ReferredSomeone: (owner) => `${owner} reaches out to the referred person.`,
  ConnectLater: (owner) => `${owner} reconnects on the date the lead gave.`,
  Unclassified: (owner) => `${owner} reads the reply and answers it.`,
  Unsubscribed: () => 'None: the address is suppressed; do not email it.',
  Deactivated: () => 'None: the lead is not interested; the address is suppressed.',
  MovedOut: () => 'Find who replaced the lead at the company.',
  Retired: () => 'Find who replaced the lead at the company.',
};

/**
 * Gives the record back: Owner to the previous owner (or the assistant's default owner), a summary
 * note, the final state in the status field, and the lead closed. Running it again changes nothing.
 */
export async function handBack(deps: EngineDeps, orgId: string, leadId: string, reason: string, state: string): Promise<void> {
  await transaction(deps.db, async (tx) => {
    const txDeps = { ...deps, db: tx };
    const lead = await lockLead(tx, orgId, leadId);
    if (!lead || lead.status === 'handed_back' || lead.status === 'stopped') return;
    const org = await getOrg(tx, orgId);
    const assistant = await getAssistant(tx, orgId, lead.assistant_id);
    const owner = lead.previous_owner_id ?? assistant?.default_owner_id ?? org?.authorized_by_user_id ?? null;
    const now = deps.clock.now();
    await updateLead(tx, lead, { status: 'handed_back', state, close_reason: reason, closed_at: now, next_send_at: null }, now);
    await addLeadEvent(tx, lead, 'handed_back', { reason, state, to: owner }, now);
    // A draft still waiting can never be approved now.
    await expireDraftsOfLead(tx, orgId, lead.id, 'the lead was handed back', now);
    const events = await listLeadEvents(tx, orgId, lead.id);
    const sent = events.filter((event) => event.kind === 'email_sent' && !event.detail.brochure);
    const replies = events.filter((event) => event.kind === 'reply' && !['Bounce', 'AutoReply', 'SupportAutoResponse'].includes(String(event.detail.intent)));
    const last = replies[replies.length - 1]?.detail;
    const ownerName = lead.previous_owner_name ?? 'the owner';
    const lines = [
      `Why: ${reason}`,
      `Sent: ${sent.length} of ${lead.steps_total} emails${sent.length > 0 ? ` (last: "${String(sent[sent.length - 1]!.detail.subject)}")` : ''}.`,
      ...(last
        ? [
            `Replies: ${replies.length}. Last understood as ${String(last.intent)} (${String(last.reason)}).`,
            `What the lead wrote: "${String(last.excerpt ?? '').replace(/\s+/g, ' ').slice(0, 400)}"`,
            ...(last.meeting ? [`Proposed meeting time: ${String(last.meeting)}`] : []),
            ...(last.date ? [`Date mentioned: ${String(last.date)}`] : []),
            ...(last.referral ? [`Referred to: ${String((last.referral as { name?: string }).name ?? '')} ${(last.referral as { email?: string }).email ? `<${String((last.referral as { email?: string }).email)}>` : ''}`.trim()] : []),
          ]
        : ['Replies: none.']),
      `Next step: ${last?.unclear ? `${ownerName} reads the reply and decides what it means; nothing was suppressed.` : (NEXT_STEP[String(last?.intent)]?.(ownerName) ?? `${ownerName} takes it from here.`)}`,
    ];
    await queueNote(txDeps, lead, `handback:${lead.id}`, `${assistant?.name ?? 'The assistant'} handed this back`, lines.join('\n'), now);
    // The owner's task: what to do next, due by the proposed meeting or the next business day.
    // Only with the tasks scope: an org authorized before tasks existed keeps working without them until it authorizes again.
    if (owner && org && /ZohoCRM\.modules\.(ALL|tasks\.(ALL|CREATE))/.test(org.scopes)) {
      await queueHandbackTask(txDeps, {
        lead,
        assistant,
        owner,
        state,
        intent: last ? String(last.intent) : undefined,
        meetingAt: typeof last?.meeting_at === 'string' ? last.meeting_at : undefined,
        summary: [`${assistant?.name ?? 'The assistant'} handed this back.`, ...lines].join('\n'),
        now,
      });
    }
    await queueRecordUpdate(txDeps, lead, `handback:${lead.id}`, { ...(await statusUpdate(txDeps, lead, state)), ...(owner ? { Owner: owner } : {}) }, now);
  });
}
