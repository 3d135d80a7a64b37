import { type Assistant, listAssistants, setAssistantZohoUser } from '../db/assistants.js';
import { enqueueJob, hasQueuedJob } from '../db/jobs.js';
import { type Lead, addLeadEvent, createLeadOnce, findLeadByRecord, updateLead } from '../db/leads.js';
import { listOrgFields } from '../db/org-setup.js';
import { getOrg, type OrgRow } from '../db/orgs.js';
import { hasUnsentOwnerChange } from '../db/outbox.js';
import { forgetSequenceRequest, requestedSequenceOf } from '../db/sequence-requests.js';
import { findSequenceByName, getSequence, listSequences } from '../db/sequences.js';
import { transaction } from '../db/store.js';
import { findSuppression, stateForSuppression, suppress } from '../db/suppressions.js';
import { ZohoAuthorizationError } from '../zoho/errors.js';
import type { ZohoRecord, ZohoUser } from '../zoho/gateway.js';
import { connectionOf } from '../db/orgs.js';
import { timeZoneOfRecord } from '../domain/time-zones.js';
import { languageOfRecord } from '../domain/languages.js';
import type { EngineDeps } from './context.js';
import { queueHandback, queueNote, queueRecordUpdate, queueStep, statusUpdate, stopAndHandBack } from './effects.js';
import { nextSendTime, windowFor } from './send-window.js';
import { intakeKeyPrefix, jobOf } from './job-kinds.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Zoho's user list changes rarely; one read serves many intakes for a while. Each process keeps
 * its own copy, which is safe with several processes: it is only a short-lived read cache of
 * Zoho's users (nothing is decided from it that is not in the database or Zoho), so processes
 * whose copies differ for a few minutes at most look a name up in a slightly older list.
 */
const USERS_TTL_MS = 10 * 60 * 1000;
const usersCache = new Map<string, { at: number; users: ZohoUser[] }>();

async function orgUsers(deps: EngineDeps, org: OrgRow): Promise<ZohoUser[]> {
  const cached = usersCache.get(org.id);
  if (cached && deps.clock.now() - cached.at < USERS_TTL_MS) return cached.users;
  const users = await deps.gateway.listUsers(connectionOf(org), 'AllUsers');
  usersCache.set(org.id, { at: deps.clock.now(), users });
  return users;
}

interface LookupName {
  id?: unknown;
  name?: unknown;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** The assistants of the org with their Zoho user ids, matched by email when not yet known. */
export async function assistantsWithUsers(deps: EngineDeps, org: OrgRow): Promise<Assistant[]> {
  let assistants = await listAssistants(deps.db, org.id);
  if (assistants.some((assistant) => !assistant.zoho_user_id)) {
    usersCache.delete(org.id);
    const users = (await orgUsers(deps, org)).filter((user) => user.status === 'active');
    for (const assistant of assistants) {
      const user = users.find((candidate) => candidate.email.toLowerCase() === assistant.mailbox_email.toLowerCase());
      if (user && user.id !== assistant.zoho_user_id) await setAssistantZohoUser(deps.db, org.id, assistant.id, user.id);
    }
    assistants = await listAssistants(deps.db, org.id);
  }
  return assistants;
}

/** Who owned the record before the assistant: the last owner change to the assistant, by name. */
async function previousOwner(deps: EngineDeps, org: OrgRow, module: string, recordId: string, assistantUserId: string): Promise<{ id: string | null; name: string | null }> {
  const connection = connectionOf(org);
  const [history, users] = await Promise.all([deps.gateway.ownerHistory(connection, module, recordId), orgUsers(deps, org)]);
  const assistantName = users.find((user) => user.id === assistantUserId)?.fullName;
  const change = [...history].reverse().find((entry) => entry.to === assistantName && entry.from && entry.from !== assistantName);
  if (!change?.from) return { id: null, name: null };
  // Zoho's timeline names owners; a name two users share cannot be trusted.
  const matches = users.filter((user) => user.fullName === change.from && user.id !== assistantUserId);
  return { id: matches.length === 1 ? matches[0]!.id : null, name: change.from };
}

/**
 * Queues an intake for a record (a notification, the sweep). An intake for it that has not started
 * yet will read the record's current state, so one is enough: answers whether one was queued.
 * Two processes asking at the same moment may both queue one; intake is idempotent, so the
 * second only reads the record again.
 */
export async function queueIntake(deps: Pick<EngineDeps, 'db'>, orgId: string, module: string, recordId: string, stamp: string, reason: 'changed' | 'assigned', now: number): Promise<boolean> {
  const payload = { orgId, module, recordId, ...(reason === 'assigned' ? { reason } : {}) };
  if (await hasQueuedJob(deps.db, intakeKeyPrefix(payload))) return false;
  return enqueueJob(deps.db, jobOf('intake', payload, now, stamp), now);
}

/**
 * Decides what a change to a record means for the assistant: a new assignment (a new lead), a
 * repeat assignment of a record already worked (the re-assignment guard), a person taking the
 * record back (stop), or nothing. Safe to run any number of times for the same record.
 */
export async function intakeRecord(deps: EngineDeps, orgId: string, module: string, recordId: string, reason: 'changed' | 'assigned' = 'changed'): Promise<void> {
  const org = await getOrg(deps.db, orgId);
  if (!org || org.status === 'disconnected') return;
  if (org.status !== 'active') throw new ZohoAuthorizationError(`org ${orgId} needs re-authorization`);
  const existing = await findLeadByRecord(deps.db, orgId, module, recordId);
  // The sweep saw the record owned by an assistant; if it is already being worked there is nothing to read.
  if (reason === 'assigned' && existing && (existing.status === 'active' || existing.status === 'paused')) return;
  const fields = (await listOrgFields(deps.db, orgId)).filter((field) => field.module === module);
  const contextField = fields.find((field) => field.role === 'context')?.api_name;
  const sequenceField = fields.find((field) => field.role === 'sequence')?.api_name;
  const record = await deps.gateway.getRecord(connectionOf(org), module, recordId);
  const lead = await findLeadByRecord(deps.db, orgId, module, recordId);
  if (!record) {
    if (lead && (lead.status === 'active' || lead.status === 'paused')) await stopLead(deps, lead, 'The record was deleted in Zoho.', deps.clock.now(), false);
    return;
  }
  const owner = record.Owner as LookupName | null;
  const ownerId = typeof owner?.id === 'string' ? owner.id : null;
  const assistants = await assistantsWithUsers(deps, org);
  const assistant = assistants.find((candidate) => candidate.zoho_user_id !== null && candidate.zoho_user_id === ownerId);
  const now = deps.clock.now();

  if (assistant) {
    if (!lead) {
      await startLead(deps, org, assistant, module, record, { contextField, sequenceField }, now);
      return;
    }
    if (lead.status === 'active' || lead.status === 'paused') {
      // Zoho's Email_Opt_Out set on a worked record: suppress the address and stop at once.
      if (record.Email_Opt_Out === true) await optedOutInZoho(deps, lead, now);
      return;
    }
    // Our own handback's owner change may not have gone out yet (the record is still the
    // assistant's because of us): that is not a new assignment.
    if (await hasUnsentOwnerChange(deps.db, lead.org_id, lead.id)) return;
    await guardReassignment(deps, lead, String(record.Modified_Time ?? now), now);
    return;
  }
  if (lead && (lead.status === 'active' || lead.status === 'paused') && ownerId !== null) {
    await stopLead(deps, lead, `${text(owner?.name) ?? 'Someone'} took the record back in Zoho, so the assistant stopped.`, now);
  }
}

/** A deal's contact: who the assistant writes to, and what their record says. */
const DEAL_CONTACT_FIELDS = ['Email', 'First_Name', 'Last_Name', 'Title', 'Mailing_City', 'Mailing_Country'];

async function dealContact(deps: EngineDeps, org: OrgRow, deal: ZohoRecord): Promise<ZohoRecord | null> {
  const contactId = (deal.Contact_Name as LookupName | null)?.id;
  return typeof contactId === 'string' ? deps.gateway.getRecord(connectionOf(org), 'Contacts', contactId, DEAL_CONTACT_FIELDS) : null;
}

async function startLead(
  deps: EngineDeps,
  org: OrgRow,
  assistant: Assistant,
  module: string,
  record: ZohoRecord,
  fields: { contextField: string | undefined; sequenceField: string | undefined },
  now: number,
): Promise<void> {
  const previous = await previousOwner(deps, org, module, record.id, assistant.zoho_user_id!);
  let person: { email: string | null; first: string | null; last: string | null } = {
    email: text(record.Email),
    first: text(record.First_Name),
    last: text(record.Last_Name),
  };
  let company = text(record.Company) ?? text((record.Account_Name as LookupName | null)?.name);
  // A deal is worked through its contact: who the assistant writes to, and what their record says.
  const contactRecord = module === 'Deals' ? await dealContact(deps, org, record) : record;
  if (module === 'Deals') {
    person = { email: text(contactRecord?.Email), first: text(contactRecord?.First_Name), last: text(contactRecord?.Last_Name) };
    company = text((record.Account_Name as LookupName | null)?.name);
  }
  // What the record says about the person, for the emails (a deal's from its contact).
  const country = text(contactRecord?.Country) ?? text(contactRecord?.Mailing_Country);
  const profile = {
    title: text(contactRecord?.Title) ?? text(contactRecord?.Designation),
    industry: text(record.Industry) === '-None-' ? null : text(record.Industry),
    city: text(contactRecord?.City) ?? text(contactRecord?.Mailing_City),
    country,
    language: languageOfRecord({ language: text(contactRecord?.Language) ?? text(contactRecord?.Preferred_Language), country }),
    time_zone: timeZoneOfRecord({ timeZone: text(contactRecord?.Time_Zone) ?? text(contactRecord?.Timezone), country }),
  };
  // The widget's choice first (any sequence of the org), then the record's picklist, then the defaults.
  const chosenInWidget = await requestedSequenceOf(deps.db, org.id, module, record.id, now);
  const requestedSequence = fields.sequenceField ? text(record[fields.sequenceField]) : null;
  const sequence =
    (chosenInWidget ? await getSequence(deps.db, org.id, chosenInWidget) : undefined) ??
    (requestedSequence && requestedSequence !== '-None-' ? await findSequenceByName(deps.db, org.id, requestedSequence) : undefined) ??
    (assistant.default_sequence_id ? await getSequence(deps.db, org.id, assistant.default_sequence_id) : undefined) ??
    (await listSequences(deps.db, org.id)).find((candidate) => candidate.is_default) ??
    (await listSequences(deps.db, org.id))[0];
  if (!sequence) throw new Error(`org ${org.id} has no sequence`);
  const context = (fields.contextField ? text(record[fields.contextField]) : null) ?? assistant.default_context;

  await transaction(deps.db, async (tx) => {
    const txDeps = { ...deps, db: tx };
    // Another intake may have created it meanwhile: the unique (org, module, record) decides.
    const lead = await createLeadOnce(
      tx,
      {
        org_id: org.id,
        assistant_id: assistant.id,
        zoho_module: module,
        zoho_record_id: record.id,
        email: person.email,
        first_name: person.first,
        last_name: person.last,
        company,
        context,
        ...profile,
        sequence_id: sequence.id,
        steps_total: sequence.steps.length,
        previous_owner_id: previous.id ?? assistant.default_owner_id ?? org.authorized_by_user_id,
        previous_owner_name: previous.name,
      },
      now,
    );
    if (!lead) return;
    if (chosenInWidget) await forgetSequenceRequest(tx, org.id, module, record.id);
    await addLeadEvent(tx, lead, 'assigned', { assistant: assistant.name, sequence: sequence.name, previousOwner: previous.name, requestedSequence: chosenInWidget ? sequence.name : requestedSequence }, now);
    // An archived assistant keeps its history but takes nothing new: the record goes straight back.
    if (assistant.archived_at !== null) {
      await queueHandback(txDeps, lead, `${assistant.name} is archived, so it takes no new records.`, 'New', now, now);
      return;
    }
    const who = [person.first, person.last].filter(Boolean).join(' ') || 'this contact';
    await queueNote(
      txDeps,
      lead,
      `assigned:${lead.id}`,
      `${assistant.name} is on it`,
      `${assistant.name} will email ${who}${person.email ? ` (${person.email})` : ''} on the "${sequence.name}" sequence (${sequence.steps.length} emails) and hand the record back to ${previous.name ?? 'its owner'} when done.`,
      now,
    );
    await queueRecordUpdate(txDeps, lead, `state:${lead.id}:New`, await statusUpdate(txDeps, lead, 'New'), now);
    if (!person.email) {
      await queueHandback(txDeps, lead, 'The record has no email address, so the assistant cannot write to it.', 'Processed', now, now);
      return;
    }
    if (record.Email_Opt_Out === true) {
      await optedOutInZoho(txDeps, lead, now);
      return;
    }
    const suppressed = await findSuppression(tx, org.id, person.email);
    if (suppressed) {
      await queueHandback(txDeps, lead, `${person.email} is on the suppression list (${suppressed.reason.replace('_', ' ')}), so the assistant will not email it.`, stateForSuppression(suppressed.reason), now, now);
      return;
    }
    const first = sequence.steps[0]!;
    const sendAt = nextSendTime(now + first.after_days * DAY_MS, windowFor(assistant, lead));
    await updateLead(tx, lead, { next_send_at: sendAt }, now);
    await queueStep(txDeps, lead, 0, sendAt, now);
  });
}

/** Email_Opt_Out in Zoho wins: the address joins the suppression list and the record goes back. */
async function optedOutInZoho(deps: EngineDeps, lead: Lead, now: number): Promise<void> {
  // Already seen (notifications repeat until the handback runs): nothing more to record.
  if (lead.status === 'paused' && lead.email && (await findSuppression(deps.db, lead.org_id, lead.email))?.reason === 'zoho_opt_out') return;
  await transaction(deps.db, async (tx) => {
    if (lead.email) await suppress(tx, lead.org_id, lead.email, 'zoho_opt_out', 'Email_Opt_Out in Zoho', now);
    await addLeadEvent(tx, lead, 'opted_out', { source: 'Email_Opt_Out in Zoho' }, now);
    await stopAndHandBack({ ...deps, db: tx }, lead, 'Email opt-out is set on the record in Zoho, so the assistant stopped.', 'Unsubscribed', now);
  });
}

/** A record the assistant already worked, assigned again: say so, and give it straight back. */
async function guardReassignment(deps: EngineDeps, lead: Lead, stamp: string, now: number): Promise<void> {
  await transaction(deps.db, async (tx) => {
    const txDeps = { ...deps, db: tx };
    await addLeadEvent(tx, lead, 'reassignment_refused', { previousClose: lead.close_reason }, now);
    await queueNote(
      txDeps,
      lead,
      `guard:${lead.id}:${stamp}`,
      'Already worked by the assistant',
      `The assistant already worked this record (${lead.close_reason ?? 'finished'}), so it will not start again. It has been assigned back${lead.previous_owner_name ? ` to ${lead.previous_owner_name}` : ''}.`,
      now,
    );
    if (lead.previous_owner_id) await queueRecordUpdate(txDeps, lead, `guard:${lead.id}:${stamp}`, { Owner: lead.previous_owner_id }, now);
  });
}

/** Stops a lead without changing the owner (a person took it, or it is gone). */
export async function stopLead(deps: EngineDeps, lead: Lead, reason: string, now: number, writeNote = true): Promise<void> {
  await transaction(deps.db, async (tx) => {
    await updateLead(tx, lead, { status: 'stopped', close_reason: reason, closed_at: now, next_send_at: null }, now);
    await addLeadEvent(tx, lead, 'stopped', { reason }, now);
    if (writeNote) await queueNote({ ...deps, db: tx }, lead, `stopped:${lead.id}`, 'The assistant stopped', reason, now);
  });
}
