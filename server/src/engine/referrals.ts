import { addLeadEvent, getLead } from '../db/leads.js';
import { connectionOf, getOrg } from '../db/orgs.js';
import { getReferral, setReferralStatus, settleReferral } from '../db/referrals.js';
import { transaction } from '../db/store.js';
import { ZohoAuthorizationError } from '../zoho/errors.js';
import type { EngineDeps } from './context.js';
import { queueNote } from './effects.js';

/** Referrals: the person a reply names is found in Zoho (Contacts, then Leads) or created under the previous owner, with a note on both records. */

/** Addresses we put into a COQL query: letters, digits and . _ % + - only, so nothing can be injected. */
const SAFE_EMAIL = /^[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})*\.[a-z]{2,24}$/;

/**
 * Creates the person a lead referred us to, in Zoho, under the lead's previous owner: found by
 * email first (Contacts, then Leads), so nobody is created twice; linked to the same account.
 */
export async function createReferral(deps: EngineDeps, orgId: string, referralId: number): Promise<void> {
  const referral = await getReferral(deps.db, orgId, referralId);
  if (!referral || referral.status !== 'pending') return;
  const lead = await getLead(deps.db, orgId, referral.lead_id);
  const org = await getOrg(deps.db, orgId);
  if (!lead || !org || org.status === 'disconnected') return;
  if (org.status !== 'active') throw new ZohoAuthorizationError(`org ${orgId} needs re-authorization`);
  const connection = connectionOf(org);
  const email = referral.email;
  if (!email || !SAFE_EMAIL.test(email)) {
    await setReferralStatus(deps.db, orgId, referral.id, 'invalid', deps.clock.now());
    return;
  }
  let existing: { module: string; id: string } | null = null;
  for (const module of ['Contacts', 'Leads']) {
    const rows = await deps.gateway.coql(connection, `select id from ${module} where Email = '${email}' limit 1`);
    if (rows[0]) {
      existing = { module, id: String(rows[0].id) };
      break;
    }
  }
  const now = deps.clock.now();
  const referrer = [lead.first_name, lead.last_name].filter(Boolean).join(' ') || lead.email || 'a lead';
  let target = existing;
  if (!target) {
    const [first, ...rest] = (referral.name ?? '').trim().split(/\s+/).filter(Boolean);
    const last = rest.length > 0 ? rest.join(' ') : (first ?? email.split('@')[0]!);
    const module = lead.zoho_module === 'Leads' ? 'Leads' : 'Contacts';
    const values: Record<string, unknown> = { Last_Name: last, Email: email, ...(rest.length > 0 && first ? { First_Name: first } : {}) };
    if (lead.previous_owner_id) values.Owner = lead.previous_owner_id;
    if (module === 'Leads') {
      values.Company = lead.company ?? '-';
    } else {
      const source = await deps.gateway.getRecord(connection, lead.zoho_module, lead.zoho_record_id, ['Account_Name']);
      const account = source?.Account_Name as { id?: unknown } | null | undefined;
      if (typeof account?.id === 'string') values.Account_Name = { id: account.id };
    }
    const [result] = await deps.gateway.createRecords(connection, module, [values]);
    if (!result?.ok) throw new Error(`Zoho refused the referral: ${result?.code ?? 'UNKNOWN'} ${result?.message ?? ''}`);
    target = { module, id: result.id };
  }
  // Zoho is done with; what we record of it is one transaction, written once (the referral must still be pending).
  await transaction(deps.db, async (tx) => {
    const inTx = { ...deps, db: tx };
    if (!(await settleReferral(tx, referral.id, { status: existing ? 'existing' : 'created', module: target.module, recordId: target.id }, now))) return;
    await addLeadEvent(tx, lead, 'referral', { name: referral.name, email, module: target.module, recordId: target.id, created: !existing }, now);
    const note = `${referrer} pointed the assistant to ${referral.name ?? email} <${email}>${existing ? '; this record already existed in Zoho.' : '.'}`;
    await queueNote(inTx, { ...lead, zoho_module: target.module, zoho_record_id: target.id }, `referral:${referral.id}:target`, `Referred by ${referrer}`, note, now);
    await queueNote(inTx, lead, `referral:${referral.id}:source`, `Referral: ${referral.name ?? email}`, `${existing ? 'Found' : 'Created'} ${target.module} ${referral.name ?? email} <${email}> in Zoho${lead.previous_owner_name ? `, owned by ${lead.previous_owner_name}` : ''}.`, now);
  });
}
