import { type Lead, addLeadEvent, getLead } from '../db/leads.js';
import { connectionOf, getOrg } from '../db/orgs.js';
import { outboxByKey } from '../db/outbox.js';
import { type Referral, getReferral, setReferralStatus, settleReferral } from '../db/referrals.js';
import { transaction } from '../db/store.js';
import { ZohoAuthorizationError } from '../zoho/errors.js';
import type { OrgConnection } from '../zoho/gateway.js';
import type { EngineDeps } from './context.js';
import { type CreatePayload, findRecordBy, queueCreate, sendCreate } from './creates.js';
import { queueNote } from './effects.js';
import { PermanentJobError } from './runner.js';

/**
 * Referrals: the person a reply names is found in Zoho (Contacts, then Leads) or created under the
 * previous owner, with a note on both records. The create is an outbox row (`create:referral:<id>`,
 * see creates.ts), so a crash or a timeout between Zoho's answer and our write never creates the
 * person twice; the notes are ordinary note rows, queued once the record exists.
 */

/** Addresses we put into a COQL query: letters, digits and . _ % + - only, so nothing can be injected. */
const SAFE_EMAIL = /^[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})*\.[a-z]{2,24}$/;

/** Where a referred person is created: beside the lead (a Leads lead refers to a Lead, a Contact to a Contact). */
const moduleFor = (lead: Lead): 'Leads' | 'Contacts' => (lead.zoho_module === 'Leads' ? 'Leads' : 'Contacts');

interface Note {
  key: string;
  title: string;
  content: string;
}

/** The two notes of a referral: on the referred person's record, and on the referring lead's. */
function referralNotes(referral: Referral, lead: Lead, email: string, target: { module: string; existed: boolean }): { onPerson: Note; onLead: Note } {
  const referrer = [lead.first_name, lead.last_name].filter(Boolean).join(' ') || lead.email || 'a lead';
  const who = referral.name ?? email;
  return {
    onPerson: { key: `referral:${referral.id}:target`, title: `Referred by ${referrer}`, content: `${referrer} pointed the assistant to ${who} <${email}>${target.existed ? '; this record already existed in Zoho.' : '.'}` },
    onLead: {
      key: `referral:${referral.id}:source`,
      title: `Referral: ${who}`,
      content: `${target.existed ? 'Found' : 'Created'} ${target.module} ${who} <${email}> in Zoho${lead.previous_owner_name ? `, owned by ${lead.previous_owner_name}` : ''}.`,
    },
  };
}

/** The record to create for the referred person, and the notes that follow it. */
async function newPerson(deps: EngineDeps, connection: OrgConnection, lead: Lead, referral: Referral, email: string): Promise<CreatePayload> {
  const [first, ...rest] = (referral.name ?? '').trim().split(/\s+/).filter(Boolean);
  const last = rest.length > 0 ? rest.join(' ') : (first ?? email.split('@')[0]!);
  const module = moduleFor(lead);
  const values: Record<string, unknown> = { Last_Name: last, Email: email, ...(rest.length > 0 && first ? { First_Name: first } : {}) };
  if (lead.previous_owner_id) values.Owner = lead.previous_owner_id;
  if (module === 'Leads') {
    values.Company = lead.company ?? '-';
  } else {
    const source = await deps.gateway.getRecord(connection, lead.zoho_module, lead.zoho_record_id, ['Account_Name']);
    const account = source?.Account_Name as { id?: unknown } | null | undefined;
    if (typeof account?.id === 'string') values.Account_Name = { id: account.id };
  }
  const notes = referralNotes(referral, lead, email, { module, existed: false });
  return {
    module,
    values,
    match: { field: 'Email', value: email },
    notes: [notes.onPerson, { ...notes.onLead, on: { module: lead.zoho_module, recordId: lead.zoho_record_id } }],
  };
}

/**
 * Creates the person a lead referred us to, in Zoho, under the lead's previous owner: found by
 * email first (Contacts, then Leads), so nobody is created twice; linked to the same account.
 * Safe to run again at any point: a create queued by an earlier run goes on from where it got to.
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
  const key = `referral:${referral.id}`;
  let row = await outboxByKey(deps.db, orgId, `create:${key}`);
  if (!row) {
    for (const module of ['Contacts', 'Leads']) {
      const id = await findRecordBy(deps, connection, module, 'Email', email);
      if (id) {
        await settle(deps, referral, lead, email, { status: 'existing', module, recordId: id });
        return;
      }
    }
    row = await queueCreate(deps, { orgId, leadId: lead.id }, key, await newPerson(deps, connection, lead, referral, email), deps.clock.now());
  }
  const outcome = await sendCreate(deps, connection, row);
  if (outcome.status === 'failed') {
    await setReferralStatus(deps.db, orgId, referral.id, 'failed', deps.clock.now());
    throw new PermanentJobError(`Zoho refused the referral: ${outcome.error}`);
  }
  await settle(deps, referral, lead, email, { status: 'created', module: moduleFor(lead), recordId: outcome.recordId });
}

/**
 * What we record of a referral Zoho is done with, in one transaction and once (the referral must
 * still be pending): its status and record, the lead's event, and, for a person who was already
 * there, the two notes (a created person's were queued with its create).
 */
async function settle(deps: EngineDeps, referral: Referral, lead: Lead, email: string, target: { status: 'existing' | 'created'; module: string; recordId: string }): Promise<void> {
  const now = deps.clock.now();
  await transaction(deps.db, async (tx) => {
    const inTx = { ...deps, db: tx };
    if (!(await settleReferral(tx, referral.id, target, now))) return;
    const created = target.status === 'created';
    await addLeadEvent(tx, lead, 'referral', { name: referral.name, email, module: target.module, recordId: target.recordId, created }, now);
    if (created) return;
    const notes = referralNotes(referral, lead, email, { module: target.module, existed: true });
    await queueNote(inTx, { ...lead, zoho_module: target.module, zoho_record_id: target.recordId }, notes.onPerson.key, notes.onPerson.title, notes.onPerson.content, now);
    await queueNote(inTx, lead, notes.onLead.key, notes.onLead.title, notes.onLead.content, now);
  });
}
