import type { Db } from '../../db/open-db.js';
import type { DataType, FieldDefinition } from '../metadata.js';
import { nextRecordId, nextSequence } from './ids.js';

export interface FieldRow {
  org_id: string;
  module: string;
  id: string;
  api_name: string;
  field_label: string;
  data_type: DataType;
  length: number | null;
  custom_field: number;
  system_mandatory: number;
  read_only: number;
  pick_list_values: string | null;
  lookup_module: string | null;
  created_source: string;
  position: number;
}

export function insertField(
  db: Db,
  org: { id: string; id_prefix: string },
  module: string,
  field: FieldDefinition,
  custom: boolean,
  source: 'default' | 'extension' | 'crm_api',
): FieldRow {
  const row: FieldRow = {
    org_id: org.id,
    module,
    id: nextRecordId(db, org.id_prefix),
    api_name: field.api_name,
    field_label: field.field_label,
    data_type: field.data_type,
    length: field.length ?? null,
    custom_field: custom ? 1 : 0,
    system_mandatory: field.system_mandatory ? 1 : 0,
    read_only: field.read_only ? 1 : 0,
    pick_list_values: field.pick_list_values ? JSON.stringify(field.pick_list_values) : null,
    lookup_module: field.lookup_module ?? null,
    created_source: source,
    position: nextSequence(db, `field-position:${org.id}`),
  };
  db.prepare(
    `INSERT INTO fields (org_id, module, id, api_name, field_label, data_type, length, custom_field, system_mandatory,
       read_only, pick_list_values, lookup_module, created_source, position)
     VALUES (@org_id, @module, @id, @api_name, @field_label, @data_type, @length, @custom_field, @system_mandatory,
       @read_only, @pick_list_values, @lookup_module, @created_source, @position)`,
  ).run(row);
  return row;
}

export function listFields(db: Db, orgId: string, module: string): FieldRow[] {
  return db.prepare('SELECT * FROM fields WHERE org_id = ? AND module = ? ORDER BY position').all(orgId, module) as FieldRow[];
}

export function getFieldById(db: Db, orgId: string, module: string, id: string): FieldRow | undefined {
  return db.prepare('SELECT * FROM fields WHERE org_id = ? AND module = ? AND id = ?').get(orgId, module, id) as FieldRow | undefined;
}

export function picklistValues(field: FieldRow): string[] {
  return field.pick_list_values ? (JSON.parse(field.pick_list_values) as string[]) : [];
}

/** The field-metadata JSON Zoho returns for one field (what Zoho's SDK builds its cache from). */
export function renderField(field: FieldRow, moduleIds: ReadonlyMap<string, string>): Record<string, unknown> {
  const values = picklistValues(field);
  const lookupModule = field.lookup_module;
  return {
    api_name: field.api_name,
    field_label: field.field_label,
    display_label: field.field_label,
    data_type: field.data_type,
    json_type: jsonTypeOf(field.data_type),
    id: field.id,
    custom_field: field.custom_field === 1,
    system_mandatory: field.system_mandatory === 1,
    read_only: field.read_only === 1,
    field_read_only: field.read_only === 1,
    visible: true,
    length: field.length,
    created_source: field.created_source,
    type: 'used',
    lookup:
      field.data_type === 'lookup' && lookupModule
        ? { display_label: null, api_name: null, module: { api_name: lookupModule, id: moduleIds.get(lookupModule) ?? null }, id: null }
        : {},
    pick_list_values: values.map((value, index) => ({
      display_value: value,
      actual_value: value,
      id: `${field.id.slice(0, -3)}${String(900 + index).padStart(3, '0')}`,
      sequence_number: index + 1,
      type: 'used',
    })),
    unique: {},
    formula: {},
    currency: {},
    operation_type: { web_update: true, api_create: field.read_only !== 1, web_create: true, api_update: field.read_only !== 1 },
  };
}

function jsonTypeOf(dataType: string): string {
  if (dataType === 'integer' || dataType === 'bigint') return 'integer';
  if (dataType === 'double' || dataType === 'currency' || dataType === 'percent') return 'double';
  if (dataType === 'boolean') return 'boolean';
  if (dataType === 'lookup' || dataType === 'ownerlookup') return 'jsonobject';
  if (dataType === 'multiselectpicklist') return 'jsonarray';
  return 'string';
}
