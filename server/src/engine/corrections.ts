import type { ReplyIntent } from '../domain/reply-intents.js';
import { readMessage } from '../replies/classifier.js';
import { parseMessage } from '../replies/message.js';
import type { EngineDeps } from './context.js';
import { queueNote, queueRecordUpdate, statusUpdate, stopAndHandBack } from './effects.js';
import { addLeadEvent, getLead, updateLead } from './leads.js';
import { getInbound, rawOf } from './inbound.js';
import { HANDBACK_STATE, SUPPRESS, optOutInZoho } from './reply-actions.js';
import { ourEmailsTo } from './reply-job.js';
import { findSuppression, suppress, unsuppress } from './suppression.js';

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
  const row = getInbound(deps, orgId, inboundId);
  if (!row) return null;
  const message = await parseMessage(rawOf(deps, orgId, inboundId));
  const ours = row.lead_id ? ourEmailsTo(deps, orgId, row.lead_id) : [];
  const read = readMessage(message, { ours });
  // Raw mail past its retention is gone: the correction still counts, but teaches no example.
  const teach = read.own.trim().length > 0;
  const now = deps.clock.now();
  return deps.db.transaction((): CorrectionResult => {
    const previous = row.intent;
    const changes: string[] = [];
    if (teach) deps.db
      .prepare('INSERT INTO reply_examples (org_id, inbound_id, intent, text, features, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, inbound_id) DO UPDATE SET intent = excluded.intent, created_by = excluded.created_by, created_at = excluded.created_at')
      .run(orgId, inboundId, intent, read.own.slice(0, 4_000), JSON.stringify(read.features), by, now);
    deps.db
      .prepare('UPDATE inbound_messages SET intent = ?, corrected_from = COALESCE(corrected_from, ?), corrected_by = ?, corrected_at = ?, decision = ? WHERE org_id = ? AND id = ?')
      .run(intent, previous, by, now, 'corrected', orgId, inboundId);
    const lead = row.lead_id ? getLead(deps.db, orgId, row.lead_id) : undefined;
    if (lead && previous !== intent) {
      const email = lead.email?.toLowerCase() ?? null;
      const suppression = email ? findSuppression(deps.db, orgId, email) : undefined;
      // Lift only what this reply's misreading put there: a person's or another reply's suppression stays.
      // Other grounds to keep it: the unsubscribe link, or another reply of the lead read as a request to stop or a "no".
      const otherGrounds =
        deps.db.prepare("SELECT 1 FROM lead_events WHERE org_id = ? AND lead_id = ? AND kind IN ('unsubscribed', 'opted_out') LIMIT 1").get(orgId, lead.id) !== undefined ||
        deps.db
          .prepare("SELECT 1 FROM inbound_messages WHERE org_id = ? AND lead_id = ? AND id <> ? AND intent IN ('Unsubscribed', 'Deactivated', 'MovedOut', 'Retired') LIMIT 1")
          .get(orgId, lead.id, inboundId) !== undefined;
      if (email && suppression && (suppression.source === `reply ${inboundId}` || suppression.source === `correction ${inboundId}`) && !SUPPRESS[intent] && !otherGrounds) {
        unsuppress(deps.db, orgId, email);
        changes.push(`lifted the suppression of ${email} (${suppression.reason})`);
        if (suppression.reason === 'unsubscribed' && (lead.zoho_module === 'Leads' || lead.zoho_module === 'Contacts')) {
          queueRecordUpdate(deps, lead, `optout-undo:${lead.id}:${inboundId}:${now}`, { Email_Opt_Out: false }, now);
          changes.push('restored Email_Opt_Out to false in Zoho');
        }
      }
      const reason = SUPPRESS[intent];
      if (email && reason && suppress(deps.db, orgId, email, reason, `correction ${inboundId}`, now)) changes.push(`suppressed ${email} (${reason})`);
      if (intent === 'Unsubscribed') {
        optOutInZoho(deps, lead, now);
        changes.push('set Email_Opt_Out in Zoho');
      }
      const state = HANDBACK_STATE[intent] ?? 'Responded';
      // The lead's last reading follows the correction when this was its latest reply.
      const latest = deps.db.prepare("SELECT MAX(id) AS id FROM inbound_messages WHERE org_id = ? AND lead_id = ? AND status = 'processed'").get(orgId, lead.id) as { id: number | null };
      if (latest.id === inboundId) updateLead(deps.db, lead, { last_intent: intent }, now);
      if (lead.status === 'handed_back' && HANDBACK_STATE[intent] && lead.state !== state) {
        updateLead(deps.db, lead, { state, close_reason: `A person corrected the reading of the lead's reply to ${intent} (it was read as ${previous ?? 'nothing'}).` }, now);
        queueRecordUpdate(deps, lead, `state:${lead.id}:corrected:${inboundId}:${now}`, statusUpdate(deps, lead, state), now);
        changes.push(`set the state to ${state}`);
      } else if ((lead.status === 'active' || lead.status === 'paused') && HANDBACK_STATE[intent]) {
        stopAndHandBack(deps, lead, `A person corrected the reading of the lead's reply to ${intent}.`, state, now);
        changes.push(`stopped the sequence and handed the record back as ${state}`);
      }
      addLeadEvent(deps.db, lead, 'correction', { inboundId, from: previous, to: intent, by, changes }, now);
      queueNote(
        deps,
        lead,
        `correction:${inboundId}:${now}`,
        `Reply reading corrected: ${intent}`,
        [`${by} corrected how the assistant read the reply "${message.subject || '(no subject)'}".`, `Was: ${previous ?? 'unread'}. Now: ${intent}.`, changes.length > 0 ? `Changed: ${changes.join('; ')}.` : 'Nothing else needed changing.', 'Similar replies will be read this way from now on.'].join('\n'),
        now,
      );
    }
    return { inboundId, from: previous, to: intent, changes };
  })();
}
