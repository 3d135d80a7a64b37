import type { SandboxDeps } from '../context.js';
import type { ChangeEvent } from '../notifications.js';
import { type FieldRow, listFields } from '../store/fields.js';
import { nextRecordId, zohoTime } from '../store/ids.js';
import { type OrgRow, type UserRow, getUser } from '../store/orgs.js';
import { type StoredRecord, deleteRecord, getRecord, insertRecord, listRecords, saveRecord } from '../store/records.js';
import { type FieldChange, insertTimeline } from '../store/timeline.js';
import { type ItemError, historyValue, isNumericId, userLookup, validateRecordInput } from './record-values.js';

/** Who makes a change and through what: Zoho's timeline records the source. */
export interface Actor {
  org: OrgRow;
  user: UserRow;
  source: 'crm_api' | 'crm_ui';
}

export type ItemResult =
  | { ok: true; record: StoredRecord; action: 'insert' | 'update' | 'delete'; duplicateField?: string | null }
  | { ok: false; error: ItemError };

function success(record: StoredRecord, action: Extract<ItemResult, { ok: true }>['action'], duplicateField?: string | null): ItemResult {
  return duplicateField === undefined ? { ok: true, record, action } : { ok: true, record, action, duplicateField };
}

export function writeDetails(deps: SandboxDeps, actor: Actor, record: StoredRecord): Record<string, unknown> {
  return {
    Modified_Time: zohoTime(record.modifiedTime),
    Modified_By: userLookup(actor.user, false),
    Created_Time: zohoTime(record.createdTime),
    id: record.id,
    Created_By: userLookup(actor.user.id === record.createdBy ? actor.user : { ...actor.user, id: record.createdBy }, false),
  };
}

function invalidId(index: number, id: unknown): ItemResult {
  return {
    ok: false,
    error: { code: 'INVALID_DATA', message: 'the id given seems to be invalid', details: { id: id ?? null, json_path: `$.data[${index}].id` } },
  };
}

class ChangeCollector {
  readonly ids: string[] = [];
  readonly affectedFields: Record<string, string[]> = {};
  readonly affectedValues: Record<string, Record<string, unknown>> = {};

  add(id: string, fields: string[] = [], values: Record<string, unknown> = {}): void {
    this.ids.push(id);
    this.affectedFields[id] = fields;
    this.affectedValues[id] = values;
  }

  event(orgId: string, module: string, operation: ChangeEvent['operation']): ChangeEvent | undefined {
    if (this.ids.length === 0) return undefined;
    return { orgId, module, operation, ids: this.ids, affectedFields: this.affectedFields, affectedValues: this.affectedValues };
  }
}

function recordAdded(deps: SandboxDeps, actor: Actor, record: StoredRecord): void {
  insertTimeline(deps.db, {
    org_id: actor.org.id,
    id: nextRecordId(deps.db, actor.org.id_prefix),
    module: record.module,
    record_id: record.id,
    action: 'added',
    source: actor.source,
    done_by: actor.user.id,
    audited_time: record.createdTime,
    field_history: null,
    related_record: null,
  });
}

/** Applies validated values to a record; returns the field changes for the timeline. */
function applyChanges(
  deps: SandboxDeps,
  actor: Actor,
  fields: readonly FieldRow[],
  record: StoredRecord,
  values: Record<string, unknown>,
  ownerId: string | undefined,
): FieldChange[] {
  const changes: FieldChange[] = [];
  const fieldOf = (name: string) => fields.find((field) => field.api_name === name)!;
  if (ownerId !== undefined && ownerId !== record.ownerId) {
    const owner = fieldOf('Owner');
    changes.push({
      api_name: 'Owner',
      field_label: owner.field_label,
      data_type: owner.data_type,
      field_id: owner.id,
      old: historyValue(deps.db, actor.org, owner, record.ownerId),
      new: historyValue(deps.db, actor.org, owner, ownerId),
    });
    record.ownerId = ownerId;
  }
  for (const [name, value] of Object.entries(values)) {
    const before = record.values[name] ?? null;
    if (JSON.stringify(before) === JSON.stringify(value)) continue;
    const field = fieldOf(name);
    changes.push({
      api_name: name,
      field_label: field.field_label,
      data_type: field.data_type,
      field_id: field.id,
      old: historyValue(deps.db, actor.org, field, before),
      new: historyValue(deps.db, actor.org, field, value),
    });
    record.values[name] = value;
  }
  return changes;
}

function recordUpdated(deps: SandboxDeps, actor: Actor, record: StoredRecord, changes: FieldChange[], now: number): void {
  record.modifiedBy = actor.user.id;
  record.modifiedTime = now;
  saveRecord(deps.db, record);
  if (changes.length === 0) return;
  insertTimeline(deps.db, {
    org_id: actor.org.id,
    id: nextRecordId(deps.db, actor.org.id_prefix),
    module: record.module,
    record_id: record.id,
    action: 'updated',
    source: actor.source,
    done_by: actor.user.id,
    audited_time: now,
    field_history: JSON.stringify(changes),
    related_record: null,
  });
}

function affectedValuesOf(actor: Actor, record: StoredRecord, changes: FieldChange[], deps: SandboxDeps): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const change of changes) {
    if (change.api_name === 'Owner') {
      values.Owner = userLookup(getUser(deps.db, actor.org.id, record.ownerId), false);
    } else {
      values[change.api_name] = record.values[change.api_name] ?? null;
    }
  }
  return values;
}

/** The changes of one write call, published per operation after the transaction commits. */
class ChangeSet {
  private readonly collectors = { insert: new ChangeCollector(), update: new ChangeCollector(), delete: new ChangeCollector() };

  of(operation: ChangeEvent['operation']): ChangeCollector {
    return this.collectors[operation];
  }

  publish(deps: SandboxDeps, orgId: string, module: string): void {
    for (const operation of ['insert', 'update', 'delete'] as const) {
      const event = this.collectors[operation].event(orgId, module, operation);
      if (event) deps.notifier.publish(event);
    }
  }
}

interface WriteScope {
  deps: SandboxDeps;
  actor: Actor;
  module: string;
  fields: FieldRow[];
  now: number;
  changes: ChangeSet;
}

/** Runs a whole write call in one transaction; notifications follow the commit. */
function runWrite(deps: SandboxDeps, actor: Actor, module: string, work: (scope: WriteScope) => ItemResult[]): ItemResult[] {
  const scope: WriteScope = { deps, actor, module, fields: listFields(deps.db, actor.org.id, module), now: deps.clock.now(), changes: new ChangeSet() };
  const results = deps.db.transaction(() => work(scope))();
  scope.changes.publish(deps, actor.org.id, module);
  return results;
}

function insertOne(scope: WriteScope, input: unknown, index: number): ItemResult {
  const { deps, actor, module, now } = scope;
  const checked = validateRecordInput(deps.db, actor.org, scope.fields, input, index, 'insert');
  if (!checked.ok) return checked;
  const record: StoredRecord = {
    orgId: actor.org.id,
    module,
    id: nextRecordId(deps.db, actor.org.id_prefix),
    ownerId: checked.ownerId ?? actor.user.id,
    values: checked.values,
    createdBy: actor.user.id,
    createdTime: now,
    modifiedBy: actor.user.id,
    modifiedTime: now,
  };
  insertRecord(deps.db, record);
  recordAdded(deps, actor, record);
  scope.changes.of('insert').add(record.id);
  return success(record, 'insert');
}

function updateOne(scope: WriteScope, input: unknown, index: number, pathId?: string): ItemResult {
  const { deps, actor, module, now } = scope;
  const id = pathId ?? (typeof input === 'object' && input !== null ? (input as { id?: unknown }).id : undefined);
  if (id === undefined) {
    return { ok: false, error: { code: 'MANDATORY_NOT_FOUND', message: 'required field not found', details: { api_name: 'id', json_path: `$.data[${index}].id` } } };
  }
  const record = isNumericId(id) ? getRecord(deps.db, actor.org.id, module, id) : undefined;
  if (!record) return invalidId(index, id);
  const checked = validateRecordInput(deps.db, actor.org, scope.fields, input, index, 'update');
  if (!checked.ok) return checked;
  const changes = applyChanges(deps, actor, scope.fields, record, checked.values, checked.ownerId);
  recordUpdated(deps, actor, record, changes, now);
  if (changes.length > 0) {
    scope.changes.of('update').add(record.id, changes.map((change) => change.api_name), affectedValuesOf(actor, record, changes, deps));
  }
  return success(record, 'update');
}

export function insertRecords(deps: SandboxDeps, actor: Actor, module: string, inputs: readonly unknown[]): ItemResult[] {
  return runWrite(deps, actor, module, (scope) => inputs.map((input, index) => insertOne(scope, input, index)));
}

export function updateRecords(deps: SandboxDeps, actor: Actor, module: string, inputs: readonly unknown[], pathId?: string): ItemResult[] {
  return runWrite(deps, actor, module, (scope) => inputs.map((input, index) => updateOne(scope, input, index, pathId)));
}

/** Insert or update by duplicate-check fields, in input order; Zoho reports which one happened. */
export function upsertRecords(
  deps: SandboxDeps,
  actor: Actor,
  module: string,
  inputs: readonly unknown[],
  duplicateCheckFields: readonly string[],
): ItemResult[] {
  return runWrite(deps, actor, module, (scope) =>
    inputs.map((input, index) => {
      const values = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
      let match: StoredRecord | undefined;
      let matchedField: string | null = null;
      for (const field of duplicateCheckFields) {
        const wanted = values[field];
        if (wanted === undefined || wanted === null || wanted === '') continue;
        match = listRecords(deps.db, actor.org.id, module).find((record) => sameValue(record.values[field], wanted));
        if (match) {
          matchedField = field;
          break;
        }
      }
      const result = match ? updateOne(scope, input, index, match.id) : insertOne(scope, input, index);
      return result.ok ? success(result.record, match ? 'update' : 'insert', matchedField) : result;
    }),
  );
}

function sameValue(stored: unknown, wanted: unknown): boolean {
  if (typeof stored === 'string' && typeof wanted === 'string') return stored.toLowerCase() === wanted.toLowerCase();
  return JSON.stringify(stored) === JSON.stringify(wanted);
}

export function deleteRecords(deps: SandboxDeps, actor: Actor, module: string, ids: readonly string[]): ItemResult[] {
  return runWrite(deps, actor, module, (scope) =>
    ids.map((id, index) => {
      const record = isNumericId(id) ? getRecord(deps.db, actor.org.id, module, id) : undefined;
      if (!record) return invalidId(index, id);
      deleteRecord(deps.db, actor.org.id, module, id);
      scope.changes.of('delete').add(id);
      return success(record, 'delete');
    }),
  );
}

/** `actions/change_owner`: only the Owner changes, recorded like any other owner update. */
export function changeOwner(deps: SandboxDeps, actor: Actor, module: string, ids: readonly string[], ownerId: string): ItemResult[] {
  return updateRecords(deps, actor, module, ids.map((id) => ({ id, Owner: { id: ownerId } })));
}
