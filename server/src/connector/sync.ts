import { getOrg } from '../db/orgs.js';
import type { EngineDeps } from '../engine/context.js';
import { updateLead } from '../engine/leads.js';
import { connectionOf } from '../services/org-setup.js';
import { ZohoAuthorizationError } from '../zoho/errors.js';
import type { OrgConnection, ZohoField, ZohoGateway } from '../zoho/gateway.js';
import { DEFAULT_MAPPINGS, type Mapping, ZOHO_MODULE, incompatibility, sameValue, zohoValue } from './mapping.js';
import { type AccountRecord, type ContactRecord, type Entity, type PropertyValues, accountRecords, contactRecords } from './properties.js';
import { type Segment, inSegments, listSegments } from './segments.js';
import { type ConnectorSettings, connectorEnabled, getConnectorSettings } from './settings.js';
import { requestJob } from '../engine/jobs.js';

export type SyncAction = 'create' | 'update' | 'skip' | 'reject';

export interface PlannedRecord {
  entity: Entity;
  ourId: string;
  zohoId: string | null;
  action: SyncAction;
  reason: string;
  fields: Record<string, unknown>;
}

export interface SyncRun {
  id: number;
  trigger: string;
  dry_run: number;
  status: 'running' | 'done' | 'failed';
  started_at: number;
  finished_at: number | null;
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  api_calls: number;
  error: string | null;
}

/** COQL IN lists are kept short; writes go 100 per call (Zoho's limit). */
const MATCH_BATCH = 50;
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
async function findExisting(context: Context, module: string, matchField: string, values: string[], columns: string[]): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  const safe = [...new Set(values.filter((value) => SAFE_VALUE.test(value)))];
  const select = [...new Set(['id', matchField, ...columns])].join(', ');
  for (let start = 0; start < safe.length; start += MATCH_BATCH) {
    const batch = safe.slice(start, start + MATCH_BATCH);
    const rows = await context.zoho.coql(context.connection, `select ${select} from ${module} where ${matchField} in (${batch.map((value) => `'${value}'`).join(', ')}) limit 200`);
    for (const row of rows) {
      const key = String(row[matchField] ?? '').toLowerCase();
      // Exact matching: a second record with the same key is not guessed between.
      if (key && !found.has(key)) found.set(key, row);
    }
  }
  return found;
}

function plan(context: Context, entity: Entity, record: { id: string; values: PropertyValues }, key: string | null, existing: Map<string, Record<string, unknown>>, extra: Record<string, unknown> = {}): PlannedRecord {
  const fields = { ...mappedValues(context, entity, record.values), ...extra };
  if (!key) return { entity, ourId: record.id, zohoId: null, action: 'skip', reason: entity === 'contact' ? 'no email address to match on' : 'no account ID', fields: {} };
  if (!SAFE_VALUE.test(key)) return { entity, ourId: record.id, zohoId: null, action: 'skip', reason: `cannot match on "${key}"`, fields: {} };
  const match = existing.get(key);
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

function logRecord(deps: EngineDeps, orgId: string, runId: number, row: PlannedRecord, now: number): void {
  deps.db
    .prepare('INSERT INTO sync_records (run_id, org_id, entity, our_id, zoho_id, action, reason, fields, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(runId, orgId, row.entity, row.ourId, row.zohoId, row.action, row.reason.slice(0, 500), JSON.stringify(row.fields), now);
}

export function getRun(deps: Pick<EngineDeps, 'db'>, orgId: string, id: number): SyncRun | undefined {
  return deps.db.prepare('SELECT id, trigger, dry_run, status, started_at, finished_at, created, updated, skipped, rejected, api_calls, error FROM sync_runs WHERE org_id = ? AND id = ?').get(orgId, id) as SyncRun | undefined;
}

/** Changes to leads ask for a sync this much later, so a burst of changes makes one run. */
export const SYNC_DEBOUNCE_MS = 2 * 60 * 1000;

/** Asks for the org's sync soon (debounced), when its connector is on. */
export function requestSyncSoon(deps: Pick<EngineDeps, 'db'>, orgId: string, now: number): void {
  if (!connectorEnabled(deps.db, orgId)) return;
  requestJob(deps.db, { orgId, kind: 'sync', key: `sync:${orgId}`, payload: { orgId }, runAt: now + SYNC_DEBOUNCE_MS, maxAttempts: 1_000_000 }, now);
}

/**
 * One sync of what we know into Zoho. A dry run reads exactly what a real run reads and writes
 * nothing to Zoho; its counts are the next real run's. A real run that Zoho rate-limits stops
 * where it is (the run stays `running`) and the next attempt resumes it, skipping what it wrote.
 */
export async function runSync(deps: EngineDeps, orgId: string, options: { dryRun: boolean; trigger: string }): Promise<SyncResult> {
  const org = getOrg(deps.db, orgId);
  if (!org || org.status === 'disconnected') throw new Error('the org is not connected');
  if (org.status !== 'active') throw new ZohoAuthorizationError(`org ${orgId} needs re-authorization`);
  const settings = getConnectorSettings(deps.db, orgId);
  const now = deps.clock.now();
  deps.db.prepare('DELETE FROM sync_runs WHERE org_id = ? AND started_at < ?').run(orgId, now - settings.log_retention_days * 24 * 60 * 60 * 1000);

  // A real run interrupted by Zoho (429, an outage) is resumed rather than started again.
  const unfinished = options.dryRun ? undefined : (deps.db.prepare("SELECT id FROM sync_runs WHERE org_id = ? AND dry_run = 0 AND status = 'running' ORDER BY id DESC LIMIT 1").get(orgId) as { id: number } | undefined);
  const runId = unfinished?.id ?? Number(deps.db.prepare("INSERT INTO sync_runs (org_id, trigger, dry_run, status, started_at) VALUES (?, ?, ?, 'running', ?)").run(orgId, options.trigger, options.dryRun ? 1 : 0, now).lastInsertRowid);
  const done = new Set((deps.db.prepare("SELECT entity || ':' || our_id AS key FROM sync_records WHERE run_id = ?").all(runId) as { key: string }[]).map((row) => row.key));
  const counter = { calls: (getRun(deps, orgId, runId)?.api_calls ?? 0) };
  const saveCalls = () => deps.db.prepare('UPDATE sync_runs SET api_calls = ? WHERE id = ?').run(counter.calls, runId);
  const connection = connectionOf(org);
  const zoho = counting(deps.gateway, counter);
  try {
    const fields = { contact: await zoho.listFields(connection, 'Contacts'), account: await zoho.listFields(connection, 'Accounts') };
    // Defaults Zoho's metadata cannot take (a field renamed or removed) are left out, not failed on.
    const mappings = [...DEFAULT_MAPPINGS, ...settings.mappings.map((mapping) => ({ entity: mapping.entity, property: mapping.property, zohoField: mapping.zoho_field }))].filter(
      (mapping) => incompatibility(mapping, fields[mapping.entity]) === null,
    );
    const context: Context = { deps, orgId, zoho, connection, settings, fields, mappings };
    const segments = listSegments(deps.db, orgId);
    const allContacts = contactRecords(deps.db, orgId);
    const contacts = allContacts.filter((contact) => inSegments(selected(segments, settings.segment_ids, 'contact'), contact.values) && !done.has(`contact:${contact.id}`));
    const accounts = accountRecords(allContacts).filter((account) => inSegments(selected(segments, settings.segment_ids, 'account'), account.values) && !done.has(`account:${account.id}`));

    // Accounts first, so new Contacts can be linked to them.
    const accountIds = new Map<string, string>();
    const planned: PlannedRecord[] = [];
    if (settings.account_id_field) {
      const idField = settings.account_id_field;
      const accountColumns = mappings.filter((mapping) => mapping.entity === 'account').map((mapping) => mapping.zohoField);
      const existing = await findExisting(context, 'Accounts', idField, accounts.map((account) => account.id), accountColumns);
      for (const [key, row] of existing) accountIds.set(key, String(row.id));
      for (const account of accounts) planned.push(plan(context, 'account', account, account.id, existing, { [idField]: account.id }));
    } else {
      for (const account of accounts) planned.push({ entity: 'account', ourId: account.id, zohoId: null, action: 'skip', reason: 'no account-ID field chosen: companies do not sync', fields: {} });
    }
    const contactColumns = mappings.filter((mapping) => mapping.entity === 'contact').map((mapping) => mapping.zohoField);
    const existingContacts = await findExisting(context, 'Contacts', 'Email', contacts.map((contact) => String(contact.values.email ?? '')).filter(Boolean), [...contactColumns, 'First_Name', 'Last_Name', 'Phone']);
    for (const contact of contacts) planned.push(plan(context, 'contact', contact, typeof contact.values.email === 'string' ? contact.values.email : null, existingContacts));

    if (options.dryRun) {
      for (const row of planned) logRecord(deps, orgId, runId, row, deps.clock.now());
    } else {
      enrich(deps, orgId, contacts, existingContacts);
      await write(context, runId, planned.filter((row) => row.entity === 'account'), accountIds);
      await write(context, runId, planned.filter((row) => row.entity === 'contact').map((row) => linkAccount(context, row, contacts, accountIds)), accountIds);
    }
    const counts = deps.db.prepare('SELECT action, COUNT(*) AS n FROM sync_records WHERE run_id = ? GROUP BY action').all(runId) as { action: SyncAction; n: number }[];
    const count = (action: SyncAction) => counts.find((row) => row.action === action)?.n ?? 0;
    deps.db
      .prepare("UPDATE sync_runs SET status = 'done', finished_at = ?, created = ?, updated = ?, skipped = ?, rejected = ?, api_calls = ? WHERE id = ?")
      .run(deps.clock.now(), count('create'), count('update'), count('skip'), count('reject'), counter.calls, runId);
    const records = (deps.db.prepare('SELECT entity, our_id, zoho_id, action, reason, fields FROM sync_records WHERE run_id = ? ORDER BY id').all(runId) as { entity: Entity; our_id: string; zoho_id: string | null; action: SyncAction; reason: string; fields: string }[]).map((row) => ({
      entity: row.entity,
      ourId: row.our_id,
      zohoId: row.zoho_id,
      action: row.action,
      reason: row.reason,
      fields: JSON.parse(row.fields) as Record<string, unknown>,
    }));
    return { run: getRun(deps, orgId, runId)!, records };
  } catch (error) {
    saveCalls();
    const message = error instanceof Error ? error.message : String(error);
    // A dry run answers at once; a real run stays `running` to be resumed by the job's next attempt.
    if (options.dryRun) deps.db.prepare("UPDATE sync_runs SET status = 'failed', finished_at = ?, error = ? WHERE id = ?").run(deps.clock.now(), message.slice(0, 500), runId);
    else deps.db.prepare('UPDATE sync_runs SET error = ? WHERE id = ?').run(message.slice(0, 500), runId);
    throw error;
  }
}

/** Zoho only enriches what we have: names, phone and company we lack are taken from the matched Contact. */
function enrich(deps: EngineDeps, orgId: string, contacts: readonly ContactRecord[], existing: Map<string, Record<string, unknown>>): void {
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);
  for (const contact of contacts) {
    const match = typeof contact.values.email === 'string' ? existing.get(contact.values.email) : undefined;
    if (!match) continue;
    const changes: Record<string, string> = {};
    if (!contact.lead.first_name && text(match.First_Name)) changes.first_name = text(match.First_Name)!;
    if (!contact.lead.last_name && text(match.Last_Name)) changes.last_name = text(match.Last_Name)!;
    if (!contact.lead.phone && text(match.Phone)) changes.phone = text(match.Phone)!;
    if (Object.keys(changes).length > 0) updateLead(deps.db, { org_id: orgId, id: contact.id }, changes, deps.clock.now());
  }
}

/** A Contact created with its company's Account (when that Account is known or was just created). */
function linkAccount(context: Context, row: PlannedRecord, contacts: readonly ContactRecord[], accountIds: Map<string, string>): PlannedRecord {
  if (row.action !== 'create' || !context.fields.contact.some((field) => field.apiName === 'Account_Name')) return row;
  const email = contacts.find((contact) => contact.id === row.ourId)?.values.email;
  const accountId = typeof email === 'string' ? accountIds.get(email.split('@')[1] ?? '') : undefined;
  return accountId ? { ...row, fields: { ...row.fields, Account_Name: { id: accountId } } } : row;
}

/** Writes planned creates and updates, 100 per call, and logs every record with Zoho's answer. */
async function write(context: Context, runId: number, rows: PlannedRecord[], accountIds: Map<string, string>): Promise<void> {
  // Each batch's rows are logged with Zoho's answer before the next batch: a resumed run skips them.
  const { deps, orgId } = context;
  for (const row of rows.filter((candidate) => candidate.action === 'skip')) logRecord(deps, orgId, runId, row, deps.clock.now());
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
      deps.db.transaction(() => {
        batch.forEach((row, index) => {
          const result = results[index];
          if (result?.ok) {
            const zohoId = row.zohoId ?? result.id;
            if (row.entity === 'account' && action === 'create') accountIds.set(row.ourId, zohoId);
            logRecord(deps, orgId, runId, { ...row, zohoId }, now);
          } else {
            // Zoho's own reason; the record is tried again on the next run (every run plans from scratch).
            const details = result?.details ? Object.entries(result.details).filter(([key]) => key !== 'json_path').map(([key, value]) => `${key} ${String(value)}`).join(', ') : '';
            logRecord(deps, orgId, runId, { ...row, action: 'reject', reason: `Zoho refused it: ${result?.code ?? 'UNKNOWN'} ${result?.message ?? ''}${details ? ` (${details})` : ''}` }, now);
          }
        });
      })();
    }
  }
}

export type { AccountRecord };
