import type { Db } from '../../db/open-db.js';
import { ZohoError } from '../errors.js';
import type { FieldRow } from '../store/fields.js';
import { zohoTime } from '../store/ids.js';
import { type OrgRow, fullName, getUser } from '../store/orgs.js';
import { type StoredRecord, getRecord } from '../store/records.js';
import { recordName } from './record-values.js';

/** A field's raw value for filtering: lookups and owners by id, times as Zoho prints them. */
export function rawValue(record: StoredRecord, field: FieldRow): unknown {
  switch (field.api_name) {
    case 'Owner':
      return record.ownerId;
    case 'Created_By':
      return record.createdBy;
    case 'Modified_By':
      return record.modifiedBy;
    case 'Created_Time':
      return zohoTime(record.createdTime);
    case 'Modified_Time':
      return zohoTime(record.modifiedTime);
    case 'Full_Name':
      return recordName(record.module, record.values) || null;
    default:
      return record.values[field.api_name] ?? null;
  }
}

/**
 * Resolves `Field` or `Lookup.Field` (e.g. `Owner.email`, `Account_Name.Account_Number`) for a record.
 * Answers `undefined` when the path names no field.
 */
export function pathValue(
  db: Db,
  org: OrgRow,
  fieldsOf: (module: string) => readonly FieldRow[],
  record: StoredRecord,
  path: string,
): { found: true; value: unknown; field: FieldRow } | { found: false } {
  const [head, ...rest] = path.split('.');
  if (head?.toLowerCase() === 'id' && rest.length === 0) return { found: true, value: record.id, field: ID_FIELD };
  const field = fieldsOf(record.module).find((candidate) => candidate.api_name.toLowerCase() === head?.toLowerCase());
  if (!field) return { found: false };
  const value = rawValue(record, field);
  if (rest.length === 0) return { found: true, value, field };
  const sub = rest.join('.');
  if (field.data_type === 'ownerlookup') {
    const user = typeof value === 'string' ? getUser(db, org.id, value) : undefined;
    const attributes: Record<string, unknown> = user
      ? { id: user.id, email: user.email, first_name: user.first_name, last_name: user.last_name, full_name: fullName(user), name: fullName(user) }
      : {};
    if (!['id', 'email', 'first_name', 'last_name', 'full_name', 'name'].includes(sub.toLowerCase())) return { found: false };
    return { found: true, value: attributes[sub.toLowerCase()] ?? null, field: { ...field, data_type: 'text' } };
  }
  if (field.data_type === 'lookup' && field.lookup_module) {
    const target = typeof value === 'string' ? getRecord(db, org.id, field.lookup_module, value) : undefined;
    if (sub.toLowerCase() === 'id') return { found: true, value: target?.id ?? null, field: { ...field, data_type: 'bigint' } };
    const targetField = fieldsOf(field.lookup_module).find((candidate) => candidate.api_name.toLowerCase() === sub.toLowerCase());
    if (!targetField) return { found: false };
    return { found: true, value: target ? rawValue(target, targetField) : null, field: targetField };
  }
  return { found: false };
}

/** The record id, which COQL may select, filter and order by like a field. */
const ID_FIELD: FieldRow = {
  org_id: '', module: '', id: '', api_name: 'id', field_label: 'Record Id', data_type: 'bigint', length: 19,
  custom_field: 0, system_mandatory: 0, read_only: 1, pick_list_values: null, lookup_module: null, created_source: 'default', position: 0,
};

const NUMERIC_TYPES = new Set(['integer', 'bigint', 'double', 'currency', 'percent']);

/** Orders two values of one field type: numbers numerically, times as instants, text case-insensitively. */
export function compareValues(field: FieldRow, left: unknown, right: unknown): number {
  if (left === null || left === undefined) return right === null || right === undefined ? 0 : -1;
  if (right === null || right === undefined) return 1;
  if (NUMERIC_TYPES.has(field.data_type)) return Number(left) - Number(right);
  if (field.data_type === 'datetime') return Date.parse(String(left)) - Date.parse(String(right));
  if (field.data_type === 'boolean') return Number(left === true || left === 'true') - Number(right === true || right === 'true');
  if (field.data_type === 'lookup' || field.data_type === 'ownerlookup') {
    if (!/^\d{1,19}$/.test(String(right))) {
      throw new ZohoError(400, 'INVALID_QUERY', 'a lookup is compared with a record or user id', { api_name: field.api_name, value: String(right) });
    }
    const a = BigInt(String(left));
    const b = BigInt(String(right));
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return String(left).toLowerCase().localeCompare(String(right).toLowerCase());
}
