import { requestJob } from '../db/jobs.js';
import { updateLead } from '../db/leads.js';
import { connectionOf, getOrg } from '../db/orgs.js';
import type { NewSyncRecordsRow } from '../db/schema.js';
import { transaction } from '../db/store.js';
import {
  type SyncRecordEntry,
  type SyncRun,
  countRecordsByAction,
  failRun,
  failRunningRuns,
  findRun,
  findRunRecords,
  finishRun,
  insertSyncRecords,
  latestRuns,
  loggedKeys,
  noteRunError,
  openRun,
  runRecordEntries,
  saveRunCalls,
} from '../db/sync-runs.js';
import type { EngineDeps } from '../engine/context.js';
import { ZohoAuthorizationError, ZohoRateLimitedError, ZohoUnavailableError } from '../zoho/errors.js';
import type { OrgConnection, ZohoField, ZohoGateway } from '../zoho/gateway.js';
import { DEFAULT_MAPPINGS, type Mapping, ZOHO_MODULE, accountIdFieldProblem, incompatibility, sameValue, zohoValue } from './mapping.js';
import { type ContactRecord, type Entity, type PropertyValues, accountRecords, contactRecords, entityOf } from './properties.js';
import { type Segment, inSegments, listSegments } from './segments.js';
import { type ConnectorSettings, connectorEnabled, getConnectorSettings, markSyncWanted } from './settings.js';
import { jobOf } from '../engine/job-kinds.js';

export type SyncAction = 'create' | 'update' | 'skip' | 'reject';

const SYNC_ACTIONS: readonly SyncAction[] = ['create', 'update', 'skip', 'reject'];

/** A logged action as a SyncAction (the log keeps it as text). */
function actionOf(value: string): SyncAction {
  const action = SYNC_ACTIONS.find((candidate) => candidate === value);
  if (!action) throw new Error(`unknown sync action: ${value}`);
  return action;
}

export interface PlannedRecord {
  entity: Entity;
  ourId: string;
  zohoId: string | null;
  action: SyncAction;
  reason: string;
  fields: Record<string, unknown>;
}

/** COQL IN lists are kept short; writes go 100 per call (Zoho's limit). */
const MATCH_BATCH = 50;
const COQL_PAGE = 200;
const WRITE_BATCH = 100;
/** Values we put into COQL: emails and domains of plain characters only. */
const SAFE_VALUE = /^[a-z0-9._%+@-]{1,254}$/;

/** The gateway, counting the calls one run makes. */
function counting(gateway: ZohoGateway, counter: { calls: number }): ZohoGateway {
  return new Proxy(gateway, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        counter.calls += 1;
        return (value as (...inner: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

interface Context {
  deps: EngineDeps;
  orgId: string;
  zoho: ZohoGateway;
  connection: OrgConnection;
  settings: ConnectorSettings;
  fields: Record<Entity, ZohoField[]>;
  mappings: Mapping[];
}

function mappedValues(context: Context, entity: Entity, values: PropertyValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const mapping of context.mappings.filter((candidate) => candidate.entity === entity)) {
    const field = context.fields[entity].find((candidate) => candidate.apiName === mapping.zohoField);
    out[mapping.zohoField] = zohoValue(values[mapping.property] ?? null, field);
  }
  return out;
}

/** Finds existing Zoho records by a match field, 50 values per COQL query; answers value → row. */
/** A key more than one Zoho record holds: we do not guess between them. */
const AMBIGUOUS = Symbol('ambiguous');
type Existing = Map<string, Record<string, unknown> | typeof AMBIGUOUS>;

async function findExisting(context: Context, module: string, matchField: string, values: string[], columns: string[]): Promise<Existing> {
  const found: Existing = new Map();
  const safe = [...new Set(values.filter((value) => SAFE_VALUE.test(value)))];
  const select = [...new Set(['id', matchField, ...columns])].join(', ');
  for (let start = 0; start < safe.length; start += MATCH_BATCH) {
    const batch = safe.slice(start, start + MATCH_BATCH);
    // 200 rows cost one credit; a page that comes back full (many duplicates) is followed by the next.
    for (let offset = 0; ; offset += COQL_PAGE) {
      const rows = await context.zoho.coql(context.connection, `select ${select} from ${module} where ${matchField} in (${batch.map((value) => `'${value}'`).join(', ')}) order by id limit ${offset}, ${COQL_PAGE}`);
      for (const row of rows) {
        const key = String(row[matchField] ?? '').toLowerCase();
        if (key) found.set(key, found.has(key) ? AMBIGUOUS : row);
      }
      if (rows.length < COQL_PAGE) break;
    }
  }
  return found;
}

function plan(context: Context, entity: Entity, record: { id: string; values: PropertyValues }, key: string | null, existing: Existing, extra: Record<string, unknown> = {}): PlannedRecord {
  // What we do not know is never written: an empty value would erase what Zoho has.
  const fields = Object.fromEntries(Object.entries({ ...mappedValues(context, entity, record.values), ...extra }).filter(([, value]) => value !== null && value !== ''));
  if (!key) return { entity, ourId: record.id, zohoId: null, action: 'skip', reason: entity === 'contact' ? 'no email address to match on' : 'no account ID', fields: {} };
  if (!SAFE_VALUE.test(key)) return { entity, ourId: record.id, zohoId: null, action: 'skip', reason: `cannot match on "${key}"`, fields: {} };
  const match = existing.get(key);
  if (match === AMBIGUOUS) return { entity, ourId: record.id, zohoId: null, action: 'skip', reason: `ambiguous: more than one ${ZOHO_MODULE[entity]} record in Zoho has ${key}`, fields: {} };
  if (match) {
    const changed = Object.fromEntries(Object.entries(fields).filter(([name, value]) => !sameValue(value, match[name])));
    if (Object.keys(changed).length === 0) return { entity, ourId: record.id, zohoId: String(match.id), action: 'skip', reason: 'already up to date in Zoho', fields: {} };
    return { entity, ourId: record.id, zohoId: String(match.id), action: 'update', reason: `matched by ${entity === 'contact' ? 'email' : context.settings.account_id_field}`, fields: changed };
  }
  const allowed = entity === 'contact' ? context.settings.create_contacts : context.settings.create_accounts;
  if (!allowed) return { entity, ourId: record.id, zohoId: null, action: 'skip', reason: `not in Zoho, and creating ${ZOHO_MODULE[entity]} is off`, fields: {} };
  return { entity, ourId: record.id, zohoId: null, action: 'create', reason: `not in Zoho: ${entity === 'contact' ? 'a Contact' : 'an Account'} is created`, fields };
}

function selected(segments: readonly Segment[], ids: readonly string[], entity: Entity): Segment[] {
  return segments.filter((segment) => segment.entity === entity && ids.includes(segment.id));
}

export interface SyncResult {
  run: SyncRun;
  records: PlannedRecord[];
}

/** A planned record as the run's log keeps it. */
function logEntry(orgId: string, runId: number, row: PlannedRecord, now: number): NewSyncRecordsRow {
  return { run_id: runId, org_id: orgId, entity: row.entity, our_id: row.ourId, zoho_id: row.zohoId, action: row.action, reason: row.reason.slice(0, 500), fields: JSON.stringify(row.fields), at: now };
}

/** One of the org's runs. */
export async function getRun(deps: Pick<EngineDeps, 'db'>, orgId: string, id: number): Promise<SyncRun | undefined> {
  return findRun(deps.db, orgId, id);
}

/** The org's latest runs, newest first. */
export async function listRuns(deps: Pick<EngineDeps, 'db'>, orgId: string, limit: number): Promise<SyncRun[]> {
  return latestRuns(deps.db, orgId, limit);
}

/** What a run did to one record, its Zoho fields parsed. */
export type SyncRecordRow = Omit<SyncRecordEntry, 'fields'> & { fields: unknown };

/** What a run did to each record (at most 1,000), optionally one action or entity only. */
export async function runRecords(deps: Pick<EngineDeps, 'db'>, orgId: string, runId: number, filter: { action?: string; entity?: string }): Promise<SyncRecordRow[]> {
  const rows = await findRunRecords(deps.db, orgId, runId, filter);
  return rows.map((row) => ({ ...row, fields: JSON.parse(row.fields) as unknown }));
}

export function isTransient(error: unknown): boolean {
  return error instanceof ZohoRateLimitedError || error instanceof ZohoUnavailableError || error instanceof ZohoAuthorizationError;
}

/** Ends a run left `running` (the connector was switched off before it could resume). */
export async function abandonRuns(deps: Pick<EngineDeps, 'db' | 'clock'>, orgId: string, why: string): Promise<void> {
  await failRunningRuns(deps.db, orgId, deps.clock.now(), why);
}

/** Changes to leads ask for a sync this much later, so a burst of changes makes one run. */
export const SYNC_DEBOUNCE_MS = 2 * 60 * 1000;

/** Asks for the org's sync soon (debounced), when its connector is on. */
export async function requestSyncSoon(deps: Pick<EngineDeps, 'db'>, orgId: string, now: number): Promise<void> {
  if (!(await connectorEnabled(deps.db, orgId))) return;
  // If a run is going, it may have read the lead already: the flag makes the job come back soon.
  await markSyncWanted(deps.db, orgId);
  await requestJob(deps.db, jobOf('sync', { orgId }, now + SYNC_DEBOUNCE_MS), now);
}

/**
 * One sync of what we know into Zoho. A dry run reads exactly what a real run reads and writes
 * nothing to Zoho; its counts are the next real run's. A real run that Zoho rate-limits stops
 * where it is (the run stays `running`) and the next attempt resumes it, skipping what it wrote.
 */
export async function runSync(deps: EngineDeps, orgId: string, options: { dryRun: boolean; trigger: string }): Promise<SyncResult> {
  const org = await getOrg(deps.db, orgId);
  if (!org || org.status === 'disconnected') throw new Error('the org is not connected');
  if (org.status !== 'active') throw new ZohoAuthorizationError(`org ${orgId} needs re-authorization`);
  const settings = await getConnectorSettings(deps.db, orgId);
  const now = deps.clock.now();
  // Old logs are pruned; a real run interrupted by Zoho (429, an outage) is resumed rather than started again.
  const runId = await openRun(deps.db, { orgId, trigger: options.trigger, dryRun: options.dryRun, now, keepSince: now - settings.log_retention_days * 24 * 60 * 60 * 1000 });
  const done = await loggedKeys(deps.db, runId);
  const counter = { calls: (await getRun(deps, orgId, runId))?.api_calls ?? 0 };
  const connection = connectionOf(org);
  const zoho = counting(deps.gateway, counter);
  try {
    const fields = { contact: await zoho.listFields(connection, 'Contacts'), account: await zoho.listFields(connection, 'Accounts') };
    // Defaults Zoho's metadata cannot take (a field renamed or removed) are left out, not failed on.
    const mappings = [...DEFAULT_MAPPINGS, ...settings.mappings.map((mapping) => ({ entity: mapping.entity, property: mapping.property, zohoField: mapping.zoho_field }))].filter(
      (mapping) => incompatibility(mapping, fields[mapping.entity]) === null,
    );
    const context: Context = { deps, orgId, zoho, connection, settings, fields, mappings };
    const segments = await listSegments(deps.db, orgId);
    const allContacts = await contactRecords(deps.db, orgId);
    const contacts = allContacts.filter((contact) => inSegments(selected(segments, settings.segment_ids, 'contact'), contact.values) && !done.has(`contact:${contact.id}`));
    const allAccounts = accountRecords(allContacts);
    const accounts = allAccounts.filter((account) => inSegments(selected(segments, settings.segment_ids, 'account'), account.values) && !done.has(`account:${account.id}`));

    // Accounts first, so new Contacts can be linked to them.
    const accountIds = new Map<string, string>();
    const planned: PlannedRecord[] = [];
    const idFieldProblem = settings.account_id_field ? accountIdFieldProblem(settings.account_id_field, fields.account) : null;
    if (settings.account_id_field && idFieldProblem) {
      for (const account of accounts) planned.push({ entity: 'account', ourId: account.id, zohoId: null, action: 'skip', reason: `the account-ID field cannot be used: ${idFieldProblem}`, fields: {} });
    } else if (settings.account_id_field) {
      const idField = settings.account_id_field;
      const accountColumns = mappings.filter((mapping) => mapping.entity === 'account').map((mapping) => mapping.zohoField);
      // Every account's Zoho id is looked up (also those a resumed run wrote before), so Contacts can link to them.
      const existing = await findExisting(context, 'Accounts', idField, allAccounts.map((account) => account.id), accountColumns);
      for (const [key, row] of existing) if (row !== AMBIGUOUS) accountIds.set(key, String(row.id));
      for (const account of accounts) planned.push(plan(context, 'account', account, account.id, existing, { [idField]: account.id }));
    } else {
      for (const account of accounts) planned.push({ entity: 'account', ourId: account.id, zohoId: null, action: 'skip', reason: 'no account-ID field chosen: companies do not sync', fields: {} });
    }
    const contactColumns = mappings.filter((mapping) => mapping.entity === 'contact').map((mapping) => mapping.zohoField);
    const existingContacts = await findExisting(context, 'Contacts', 'Email', contacts.map((contact) => String(contact.values.email ?? '')).filter(Boolean), [...contactColumns, 'First_Name', 'Last_Name', 'Phone']);
    await enrich(deps, orgId, contacts, existingContacts, !options.dryRun);
    for (const contact of contacts) planned.push(plan(context, 'contact', contact, typeof contact.values.email === 'string' ? contact.values.email : null, existingContacts));

    if (options.dryRun) {
      const at = deps.clock.now();
      await insertSyncRecords(deps.db, planned.map((row) => logEntry(orgId, runId, row, at)));
    } else {
      await write(context, runId, planned.filter((row) => row.entity === 'account'), accountIds);
      const emails = new Map(contacts.map((contact) => [contact.id, contact.values.email ?? null]));
      await write(context, runId, planned.filter((row) => row.entity === 'contact').map((row) => linkAccount(context, row, emails, accountIds)), accountIds);
    }
    const counts = await countRecordsByAction(deps.db, runId);
    const count = (action: SyncAction) => counts.get(action) ?? 0;
    await finishRun(deps.db, runId, deps.clock.now(), { created: count('create'), updated: count('update'), skipped: count('skip'), rejected: count('reject'), api_calls: counter.calls });
    const records = (await runRecordEntries(deps.db, runId)).map((row) => ({
      entity: entityOf(row.entity),
      ourId: row.our_id,
      zohoId: row.zoho_id,
      action: actionOf(row.action),
      reason: row.reason,
      fields: JSON.parse(row.fields) as Record<string, unknown>,
    }));
    const run = await getRun(deps, orgId, runId);
    if (!run) throw new Error(`sync run ${runId} is gone`);
    return { run, records };
  } catch (error) {
    await saveRunCalls(deps.db, runId, counter.calls);
    const message = error instanceof Error ? error.message : String(error);
    // Zoho busy or away (429, 5xx, timeouts, lost authorization): a real run stays `running` and the
    // job's next attempt resumes it. Anything else, and any dry run, ends the run as failed.
    if (!options.dryRun && isTransient(error)) await noteRunError(deps.db, runId, message.slice(0, 500));
    else await failRun(deps.db, runId, deps.clock.now(), message.slice(0, 500));
    throw error;
  }
}

/**
 * Zoho only enriches what we have: names and phone we lack are taken from the matched Contact,
 * before planning (so a dry run plans what the real run will), and saved by a real run.
 */
async function enrich(deps: EngineDeps, orgId: string, contacts: readonly ContactRecord[], existing: Existing, save: boolean): Promise<void> {
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);
  const enriched: { id: string; changes: Record<string, string> }[] = [];
  for (const contact of contacts) {
    const match = typeof contact.values.email === 'string' ? existing.get(contact.values.email) : undefined;
    if (!match || match === AMBIGUOUS) continue;
    const changes: Record<string, string> = {};
    if (!contact.lead.first_name && text(match.First_Name)) changes.first_name = text(match.First_Name)!;
    if (!contact.lead.last_name && text(match.Last_Name)) changes.last_name = text(match.Last_Name)!;
    if (!contact.lead.phone && text(match.Phone)) changes.phone = text(match.Phone)!;
    if (Object.keys(changes).length === 0) continue;
    Object.assign(contact.values, changes);
    enriched.push({ id: contact.id, changes });
  }
  if (!save || enriched.length === 0) return;
  const now = deps.clock.now();
  await transaction(deps.db, async (tx) => {
    for (const { id, changes } of enriched) await updateLead(tx, { org_id: orgId, id }, changes, now);
  });
}

/** A Contact created with its company's Account (when that Account is known or was just created). */
function linkAccount(context: Context, row: PlannedRecord, emails: Map<string, PropertyValues[string]>, accountIds: Map<string, string>): PlannedRecord {
  if (row.action !== 'create' || !context.fields.contact.some((field) => field.apiName === 'Account_Name')) return row;
  const email = emails.get(row.ourId);
  const accountId = typeof email === 'string' ? accountIds.get(email.split('@')[1] ?? '') : undefined;
  return accountId ? { ...row, fields: { ...row.fields, Account_Name: { id: accountId } } } : row;
}

/** Writes planned creates and updates, 100 per call, and logs every record with Zoho's answer. */
async function write(context: Context, runId: number, rows: PlannedRecord[], accountIds: Map<string, string>): Promise<void> {
  // Each batch's rows are logged with Zoho's answer before the next batch: a resumed run skips them.
  const { deps, orgId } = context;
  const skippedAt = deps.clock.now();
  await insertSyncRecords(deps.db, rows.filter((candidate) => candidate.action === 'skip').map((row) => logEntry(orgId, runId, row, skippedAt)));
  for (const action of ['update', 'create'] as const) {
    const work = rows.filter((row) => row.action === action);
    for (let start = 0; start < work.length; start += WRITE_BATCH) {
      const batch = work.slice(start, start + WRITE_BATCH);
      const module = ZOHO_MODULE[batch[0]!.entity];
      const results =
        action === 'update'
          ? await context.zoho.updateRecords(context.connection, module, batch.map((row) => ({ id: row.zohoId!, values: row.fields })))
          : await context.zoho.createRecords(context.connection, module, batch.map((row) => row.fields));
      const now = deps.clock.now();
      const logged = batch.map((row, index) => {
        const result = results[index];
        if (result?.ok) {
          const zohoId = row.zohoId ?? result.id;
          if (row.entity === 'account' && action === 'create') accountIds.set(row.ourId, zohoId);
          return logEntry(orgId, runId, { ...row, zohoId }, now);
        }
        // Zoho's own reason; the record is tried again on the next run (every run plans from scratch).
        const details = result?.details ? Object.entries(result.details).filter(([key]) => key !== 'json_path').map(([key, value]) => `${key} ${String(value)}`).join(', ') : '';
        return logEntry(orgId, runId, { ...row, action: 'reject', reason: `Zoho refused it: ${result?.code ?? 'UNKNOWN'} ${result?.message ?? ''}${details ? ` (${details})` : ''}` }, now);
      });
      await insertSyncRecords(deps.db, logged);
    }
  }
}

