import { correctInbound, getInbound, hasOtherClosingReply, latestReplyId, lockInbound, rawOf } from '../db/inbound.js';
import { addLeadEvent, listLeadEvents, lockLead, updateLead } from '../db/leads.js';
import { saveReplyExample } from '../db/reply-examples.js';
import { transaction } from '../db/store.js';
import { findSuppression, suppress, unsuppress } from '../db/suppressions.js';
import type { ReplyIntent } from '../domain/reply-intents.js';
import { readMessage } from '../replies/classifier.js';
import { parseMessage } from '../replies/message.js';
import type { EngineDeps } from './context.js';
import { queueNote, queueRecordUpdate, statusUpdate, stopAndHandBack } from './effects.js';
import { HANDBACK_STATE, SUPPRESS, optOutInZoho } from './reply-actions.js';
import { ourEmailsTo } from './reply-job.js';

export interface CorrectionResult {
  inboundId: number;
  from: ReplyIntent | null;
  to: ReplyIntent;
  /** What the correction undid or did, in words, for the note and the caller. */
  changes: string[];
}

/**
 * A person says what a reply really meant ("This was: Agreed to meet"). The correction is logged as
 * a note in Zoho, undoes what the misread did where that is safe (a suppression it made is lifted
 * and Email_Opt_Out restored; a handback's state is put right; a lead still being worked on a
 * misread is stopped and handed back), and becomes an example of the org, so that similar replies
 * are read the corrected way from then on.
 */
export async function correctReply(deps: EngineDeps, orgId: string, inboundId: number, intent: ReplyIntent, by: string): Promise<CorrectionResult | null> {
  const row = await getInbound(deps, orgId, inboundId);
  if (!row) return null;
  const message = await parseMessage(await rawOf(deps, orgId, inboundId));
  const ours = row.lead_id ? await ourEmailsTo(deps, orgId, row.lead_id) : [];
  const read = readMessage(message, { ours });
  // Raw mail past its retention is gone: the correction still counts, but teaches no example.
  const teach = read.own.trim().length > 0;
  const now = deps.clock.now();
  return transaction(deps.db, async (tx): Promise<CorrectionResult | null> => {
    const inTx = { ...deps, db: tx };
    // Read again, locked, the lead first (the order every writer of a lead takes, so two never deadlock):
    // two corrections at once take turns, the second seeing what the first made of it.
    const locked = row.lead_id ? await lockLead(tx, orgId, row.lead_id) : undefined;
    const current = await lockInbound(tx, orgId, inboundId);
    if (!current) return null;
    const lead = current.lead_id === row.lead_id ? locked : current.lead_id ? await lockLead(tx, orgId, current.lead_id) : undefined;
    const previous = current.intent;
    const changes: string[] = [];
    if (teach) await saveReplyExample(tx, { orgId, inboundId, intent, text: read.own.slice(0, 4_000), features: read.features, by }, now);
    await correctInbound(tx, orgId, inboundId, { intent, previous, by }, now);
    if (lead && previous !== intent) {
      const email = lead.email?.toLowerCase() ?? null;
      const suppression = email ? await findSuppression(tx, orgId, email) : undefined;
      // Lift only what this reply's misreading put there: a person's or another reply's suppression stays.
      // Other grounds to keep it: the unsubscribe link, or another reply of the lead read as a request to stop or a "no".
      const otherGrounds = (await listLeadEvents(tx, orgId, lead.id)).some((event) => event.kind === 'unsubscribed' || event.kind === 'opted_out') || (await hasOtherClosingReply(tx, orgId, lead.id, inboundId));
      if (email && suppression && (suppression.source === `reply ${inboundId}` || suppression.source === `correction ${inboundId}`) && !SUPPRESS[intent] && !otherGrounds) {
        await unsuppress(tx, orgId, email);
        changes.push(`lifted the suppression of ${email} (${suppression.reason})`);
        if (suppression.reason === 'unsubscribed' && (lead.zoho_module === 'Leads' || lead.zoho_module === 'Contacts')) {
          await queueRecordUpdate(inTx, lead, `optout-undo:${lead.id}:${inboundId}:${now}`, { Email_Opt_Out: false }, now);
          changes.push('restored Email_Opt_Out to false in Zoho');
        }
      }
      const reason = SUPPRESS[intent];
      if (email && reason && (await suppress(tx, orgId, email, reason, `correction ${inboundId}`, now))) changes.push(`suppressed ${email} (${reason})`);
      if (intent === 'Unsubscribed') {
        await optOutInZoho(inTx, lead, now);
        changes.push('set Email_Opt_Out in Zoho');
      }
      const state = HANDBACK_STATE[intent] ?? 'Responded';
      // The lead's last reading follows the correction when this was its latest reply.
      if ((await latestReplyId(tx, orgId, lead.id)) === inboundId) await updateLead(tx, lead, { last_intent: intent }, now);
      if (lead.status === 'handed_back' && HANDBACK_STATE[intent] && lead.state !== state) {
        await updateLead(tx, lead, { state, close_reason: `A person corrected the reading of the lead's reply to ${intent} (it was read as ${previous ?? 'nothing'}).` }, now);
        await queueRecordUpdate(inTx, lead, `state:${lead.id}:corrected:${inboundId}:${now}`, await statusUpdate(inTx, lead, state), now);
        changes.push(`set the state to ${state}`);
      } else if ((lead.status === 'active' || lead.status === 'paused') && HANDBACK_STATE[intent]) {
        await stopAndHandBack(inTx, lead, `A person corrected the reading of the lead's reply to ${intent}.`, state, now);
        changes.push(`stopped the sequence and handed the record back as ${state}`);
      }
      await addLeadEvent(tx, lead, 'correction', { inboundId, from: previous, to: intent, by, changes }, now);
      await queueNote(
        inTx,
        lead,
        `correction:${inboundId}:${now}`,
        `Reply reading corrected: ${intent}`,
        [`${by} corrected how the assistant read the reply "${message.subject || '(no subject)'}".`, `Was: ${previous ?? 'unread'}. Now: ${intent}.`, changes.length > 0 ? `Changed: ${changes.join('; ')}.` : 'Nothing else needed changing.', 'Similar replies will be read this way from now on.'].join('\n'),
        now,
      );
    }
    return { inboundId, from: previous, to: intent, changes };
  });
}
