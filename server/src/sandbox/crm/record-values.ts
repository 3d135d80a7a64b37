import type { Db } from '../../db/open-db.js';
import { SE_MODULES, STANDARD_MODULES } from '../metadata.js';
import { type FieldRow, picklistValues } from '../store/fields.js';
import { zohoTime } from '../store/ids.js';
import { type OrgRow, type UserRow, fullName, getUser } from '../store/orgs.js';
import { type StoredRecord, getRecord } from '../store/records.js';

/** One entry of a bulk write's `data` array when that record failed. */
export interface ItemError {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export type ValidatedInput =
  | { ok: true; values: Record<string, unknown>; ownerId: string | undefined }
  | { ok: false; error: ItemError };

const SYSTEM_FIELDS = new Set(['Created_By', 'Modified_By', 'Created_Time', 'Modified_Time', 'Full_Name']);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const NUMERIC_ID = /^\d{1,19}$/;

export function isNumericId(value: unknown): value is string {
  return typeof value === 'string' && NUMERIC_ID.test(value);
}

function invalid(field: FieldRow, index: number, extra: Record<string, unknown> = {}, message = 'invalid data'): ValidatedInput {
  return {
    ok: false,
    error: {
      code: 'INVALID_DATA',
      message,
      details: { api_name: field.api_name, json_path: `$.data[${index}].${field.api_name}`, ...extra },
    },
  };
}

function checkValue(db: Db, org: OrgRow, field: FieldRow, value: unknown, index: number, seModule?: string): ValidatedInput | { ok: true; value: unknown } {
  const expected = { expected_data_type: field.data_type };
  switch (field.data_type) {
    case 'text':
    case 'textarea':
    case 'phone':
    case 'website':
    case 'email': {
      if (typeof value !== 'string') return invalid(field, index, expected);
      if (field.length !== null && value.length > field.length) {
        return invalid(field, index, { maximum_length: field.length }, 'invalid data');
      }
      if (field.data_type === 'email' && value !== '' && !EMAIL.test(value)) return invalid(field, index, expected);
      return { ok: true, value };
    }
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > 2_147_483_647) {
        return invalid(field, index, expected);
      }
      return { ok: true, value };
    case 'bigint':
      if ((typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^-?\d{1,19}$/.test(value))) {
        return { ok: true, value: Number(value) };
      }
      return invalid(field, index, expected);
    case 'double':
    case 'currency':
    case 'percent':
      if (typeof value !== 'number' || !Number.isFinite(value)) return invalid(field, index, expected);
      return { ok: true, value };
    case 'boolean':
      if (typeof value !== 'boolean') return invalid(field, index, expected);
      return { ok: true, value };
    case 'date':
      if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
        return invalid(field, index, expected);
      }
      return { ok: true, value };
    case 'datetime':
      if (
        typeof value !== 'string' ||
        !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) ||
        Number.isNaN(Date.parse(value))
      ) {
        return invalid(field, index, expected);
      }
      return { ok: true, value: zohoTime(Date.parse(value)) };
    case 'picklist': {
      if (typeof value !== 'string' || !picklistValues(field).includes(value)) {
        return invalid(field, index, { ...expected, allowed_values: picklistValues(field) });
      }
      return { ok: true, value };
    }
    case 'multiselectpicklist': {
      const allowed = picklistValues(field);
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && allowed.includes(item))) {
        return invalid(field, index, { ...expected, allowed_values: allowed });
      }
      return { ok: true, value };
    }
    case 'lookup': {
      const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
      const module = field.lookup_module ?? seModule;
      if (!isNumericId(id) || !module || !getRecord(db, org.id, module, id)) {
        return invalid(field, index, { ...expected, id: id ?? null }, 'the related id given seems to be invalid');
      }
      return { ok: true, value: id };
    }
    case 'ownerlookup': {
      const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
      const user = isNumericId(id) ? getUser(db, org.id, id) : undefined;
      if (!user || user.status !== 'active') {
        return invalid(field, index, { ...expected, id: id ?? null }, 'the owner id given seems to be invalid');
      }
      return { ok: true, value: id };
    }
  }
}

/**
 * Checks one input record against the module's field metadata. Unknown fields and read-only system
 * fields are ignored, as Zoho ignores them; a missing mandatory field fails only this record.
 */
export function validateRecordInput(
  db: Db,
  org: OrgRow,
  fields: readonly FieldRow[],
  input: unknown,
  index: number,
  mode: 'insert' | 'update',
): ValidatedInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, error: { code: 'INVALID_DATA', message: 'invalid data', details: { json_path: `$.data[${index}]` } } };
  }
  const values: Record<string, unknown> = {};
  let ownerId: string | undefined;
  for (const [key, raw] of Object.entries(input as Record<string, unknown>)) {
    if (key === 'id' || key.startsWith('$') || SYSTEM_FIELDS.has(key)) continue;
    const field = fields.find((candidate) => candidate.api_name === key);
    if (!field || field.read_only === 1) continue;
    if (raw === null || raw === undefined) {
      if (field.system_mandatory === 1 || field.data_type === 'ownerlookup') return mandatoryMissing(field, index);
      values[key] = null;
      continue;
    }
    if (raw === '' && field.system_mandatory === 1) return mandatoryMissing(field, index);
    // A multi-module lookup (no lookup module of its own) names the related record's module in $se_module.
    let seModule: string | undefined;
    if (field.data_type === 'lookup' && !field.lookup_module) {
      const named = (input as Record<string, unknown>).$se_module;
      if (typeof named !== 'string' || !(SE_MODULES as readonly string[]).includes(named)) {
        return invalid(field, index, { api_name: '$se_module', json_path: `$.data[${index}].$se_module`, expected_data_type: 'text' }, 'the module given in $se_module is not supported for this lookup');
      }
      seModule = named;
      values.$se_module = named;
    }
    const checked = checkValue(db, org, field, raw, index, seModule);
    if (!checked.ok) return checked;
    if (field.data_type === 'ownerlookup') ownerId = (checked as { value: string }).value;
    else values[key] = (checked as { value: unknown }).value;
  }
  if (mode === 'insert') {
    for (const field of fields) {
      if (field.system_mandatory !== 1) continue;
      const value = values[field.api_name];
      if (value === undefined || value === null || value === '') return mandatoryMissing(field, index);
    }
  }
  return { ok: true, values, ownerId };
}

function mandatoryMissing(field: FieldRow, index: number): ValidatedInput {
  return {
    ok: false,
    error: {
      code: 'MANDATORY_NOT_FOUND',
      message: 'required field not found',
      details: { api_name: field.api_name, json_path: `$.data[${index}].${field.api_name}` },
    },
  };
}

export function nameFieldOf(module: string): string {
  return STANDARD_MODULES.find((candidate) => candidate.api_name === module)?.name_field ?? 'Name';
}

/** The name Zoho shows for a record in lookups (Full_Name for people, the name field otherwise). */
export function recordName(module: string, values: Record<string, unknown>): string {
  const nameField = nameFieldOf(module);
  if (nameField === 'Full_Name') {
    return [values.First_Name, values.Last_Name].filter((part) => typeof part === 'string' && part !== '').join(' ');
  }
  const value = values[nameField];
  return typeof value === 'string' ? value : '';
}

export function userLookup(user: UserRow | undefined, withEmail = true): Record<string, unknown> | null {
  if (!user) return null;
  return withEmail ? { name: fullName(user), id: user.id, email: user.email } : { name: fullName(user), id: user.id };
}

/** A stored record in Zoho's read shape: owner and audit users as lookups, lookups with names. */
export function renderRecord(
  db: Db,
  org: OrgRow,
  fields: readonly FieldRow[],
  record: StoredRecord,
  only?: readonly string[],
): Record<string, unknown> {
  const users = new Map<string, UserRow | undefined>();
  const user = (id: string) => {
    if (!users.has(id)) users.set(id, getUser(db, org.id, id));
    return users.get(id);
  };
  const full: Record<string, unknown> = { id: record.id };
  for (const field of fields) {
    const name = field.api_name;
    if (only && !only.includes(name)) continue;
    switch (name) {
      case 'Owner':
        full.Owner = userLookup(user(record.ownerId));
        continue;
      case 'Created_By':
        full.Created_By = userLookup(user(record.createdBy));
        continue;
      case 'Modified_By':
        full.Modified_By = userLookup(user(record.modifiedBy));
        continue;
      case 'Created_Time':
        full.Created_Time = zohoTime(record.createdTime);
        continue;
      case 'Modified_Time':
        full.Modified_Time = zohoTime(record.modifiedTime);
        continue;
      case 'Full_Name':
        full.Full_Name = recordName(record.module, record.values) || null;
        continue;
    }
    const value = record.values[name];
    const lookupModule = field.lookup_module ?? (typeof record.values.$se_module === 'string' ? record.values.$se_module : null);
    if (field.data_type === 'lookup' && !field.lookup_module && value !== undefined && value !== null) full.$se_module = lookupModule;
    if (field.data_type === 'lookup' && typeof value === 'string' && lookupModule) {
      const target = getRecord(db, org.id, lookupModule, value);
      full[name] = target ? { name: recordName(target.module, target.values), id: target.id } : null;
    } else {
      full[name] = value ?? null;
    }
  }
  return full;
}

/** The display string of a value as the field-history timeline records it. */
export function historyValue(db: Db, org: OrgRow, field: FieldRow, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (field.data_type === 'ownerlookup' && typeof value === 'string') {
    const owner = getUser(db, org.id, value);
    return owner ? fullName(owner) : value;
  }
  if (field.data_type === 'lookup' && typeof value === 'string' && field.lookup_module) {
    const target = getRecord(db, org.id, field.lookup_module, value);
    return target ? recordName(target.module, target.values) : value;
  }
  if (Array.isArray(value)) return value.join(';');
  return String(value);
}
