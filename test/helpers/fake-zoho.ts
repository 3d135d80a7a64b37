import type { Clock } from '../../server/src/lib/clock.js';
import { ZohoApiError, ZohoAuthorizationError } from '../../server/src/zoho/errors.js';
import type {
  NewField,
  NewNote,
  OrgConnection,
  OwnerChange,
  RecordUpdate,
  WatchChannel,
  WatchSubscription,
  WriteResult,
  ZohoField,
  ZohoGateway,
  ZohoNote,
  ZohoOrgInfo,
  ZohoRecord,
  ZohoUser,
  ZohoUserType,
} from '../../server/src/zoho/gateway.js';

/**
 * An in-memory Zoho behind the ZohoGateway interface, for the in-process test tier
 * (test/helpers/in-process.ts). It is only as faithful as the engine and the routes need: records
 * with field metadata and Zoho's validation of the values written, users, notes, owner history
 * (the timeline), org variables, a COQL subset (what the sweep, CRM Details, creates and the
 * connector send), and notification channels — every write that changes a record queues the
 * callback Zoho would POST, for the harness to deliver. Anything else throws NotFakedError.
 */

export class NotFakedError extends Error {
  constructor(what: string) {
    super(`FakeZohoGateway: ${what} is not faked (extend test/helpers/fake-zoho.ts if the code under test needs it)`);
    this.name = 'NotFakedError';
  }
}

export const FAKED_MODULES = ['Leads', 'Contacts', 'Deals', 'Accounts', 'Tasks'] as const;
type FakedModule = (typeof FAKED_MODULES)[number];

const DAY_MS = 24 * 60 * 60 * 1000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NUMERIC_ID = /^\d{1,19}$/;

/** Zoho reports times as ISO 8601 with an offset, in whole seconds. */
export function zohoTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
}

export interface FakeUser {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  status: 'active' | 'inactive';
  isAdmin: boolean;
  timeZone: string | null;
}

export interface StoredRecord {
  id: string;
  module: FakedModule;
  ownerId: string;
  values: Record<string, unknown>;
  createdBy: string;
  createdTime: number;
  modifiedTime: number;
}

export interface StoredNote {
  id: string;
  module: string;
  recordId: string;
  title: string;
  content: string;
  createdTime: number;
  createdBy: string;
}

interface FieldChange {
  apiName: string;
  old: string | null;
  new: string | null;
}

interface TimelineEntry {
  module: string;
  recordId: string;
  at: number;
  byUserId: string;
  changes: FieldChange[];
}

/** A callback Zoho would POST to a channel's notify URL. */
export interface PendingNotification {
  channelId: string;
  notifyUrl: string;
  body: Record<string, unknown>;
}

/** One gateway call as the code under test made it. */
export interface GatewayCall {
  method: keyof ZohoGateway;
  orgId: string | null;
  args: unknown[];
}

type Field = ZohoField & { mandatory?: boolean };

function field(apiName: string, label: string, dataType: string, extra: Partial<Field> = {}): Field {
  return { id: '', apiName, label, dataType, length: dataType === 'text' ? 255 : null, custom: false, readOnly: false, picklistValues: [], lookupModule: null, ...extra };
}

/** The standard fields the fake knows per module (a small part of Zoho's). */
function standardFields(module: FakedModule): Field[] {
  const audit = [field('Created_Time', 'Created Time', 'datetime', { readOnly: true }), field('Modified_Time', 'Modified Time', 'datetime', { readOnly: true })];
  const owner = field('Owner', `${module.slice(0, -1)} Owner`, 'ownerlookup');
  switch (module) {
    case 'Leads':
      return [owner, field('First_Name', 'First Name', 'text', { length: 40 }), field('Last_Name', 'Last Name', 'text', { length: 80, mandatory: true }), field('Email', 'Email', 'email'), field('Company', 'Company', 'text', { length: 200 }), field('Phone', 'Phone', 'phone'), field('Email_Opt_Out', 'Email Opt Out', 'boolean'), field('Title', 'Title', 'text', { length: 100 }), field('Industry', 'Industry', 'picklist', { picklistValues: ['-None-', 'Manufacturing', 'Software', 'Other'] }), field('City', 'City', 'text', { length: 100 }), field('Country', 'Country', 'text', { length: 100 }), ...audit];
    case 'Contacts':
      return [owner, field('First_Name', 'First Name', 'text', { length: 40 }), field('Last_Name', 'Last Name', 'text', { length: 80, mandatory: true }), field('Email', 'Email', 'email'), field('Account_Name', 'Account Name', 'lookup', { lookupModule: 'Accounts' }), field('Phone', 'Phone', 'phone'), field('Email_Opt_Out', 'Email Opt Out', 'boolean'), field('Title', 'Title', 'text', { length: 100 }), field('Mailing_City', 'Mailing City', 'text', { length: 100 }), field('Mailing_Country', 'Mailing Country', 'text', { length: 100 }), ...audit];
    case 'Deals':
      return [owner, field('Deal_Name', 'Deal Name', 'text', { length: 120, mandatory: true }), field('Account_Name', 'Account Name', 'lookup', { lookupModule: 'Accounts' }), field('Contact_Name', 'Contact Name', 'lookup', { lookupModule: 'Contacts' }), field('Stage', 'Stage', 'picklist', { picklistValues: ['Qualification', 'Needs Analysis', 'Closed Won', 'Closed Lost'] }), ...audit];
    case 'Accounts':
      return [owner, field('Account_Name', 'Account Name', 'text', { length: 200, mandatory: true }), field('Website', 'Website', 'website'), ...audit];
    case 'Tasks':
      // What_Id is Zoho's multi-module lookup (the module in $se_module); Who_Id names a Contact.
      return [
        field('Owner', 'Task Owner', 'ownerlookup'),
        field('Subject', 'Subject', 'text', { mandatory: true }),
        field('Due_Date', 'Due Date', 'date'),
        field('Status', 'Status', 'picklist', { picklistValues: ['Not Started', 'Deferred', 'In Progress', 'Completed', 'Waiting for input'] }),
        field('Priority', 'Priority', 'picklist', { picklistValues: ['High', 'Highest', 'Low', 'Lowest', 'Normal'] }),
        field('What_Id', 'Related To', 'lookup'),
        field('Who_Id', 'Contact Name', 'lookup', { lookupModule: 'Contacts' }),
        field('Description', 'Description', 'textarea', { length: 32000 }),
        ...audit,
      ];
  }
}

function isFaked(module: string): module is FakedModule {
  return (FAKED_MODULES as readonly string[]).includes(module);
}

function fullName(user: Pick<FakeUser, 'firstName' | 'lastName'>): string {
  return [user.firstName, user.lastName].filter(Boolean).join(' ');
}

function invalid(apiName: string, index: number, extra: Record<string, unknown> = {}, message = 'invalid data'): { ok: false; code: string; message: string; details: Record<string, unknown> } {
  return { ok: false, code: 'INVALID_DATA', message, details: { api_name: apiName, json_path: `$.data[${index}].${apiName}`, ...extra } };
}

/** One Zoho org of the fake: its users, records, notes, timeline, fields, variables and channels. */
export class FakeZohoOrg {
  readonly users: FakeUser[] = [];
  readonly records = new Map<string, StoredRecord>();
  readonly notes: StoredNote[] = [];
  readonly timeline: TimelineEntry[] = [];
  readonly variables = new Map<string, string>();
  readonly channels = new Map<string, WatchChannel>();
  private readonly fields = new Map<FakedModule, Field[]>();
  /** The user whose token the backend holds (the administrator who authorized). */
  currentUserId = '';

  constructor(
    private readonly zoho: FakeZohoGateway,
    readonly zgid: string,
    readonly companyName: string,
    readonly apiDomain: string,
    readonly accessToken: string,
  ) {
    for (const module of FAKED_MODULES) this.fields.set(module, standardFields(module).map((entry) => ({ ...entry, id: zoho.nextId() })));
  }

  get info(): ZohoOrgInfo {
    return { zgid: this.zgid, companyName: this.companyName, timeZone: 'UTC' };
  }

  addUser(input: { firstName: string; lastName: string; email: string; isAdmin?: boolean; status?: 'active' | 'inactive' }): FakeUser {
    const user: FakeUser = { id: this.zoho.nextId(), firstName: input.firstName, lastName: input.lastName, email: input.email, status: input.status ?? 'active', isAdmin: input.isAdmin ?? false, timeZone: 'UTC' };
    this.users.push(user);
    if (!this.currentUserId && user.isAdmin) this.currentUserId = user.id;
    return user;
  }

  user(id: string): FakeUser | undefined {
    return this.users.find((candidate) => candidate.id === id);
  }

  toZohoUser(user: FakeUser): ZohoUser {
    return { id: user.id, email: user.email, fullName: fullName(user), status: user.status, isAdmin: user.isAdmin, timeZone: user.timeZone };
  }

  fieldsOf(module: string): Field[] {
    if (!isFaked(module)) throw new NotFakedError(`the module ${module}`);
    return this.fields.get(module)!;
  }

  addFields(module: string, specs: NewField[]): string[] {
    const fields = this.fieldsOf(module);
    return specs.map((spec) => {
      if (fields.some((existing) => existing.label.toLowerCase() === spec.label.toLowerCase())) throw new ZohoApiError(400, 'DUPLICATE_DATA', `a field labelled ${spec.label} exists`, { field_label: spec.label });
      const base = spec.label.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
      const created: Field = {
        id: this.zoho.nextId(),
        apiName: /^[A-Za-z]/.test(base) ? base : `X${base}`,
        label: spec.label,
        dataType: spec.dataType,
        length: spec.length ?? (spec.dataType === 'text' ? 255 : null),
        custom: true,
        readOnly: false,
        picklistValues: spec.picklistValues ?? [],
        lookupModule: null,
      };
      fields.push(created);
      return created.id;
    });
  }

  /** Adds a value to a picklist, as an admin would in Zoho's layout editor. */
  addPicklistValue(module: string, apiName: string, value: string): void {
    const target = this.fieldsOf(module).find((entry) => entry.apiName === apiName);
    if (!target || target.dataType !== 'picklist') throw new Error(`${module}.${apiName} is not a picklist`);
    if (!target.picklistValues.includes(value)) target.picklistValues.push(value);
  }

  /** A record's display name (what lookups and the timeline show). */
  private nameOf(record: StoredRecord): string {
    if (record.module === 'Leads' || record.module === 'Contacts') return [record.values.First_Name, record.values.Last_Name].filter((part) => typeof part === 'string' && part).join(' ');
    return String(record.values[record.module === 'Deals' ? 'Deal_Name' : 'Account_Name'] ?? '');
  }

  private userLookup(id: string, withEmail = true): Record<string, unknown> | null {
    const user = this.user(id);
    if (!user) return null;
    return withEmail ? { name: fullName(user), id: user.id, email: user.email } : { name: fullName(user), id: user.id };
  }

  /** A record in the read shape of the gateway: lookups as {name, id}, Owner as {name, id, email}, times as Zoho writes them. */
  render(record: StoredRecord, only?: readonly string[]): ZohoRecord {
    const out: ZohoRecord = { id: record.id };
    for (const entry of this.fieldsOf(record.module)) {
      const name = entry.apiName;
      if (only && only.length > 0 && !only.includes(name)) continue;
      if (name === 'Owner') out.Owner = this.userLookup(record.ownerId);
      else if (name === 'Created_Time') out.Created_Time = zohoTime(record.createdTime);
      else if (name === 'Modified_Time') out.Modified_Time = zohoTime(record.modifiedTime);
      else if (entry.dataType === 'lookup') {
        const target = typeof record.values[name] === 'string' ? this.records.get(record.values[name]) : undefined;
        out[name] = target ? { name: this.nameOf(target), id: target.id } : null;
      } else if (entry.dataType === 'boolean') out[name] = record.values[name] === true;
      else out[name] = record.values[name] ?? null;
    }
    return out;
  }

  /** The record, or undefined; `module` must match when given. */
  find(module: string | undefined, id: string): StoredRecord | undefined {
    const record = this.records.get(id);
    return record && (module === undefined || record.module === module) ? record : undefined;
  }

  /** Checks input values against the module's fields as Zoho does: unknown and read-only fields are ignored. */
  private validate(module: FakedModule, values: Record<string, unknown>, index: number, mode: 'insert' | 'update'): { ok: true; values: Record<string, unknown>; ownerId: string | undefined } | { ok: false; code: string; message: string; details: Record<string, unknown> } {
    const fields = this.fieldsOf(module);
    const accepted: Record<string, unknown> = {};
    let ownerId: string | undefined;
    for (const [name, value] of Object.entries(values)) {
      const entry = fields.find((candidate) => candidate.apiName === name);
      if (!entry || entry.readOnly) continue;
      const expected = { expected_data_type: entry.dataType };
      if (value === null) {
        if (entry.mandatory || entry.dataType === 'ownerlookup') return invalid(name, index, expected);
        accepted[name] = null;
        continue;
      }
      switch (entry.dataType) {
        case 'ownerlookup': {
          const id = typeof value === 'string' ? value : typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
          const user = typeof id === 'string' ? this.user(id) : undefined;
          if (!user || user.status !== 'active') return invalid(name, index, { ...expected, id: id ?? null }, 'the owner id given seems to be invalid');
          ownerId = user.id;
          continue;
        }
        case 'text':
        case 'textarea':
        case 'phone':
        case 'website':
        case 'email':
          if (typeof value !== 'string') return invalid(name, index, expected);
          if (entry.length !== null && value.length > entry.length) return invalid(name, index, { maximum_length: entry.length });
          if (entry.dataType === 'email' && value !== '' && !EMAIL.test(value)) return invalid(name, index, expected);
          accepted[name] = value;
          continue;
        case 'boolean':
          if (typeof value !== 'boolean') return invalid(name, index, expected);
          accepted[name] = value;
          continue;
        case 'integer':
          if (typeof value !== 'number' || !Number.isInteger(value)) return invalid(name, index, expected);
          accepted[name] = value;
          continue;
        case 'double':
          if (typeof value !== 'number' || !Number.isFinite(value)) return invalid(name, index, expected);
          accepted[name] = value;
          continue;
        case 'date':
        case 'datetime':
          if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return invalid(name, index, expected);
          accepted[name] = value;
          continue;
        case 'picklist':
          if (typeof value !== 'string' || !entry.picklistValues.includes(value)) return invalid(name, index, { ...expected, allowed_values: entry.picklistValues });
          accepted[name] = value;
          continue;
        case 'lookup': {
          const id = typeof value === 'object' ? (value as { id?: unknown }).id : value;
          // A multi-module lookup (What_Id) names its record's module in $se_module, as Zoho requires.
          const target = entry.lookupModule ?? (typeof values.$se_module === 'string' ? values.$se_module : '(no $se_module)');
          if (typeof id !== 'string' || !NUMERIC_ID.test(id) || !this.find(target, id)) return invalid(name, index, { ...expected, id: id ?? null }, 'the related id given seems to be invalid');
          accepted[name] = id;
          continue;
        }
        default:
          throw new NotFakedError(`writing a ${entry.dataType} field (${module}.${name})`);
      }
    }
    if (mode === 'insert') {
      const missing = fields.find((entry) => entry.mandatory && (accepted[entry.apiName] === undefined || accepted[entry.apiName] === ''));
      if (missing) return { ok: false, code: 'MANDATORY_NOT_FOUND', message: 'required field not found', details: { api_name: missing.apiName, json_path: `$.data[${index}].${missing.apiName}` } };
    }
    return { ok: true, values: accepted, ownerId };
  }

  /** How a value reads in the timeline's field history. */
  private historyValue(module: FakedModule, apiName: string, value: unknown): string | null {
    if (value === null || value === undefined) return null;
    if (apiName === 'Owner') return this.user(String(value)) ? fullName(this.user(String(value))!) : String(value);
    const entry = this.fieldsOf(module).find((candidate) => candidate.apiName === apiName);
    if (entry?.dataType === 'lookup') {
      const target = this.records.get(String(value));
      return target ? this.nameOf(target) : String(value);
    }
    return String(value);
  }

  /** Creates records as `actorId` (one insert notification per call). */
  insertRecords(module: string, inputs: Record<string, unknown>[], actorId: string): WriteResult[] {
    if (!isFaked(module)) throw new NotFakedError(`the module ${module}`);
    const now = this.zoho.clock.now();
    const created: string[] = [];
    const results = inputs.map((input, index): WriteResult => {
      const checked = this.validate(module, input, index, 'insert');
      if (!checked.ok) return { id: '', ok: false, code: checked.code, message: checked.message, details: checked.details };
      const record: StoredRecord = { id: this.zoho.nextId(), module, ownerId: checked.ownerId ?? actorId, values: checked.values, createdBy: actorId, createdTime: now, modifiedTime: now };
      this.records.set(record.id, record);
      this.timeline.push({ module, recordId: record.id, at: now, byUserId: actorId, changes: [] });
      created.push(record.id);
      return { id: record.id, ok: true, code: 'SUCCESS', message: 'record added' };
    });
    this.zoho.publish(this, module, 'insert', created.map((id) => ({ id, fields: [], values: {} })));
    return results;
  }

  /** Updates records as `actorId`; only real changes touch Modified_Time, the timeline and notifications. */
  updateRecords(module: string, updates: { id: string; values: Record<string, unknown> }[], actorId: string): WriteResult[] {
    if (!isFaked(module)) throw new NotFakedError(`the module ${module}`);
    const now = this.zoho.clock.now();
    const changed: { id: string; fields: string[]; values: Record<string, unknown> }[] = [];
    const results = updates.map((update, index): WriteResult => {
      const record = this.find(module, update.id);
      if (!record) return { id: update.id, ok: false, code: 'INVALID_DATA', message: 'the id given seems to be invalid', details: { api_name: 'id', json_path: `$.data[${index}].id` } };
      const checked = this.validate(module, update.values, index, 'update');
      if (!checked.ok) return { id: update.id, ok: false, code: checked.code, message: checked.message, details: checked.details };
      const changes: FieldChange[] = [];
      const affected: Record<string, unknown> = {};
      if (checked.ownerId !== undefined && checked.ownerId !== record.ownerId) {
        changes.push({ apiName: 'Owner', old: this.historyValue(module, 'Owner', record.ownerId), new: this.historyValue(module, 'Owner', checked.ownerId) });
        record.ownerId = checked.ownerId;
        affected.Owner = this.userLookup(record.ownerId, false);
      }
      for (const [name, value] of Object.entries(checked.values)) {
        const before = record.values[name] ?? null;
        if (before === value) continue;
        changes.push({ apiName: name, old: this.historyValue(module, name, before), new: this.historyValue(module, name, value) });
        record.values[name] = value;
        affected[name] = value;
      }
      if (changes.length > 0) {
        record.modifiedTime = now;
        this.timeline.push({ module, recordId: record.id, at: now, byUserId: actorId, changes });
        changed.push({ id: record.id, fields: changes.map((change) => change.apiName), values: affected });
      }
      return { id: record.id, ok: true, code: 'SUCCESS', message: 'record updated' };
    });
    this.zoho.publish(this, module, 'update', changed);
    return results;
  }

  /** Deletes a record (a person in Zoho): its notes go with it; a delete notification goes out. */
  deleteRecord(id: string): void {
    const record = this.records.get(id);
    if (!record) throw new Error(`no record ${id}`);
    this.records.delete(id);
    this.zoho.publish(this, record.module, 'delete', [{ id, fields: [], values: {} }]);
  }

  ownerChanges(module: string, id: string): OwnerChange[] {
    return this.timeline
      .filter((entry) => entry.module === module && entry.recordId === id)
      .flatMap((entry) => entry.changes.filter((change) => change.apiName === 'Owner').map((change) => ({ from: change.old, to: change.new, at: zohoTime(entry.at), byUserId: entry.byUserId })))
      .sort((a, b) => a.at.localeCompare(b.at));
  }

  notesOf(module: string | undefined, id: string): StoredNote[] {
    return this.notes.filter((note) => note.recordId === id && (module === undefined || note.module === module)).sort((a, b) => a.createdTime - b.createdTime);
  }

  addNotes(notes: NewNote[], actorId: string): WriteResult[] {
    const now = this.zoho.clock.now();
    return notes.map((input, index): WriteResult => {
      if (!this.find(input.module, input.recordId)) return { id: '', ok: false, code: 'INVALID_DATA', message: 'the related id given seems to be invalid', details: { api_name: 'Parent_Id', json_path: `$.data[${index}].Parent_Id` } };
      if (!input.content) return { id: '', ok: false, code: 'MANDATORY_NOT_FOUND', message: 'required field not found', details: { api_name: 'Note_Content' } };
      const note: StoredNote = { id: this.zoho.nextId(), module: input.module, recordId: input.recordId, title: input.title, content: input.content, createdTime: now, createdBy: actorId };
      this.notes.push(note);
      return { id: note.id, ok: true, code: 'SUCCESS', message: 'record added' };
    });
  }

  /** A COQL select over this org's records (the subset of COQL in coql()). */
  query(text: string): Record<string, unknown>[] {
    return runCoql(this, text);
  }
}

/**
 * The fake gateway: a ZohoGateway over FakeZohoOrgs. Our org ids are bound to a Zoho org when the
 * harness authorizes one (bind()); calls for an unbound org fail as a lost authorization would.
 * `calls` records every gateway call; `fail()` makes the next calls of a method throw.
 */
export class FakeZohoGateway implements ZohoGateway {
  readonly orgs: FakeZohoOrg[] = [];
  readonly calls: GatewayCall[] = [];
  /** Callbacks Zoho would POST (channel deliveries), oldest first, until the harness takes them. */
  private outbox: PendingNotification[] = [];
  private readonly bound = new Map<string, FakeZohoOrg>();
  private readonly faults = new Map<keyof ZohoGateway, { error: Error; after: boolean }[]>();
  private counter = 0n;

  constructor(readonly clock: Clock) {}

  /** Zoho-like ids: 19 digits, increasing. */
  nextId(): string {
    this.counter += 1n;
    return String(4_876_000_000_000_000_000n + this.counter);
  }

  createOrg(input: { companyName: string; apiDomain?: string }): FakeZohoOrg {
    const zgid = String(70_000_000 + this.orgs.length + 1);
    const org = new FakeZohoOrg(this, zgid, input.companyName, input.apiDomain ?? 'https://www.zohoapis.com', `1000.fake-access-${zgid}`);
    this.orgs.push(org);
    return org;
  }

  /** Our org `orgId` is authorized for `org`: the gateway reaches it through connections naming orgId. */
  bind(orgId: string, org: FakeZohoOrg): void {
    this.bound.set(orgId, org);
  }

  /**
   * The next `count` calls of `method` throw `error` (a 429, a timeout, a lost authorization):
   * before Zoho does anything, or with `after`, once Zoho has done the work (the answer was lost).
   */
  fail(method: keyof ZohoGateway, error: Error, options: { count?: number; after?: boolean } = {}): void {
    const added = Array.from({ length: options.count ?? 1 }, () => ({ error, after: options.after === true }));
    this.faults.set(method, [...(this.faults.get(method) ?? []), ...added]);
  }

  /** Takes the callbacks Zoho would have POSTed since the last take. */
  takeNotifications(): PendingNotification[] {
    const taken = this.outbox;
    this.outbox = [];
    return taken;
  }

  get pendingNotifications(): number {
    return this.outbox.length;
  }

  /** How many calls of `method` the code under test made. */
  callsOf(method: keyof ZohoGateway): GatewayCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Fans a change out to the org's live channels, as Zoho's notification service does (reference/zoho-api.md §9.5). */
  publish(org: FakeZohoOrg, module: string, operation: 'insert' | 'update' | 'delete', changes: { id: string; fields: string[]; values: Record<string, unknown> }[]): void {
    if (changes.length === 0) return;
    const now = this.clock.now();
    const event = `${module}.${{ insert: 'create', update: 'edit', delete: 'delete' }[operation]}`;
    for (const channel of org.channels.values()) {
      if (channel.expiresAt <= now) continue;
      if (!channel.events.includes(event) && !channel.events.includes(`${module}.all`)) continue;
      const watched = channel.editFields?.[module];
      const passing = changes.filter((change) => operation !== 'update' || !watched || change.fields.some((name) => watched.includes(name)));
      if (passing.length === 0) continue;
      const ids = passing.map((change) => change.id);
      const body: Record<string, unknown> = {
        server_time: now,
        query_params: Object.fromEntries(new URL(channel.notifyUrl).searchParams),
        module,
        resource_uri: `${org.apiDomain}/crm/v2/${module}`,
        ids,
        affected_fields: operation === 'update' ? passing.map((change) => ({ [change.id]: change.fields })) : [],
        operation,
        channel_id: channel.channelId,
        token: channel.token,
      };
      // The backend subscribes with return_affected_field_values (sdk-operations.ts watch()).
      if (operation === 'update') body.affected_values = passing.map((change) => ({ record_id: change.id, values: change.values }));
      this.outbox.push({ channelId: channel.channelId, notifyUrl: channel.notifyUrl, body });
    }
  }

  /**
   * One gateway call: recorded, then any fault set for it (before the work: nothing was written;
   * `after`: Zoho did the work but the answer never came, as a timeout after the write).
   */
  private async run<T>(method: keyof ZohoGateway, connection: OrgConnection | null, args: unknown[], work: (org: FakeZohoOrg) => T): Promise<T> {
    this.calls.push({ method, orgId: connection?.orgId ?? null, args });
    const fault = this.faults.get(method)?.shift();
    if (fault && !fault.after) throw fault.error;
    const org = connection ? this.bound.get(connection.orgId) : undefined;
    if (connection && !org) throw new ZohoAuthorizationError(`FakeZohoGateway: org ${connection.orgId} was never authorized (bind it first)`);
    const result = work(org!);
    if (fault?.after) throw fault.error;
    return result;
  }

  identify(where: { apiDomain: string; accountsServer: string }, accessToken: string): Promise<{ user: ZohoUser; org: ZohoOrgInfo }> {
    return this.run('identify', null, [where], () => {
      const org = this.orgs.find((candidate) => candidate.accessToken === accessToken);
      const user = org?.user(org.currentUserId);
      if (!org || !user) throw new ZohoAuthorizationError('invalid oauth token');
      return { user: org.toZohoUser(user), org: org.info };
    });
  }

  currentUser(connection: OrgConnection): Promise<ZohoUser> {
    return this.run('currentUser', connection, [], (org) => {
      const user = org.user(org.currentUserId);
      if (!user) throw new ZohoApiError(200, 'NO_CURRENT_USER', 'Zoho did not say who authorized the token');
      return org.toZohoUser(user);
    });
  }

  listUsers(connection: OrgConnection, type: ZohoUserType): Promise<ZohoUser[]> {
    return this.run('listUsers', connection, [type], (org) => {
      const pick: Record<ZohoUserType, (user: FakeUser) => boolean> = {
        AllUsers: () => true,
        ActiveUsers: (user) => user.status === 'active',
        AdminUsers: (user) => user.isAdmin,
        CurrentUser: (user) => user.id === org.currentUserId,
      };
      if (!pick[type]) throw new NotFakedError(`listUsers type ${String(type)}`);
      return org.users.filter(pick[type]).map((user) => org.toZohoUser(user));
    });
  }

  getOrg(connection: OrgConnection): Promise<ZohoOrgInfo> {
    return this.run('getOrg', connection, [], (org) => org.info);
  }

  listFields(connection: OrgConnection, module: string): Promise<ZohoField[]> {
    return this.run('listFields', connection, [module], (org) => org.fieldsOf(module).map(({ mandatory: _mandatory, ...entry }) => ({ ...entry, picklistValues: [...entry.picklistValues] })));
  }

  createFields(connection: OrgConnection, module: string, fields: NewField[]): Promise<string[]> {
    return this.run('createFields', connection, [module, fields], (org) => org.addFields(module, fields));
  }

  coql(connection: OrgConnection, query: string): Promise<Record<string, unknown>[]> {
    return this.run('coql', connection, [query], (org) => org.query(query));
  }

  watch(connection: OrgConnection, channel: WatchChannel): Promise<WatchSubscription> {
    return this.run('watch', connection, [{ ...channel, token: '[redacted]' }], (org) => {
      // Zoho keeps a channel a week at most.
      const expiresAt = Math.min(channel.expiresAt, this.clock.now() + 7 * DAY_MS);
      org.channels.set(channel.channelId, { ...channel, expiresAt, events: [...channel.events] });
      return { channelId: channel.channelId, events: [...channel.events], expiresAt };
    });
  }

  unwatch(connection: OrgConnection, channelId: string): Promise<void> {
    return this.run('unwatch', connection, [channelId], (org) => void org.channels.delete(channelId));
  }

  getVariable(connection: OrgConnection, apiName: string): Promise<string | null> {
    return this.run('getVariable', connection, [apiName], (org) => org.variables.get(apiName) ?? null);
  }

  setVariable(connection: OrgConnection, variable: { apiName: string; name: string; value: string }): Promise<void> {
    return this.run('setVariable', connection, [{ apiName: variable.apiName }], (org) => void org.variables.set(variable.apiName, variable.value));
  }

  getRecord(connection: OrgConnection, module: string, id: string, fields?: string[]): Promise<ZohoRecord | null> {
    return this.run('getRecord', connection, [module, id, fields], (org) => {
      org.fieldsOf(module);
      const record = org.find(module, id);
      return record ? org.render(record, fields) : null;
    });
  }

  ownerHistory(connection: OrgConnection, module: string, id: string): Promise<OwnerChange[]> {
    return this.run('ownerHistory', connection, [module, id], (org) => org.ownerChanges(module, id));
  }

  updateRecords(connection: OrgConnection, module: string, updates: RecordUpdate[]): Promise<WriteResult[]> {
    return this.run('updateRecords', connection, [module, updates], (org) => {
      if (updates.length > 100) throw new ZohoApiError(400, 'LIMIT_EXCEEDED', 'the number of records exceeds 100');
      return org.updateRecords(module, updates, org.currentUserId);
    });
  }

  createRecords(connection: OrgConnection, module: string, records: Record<string, unknown>[]): Promise<WriteResult[]> {
    return this.run('createRecords', connection, [module, records], (org) => {
      if (records.length > 100) throw new ZohoApiError(400, 'LIMIT_EXCEEDED', 'the number of records exceeds 100');
      return org.insertRecords(module, records, org.currentUserId);
    });
  }

  listNotes(connection: OrgConnection, module: string, id: string): Promise<ZohoNote[]> {
    return this.run('listNotes', connection, [module, id], (org) => {
      if (!org.find(module, id)) throw new ZohoApiError(400, 'INVALID_DATA', 'the related id given seems to be invalid', { id });
      return org.notesOf(module, id).map((note) => ({ id: note.id, title: note.title, content: note.content }));
    });
  }

  createNotes(connection: OrgConnection, notes: NewNote[]): Promise<WriteResult[]> {
    return this.run('createNotes', connection, [notes], (org) => {
      if (notes.length > 100) throw new ZohoApiError(400, 'LIMIT_EXCEEDED', 'the number of records exceeds 100');
      return org.addNotes(notes, org.currentUserId);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// COQL: `select f, … from Module [where …] [order by f [asc|desc]] [limit [offset,] n]`, with
// and/or/parentheses and =, !=, <, <=, >, >=, [not] in (…), [not] like, is [not] null.

type Token = { kind: 'number' | 'string' | 'word' | 'symbol'; text: string };
type Literal = string | number | boolean | null;
type Condition =
  | { kind: 'and' | 'or'; parts: Condition[] }
  | { kind: 'compare'; field: string; op: string; value: Literal }
  | { kind: 'in'; field: string; negated: boolean; values: Literal[] }
  | { kind: 'like'; field: string; negated: boolean; pattern: string }
  | { kind: 'null'; field: string; negated: boolean };

const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|'((?:[^'\\]|\\.)*)'|([A-Za-z_][A-Za-z0-9_.]*)|(>=|<=|!=|<>|=|<|>|\(|\)|,|\*))/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) throw new ZohoApiError(400, 'SYNTAX_ERROR', `COQL: unexpected input at ${at}: ${text.slice(at, at + 20)}`);
    if (match[1] !== undefined) tokens.push({ kind: 'number', text: match[1] });
    else if (match[2] !== undefined) tokens.push({ kind: 'string', text: match[2].replace(/\\(.)/g, '$1') });
    else if (match[3] !== undefined) tokens.push({ kind: 'word', text: match[3] });
    else tokens.push({ kind: 'symbol', text: match[4]! });
  }
  return tokens;
}

class CoqlParser {
  private index = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private isWord(word: string, offset = 0): boolean {
    const token = this.tokens[this.index + offset];
    return token?.kind === 'word' && token.text.toLowerCase() === word;
  }

  private take(): Token {
    const token = this.tokens[this.index];
    if (!token) throw new ZohoApiError(400, 'SYNTAX_ERROR', `COQL: unexpected end of query: ${this.text}`);
    this.index += 1;
    return token;
  }

  private expectWord(word: string): void {
    if (!this.isWord(word)) throw new NotFakedError(`COQL without "${word}" where the fake expects it (${this.text})`);
    this.index += 1;
  }

  private expectSymbol(symbol: string): void {
    const token = this.take();
    if (token.kind !== 'symbol' || token.text !== symbol) throw new ZohoApiError(400, 'SYNTAX_ERROR', `COQL: expected "${symbol}" near "${token.text}"`);
  }

  private identifier(): string {
    const token = this.take();
    if (token.kind !== 'word') throw new NotFakedError(`COQL "${token.text}" where a field name belongs (${this.text})`);
    return token.text;
  }

  private literal(): Literal {
    const token = this.take();
    if (token.kind === 'string') return token.text;
    if (token.kind === 'number') return Number(token.text);
    if (token.kind === 'word' && ['true', 'false'].includes(token.text.toLowerCase())) return token.text.toLowerCase() === 'true';
    if (token.kind === 'word' && token.text.toLowerCase() === 'null') return null;
    throw new NotFakedError(`COQL value "${token.text}" (${this.text})`);
  }

  parse(): { fields: string[]; module: string; where: Condition | null; order: { field: string; desc: boolean } | null; offset: number; limit: number } {
    this.expectWord('select');
    const fields = [this.identifier()];
    while (this.peek()?.text === ',') {
      this.index += 1;
      fields.push(this.identifier());
    }
    this.expectWord('from');
    const module = this.identifier();
    let where: Condition | null = null;
    if (this.isWord('where')) {
      this.index += 1;
      where = this.or();
    }
    let order: { field: string; desc: boolean } | null = null;
    if (this.isWord('order')) {
      this.index += 1;
      this.expectWord('by');
      const orderField = this.identifier();
      let desc = false;
      if (this.isWord('asc') || this.isWord('desc')) desc = this.take().text.toLowerCase() === 'desc';
      order = { field: orderField, desc };
    }
    let offset = 0;
    let limit = 200;
    if (this.isWord('limit')) {
      this.index += 1;
      limit = Number(this.literal());
      if (this.peek()?.text === ',') {
        this.index += 1;
        offset = limit;
        limit = Number(this.literal());
      } else if (this.isWord('offset')) {
        this.index += 1;
        offset = Number(this.literal());
      }
    }
    if (this.peek()) throw new NotFakedError(`COQL after "${this.peek()!.text}" (${this.text})`);
    if (!Number.isInteger(limit) || limit < 1 || limit > 2000) throw new ZohoApiError(400, 'LIMIT_EXCEEDED', 'COQL limit must be between 1 and 2000');
    return { fields, module, where, order, offset, limit };
  }

  private or(): Condition {
    const parts = [this.and()];
    while (this.isWord('or')) {
      this.index += 1;
      parts.push(this.and());
    }
    return parts.length === 1 ? parts[0]! : { kind: 'or', parts };
  }

  private and(): Condition {
    const parts = [this.factor()];
    while (this.isWord('and')) {
      this.index += 1;
      parts.push(this.factor());
    }
    return parts.length === 1 ? parts[0]! : { kind: 'and', parts };
  }

  private factor(): Condition {
    if (this.peek()?.text === '(') {
      this.index += 1;
      const inner = this.or();
      this.expectSymbol(')');
      return inner;
    }
    const name = this.identifier();
    const negated = this.isWord('not');
    if (negated) this.index += 1;
    if (this.isWord('in')) {
      this.index += 1;
      this.expectSymbol('(');
      const values = [this.literal()];
      while (this.peek()?.text === ',') {
        this.index += 1;
        values.push(this.literal());
      }
      this.expectSymbol(')');
      return { kind: 'in', field: name, negated, values };
    }
    if (this.isWord('like')) {
      this.index += 1;
      return { kind: 'like', field: name, negated, pattern: String(this.literal()) };
    }
    if (negated) throw new NotFakedError(`COQL "not" before "${this.peek()?.text ?? 'the end'}" (${this.text})`);
    if (this.isWord('is')) {
      this.index += 1;
      const not = this.isWord('not');
      if (not) this.index += 1;
      this.expectWord('null');
      return { kind: 'null', field: name, negated: not };
    }
    const op = this.take();
    if (op.kind !== 'symbol' || !['=', '!=', '<>', '<', '<=', '>', '>='].includes(op.text)) throw new NotFakedError(`COQL operator "${op.text}" (${this.text})`);
    return { kind: 'compare', field: name, op: op.text === '<>' ? '!=' : op.text, value: this.literal() };
  }
}

/** A record's value as COQL compares it: ids as strings, times as milliseconds. */
function coqlValue(org: FakeZohoOrg, record: StoredRecord, name: string): { type: string; value: unknown } {
  if (name === 'id') return { type: 'id', value: record.id };
  const entry = org.fieldsOf(record.module).find((candidate) => candidate.apiName === name);
  if (!entry) throw new ZohoApiError(400, 'INVALID_QUERY', 'invalid column given', { column_name: name });
  if (name === 'Owner') return { type: 'id', value: record.ownerId };
  if (name === 'Created_Time') return { type: 'datetime', value: record.createdTime };
  if (name === 'Modified_Time') return { type: 'datetime', value: record.modifiedTime };
  const value = record.values[name] ?? (entry.dataType === 'boolean' ? false : null);
  if (entry.dataType === 'lookup') return { type: 'id', value };
  if (entry.dataType === 'datetime') return { type: 'datetime', value: typeof value === 'string' ? Date.parse(value) : null };
  return { type: entry.dataType, value };
}

function compareValues(type: string, actual: unknown, literal: Literal): number | null {
  if (actual === null || actual === undefined || literal === null) return null;
  if (type === 'datetime') {
    const wanted = typeof literal === 'string' ? Date.parse(literal) : Number.NaN;
    if (Number.isNaN(wanted)) throw new ZohoApiError(400, 'INVALID_QUERY', `invalid datetime value ${String(literal)}`);
    return Math.sign(Number(actual) - wanted);
  }
  if (type === 'boolean') return actual === (literal === true || literal === 'true') ? 0 : 1;
  if (type === 'id') {
    const [a, b] = [String(actual), String(literal)];
    if (NUMERIC_ID.test(a) && NUMERIC_ID.test(b)) return a === b ? 0 : BigInt(a) < BigInt(b) ? -1 : 1;
    return a === b ? 0 : a < b ? -1 : 1;
  }
  if (typeof actual === 'number') return Math.sign(actual - Number(literal));
  const [a, b] = [String(actual).toLowerCase(), String(literal).toLowerCase()];
  return a === b ? 0 : a < b ? -1 : 1;
}

/** Sorts two values of one column; nulls first, as Zoho sorts ascending. */
function orderValues(type: string, a: unknown, b: unknown): number {
  if (a === null || a === undefined || b === null || b === undefined) return (a === null || a === undefined ? 0 : 1) - (b === null || b === undefined ? 0 : 1);
  if (type === 'id' && NUMERIC_ID.test(String(a)) && NUMERIC_ID.test(String(b))) return BigInt(String(a)) === BigInt(String(b)) ? 0 : BigInt(String(a)) < BigInt(String(b)) ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  const [left, right] = [String(a).toLowerCase(), String(b).toLowerCase()];
  return left === right ? 0 : left < right ? -1 : 1;
}

function matches(org: FakeZohoOrg, record: StoredRecord, condition: Condition): boolean {
  switch (condition.kind) {
    case 'and':
      return condition.parts.every((part) => matches(org, record, part));
    case 'or':
      return condition.parts.some((part) => matches(org, record, part));
    case 'null': {
      const { value } = coqlValue(org, record, condition.field);
      return (value === null || value === '') !== condition.negated;
    }
    case 'in': {
      const { type, value } = coqlValue(org, record, condition.field);
      const found = condition.values.some((literal) => compareValues(type, value, literal) === 0);
      return found !== condition.negated;
    }
    case 'like': {
      const { value } = coqlValue(org, record, condition.field);
      const pattern = new RegExp(`^${condition.pattern.split('%').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
      return (typeof value === 'string' && pattern.test(value)) !== condition.negated;
    }
    case 'compare': {
      const { type, value } = coqlValue(org, record, condition.field);
      const order = compareValues(type, value, condition.value);
      if (order === null) return condition.op === '!=' && value !== null && value !== undefined;
      return { '=': order === 0, '!=': order !== 0, '<': order < 0, '<=': order <= 0, '>': order > 0, '>=': order >= 0 }[condition.op] ?? false;
    }
  }
}

function runCoql(org: FakeZohoOrg, text: string): Record<string, unknown>[] {
  const query = new CoqlParser(tokenize(text), text).parse();
  if (!isFaked(query.module)) throw new NotFakedError(`COQL on the module ${query.module}`);
  for (const name of [...query.fields, ...(query.order ? [query.order.field] : [])]) {
    if (name !== 'id' && !org.fieldsOf(query.module).some((entry) => entry.apiName === name)) throw new ZohoApiError(400, 'INVALID_QUERY', 'invalid column given', { column_name: name });
  }
  let records = [...org.records.values()].filter((record) => record.module === query.module && (!query.where || matches(org, record, query.where)));
  if (query.order) {
    const { field: orderField, desc } = query.order;
    records = records.sort((a, b) => {
      const left = coqlValue(org, a, orderField);
      const right = coqlValue(org, b, orderField);
      const order = orderValues(left.type, left.value, right.value);
      return desc ? -order : order;
    });
  }
  return records.slice(query.offset, query.offset + query.limit).map((record) => {
    const row: Record<string, unknown> = { id: record.id };
    for (const name of query.fields) {
      if (name === 'id') continue;
      const { type, value } = coqlValue(org, record, name);
      row[name] = value === null || value === undefined ? null : type === 'datetime' ? zohoTime(Number(value)) : type === 'id' ? { id: String(value) } : value;
    }
    return row;
  });
}
