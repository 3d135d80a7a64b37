import type { Hono } from 'hono';
import { z } from 'zod';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { ZohoError, zohoErrors } from '../errors.js';
import { DATA_TYPES, NOTES_MODULE, RECORD_MODULES, apiNameFromLabel } from '../metadata.js';
import { type FieldRow, getFieldById, insertField, listFields, renderField } from '../store/fields.js';
import { nextRecordId, zohoTime } from '../store/ids.js';
import { type ModuleRow, listModules, moduleIds as moduleIdsOf, touchModule } from '../store/modules.js';
import { type VariableRow, deleteVariable, findVariable, insertVariable, listVariables, updateVariable } from '../store/variables.js';
import { type SandboxContext, auth, noContent, readList, requireScopes, zohoJson } from '../http.js';
import { type Entry, entriesStatus, itemError, schemaError } from './write-responses.js';

const ALL_MODULES = [...RECORD_MODULES, NOTES_MODULE.api_name];
const MAX_FIELDS_PER_CALL = 5;
const RESERVED_API_NAMES = new Set(['id', 'owner', 'created_by', 'modified_by', 'created_time', 'modified_time', 'tag', 'layout', 'full_name', 'name', 'select', 'from', 'where']);
const DEFAULT_LENGTHS: Record<string, number> = { text: 255, textarea: 2000, email: 100, phone: 30, website: 255, integer: 9, bigint: 18, double: 16, currency: 16, percent: 5 };

const newFieldSchema = z.object({
  field_label: z.string().min(1).max(50),
  data_type: z.enum(DATA_TYPES.filter((type) => type !== 'ownerlookup') as [string, ...string[]]),
  api_name: z.string().regex(/^[A-Za-z](?!.*__)[A-Za-z0-9_]*[A-Za-z0-9]$/).optional(),
  length: z.number().int().min(1).max(32000).optional(),
  pick_list_values: z.array(z.object({ display_value: z.string().min(1), actual_value: z.string().optional() })).optional(),
  lookup: z.object({ module: z.object({ api_name: z.string() }) }).optional(),
});

export function registerSettingsRoutes(app: Hono<SandboxEnv>, deps: SandboxDeps): void {
  const moduleParam = (c: SandboxContext): string => {
    const name = c.req.query('module');
    if (!name) throw zohoErrors.requiredParam('module');
    const module = ALL_MODULES.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    if (!module) throw zohoErrors.invalidModule(name);
    return module;
  };
  const moduleRows = (orgId: string) => listModules(deps.db, orgId);
  const moduleIds = (orgId: string) => moduleIdsOf(deps.db, orgId);

  app.get('/settings/fields', (c) => {
    requireScopes(c, 'ZohoCRM.settings.fields.READ');
    const module = moduleParam(c);
    const { org } = auth(c);
    const ids = moduleIds(org.id);
    return zohoJson(c, { fields: listFields(deps.db, org.id, module).map((field) => renderField(field, ids)) });
  });

  app.get('/settings/fields/:id', (c) => {
    requireScopes(c, 'ZohoCRM.settings.fields.READ');
    const module = moduleParam(c);
    const { org } = auth(c);
    const field = getFieldById(deps.db, org.id, module, c.req.param('id'));
    if (!field) throw zohoErrors.invalidId(c.req.param('id'));
    return zohoJson(c, { fields: [renderField(field, moduleIds(org.id))] });
  });

  app.post('/settings/fields', async (c) => {
    requireScopes(c, 'ZohoCRM.settings.fields.CREATE');
    const module = moduleParam(c);
    const { org, user } = auth(c);
    if (user.profile !== 'Administrator') throw zohoErrors.noPermission();
    const { items } = await readList(c, 'fields', MAX_FIELDS_PER_CALL);
    const now = deps.clock.now();
    const entries = deps.db.transaction(() =>
      items.map((item, index): Entry => {
        const parsed = newFieldSchema.safeParse(item);
        if (!parsed.success) return schemaError(parsed.error, 'fields', index);
        const input = parsed.data;
        const existing = listFields(deps.db, org.id, module);
        const apiName = input.api_name ?? apiNameFromLabel(input.field_label);
        if (RESERVED_API_NAMES.has(apiName.toLowerCase())) {
          return itemError('fields', index, 'RESERVED_KEYWORD_NOT_ALLOWED', 'api_name', 'System-defined keywords not allowed in the API name');
        }
        if (existing.some((field) => field.field_label.toLowerCase() === input.field_label.toLowerCase() || field.api_name.toLowerCase() === apiName.toLowerCase())) {
          return itemError('fields', index, 'DUPLICATE_DATA', 'field_label', 'duplicate data');
        }
        if ((input.data_type === 'picklist' || input.data_type === 'multiselectpicklist') && !input.pick_list_values?.length) {
          return itemError('fields', index, 'MANDATORY_NOT_FOUND', 'pick_list_values', 'required field not found');
        }
        const lookupModule = input.lookup?.module.api_name;
        if (input.data_type === 'lookup' && (!lookupModule || !RECORD_MODULES.includes(lookupModule))) {
          return itemError('fields', index, 'INVALID_DATA', 'lookup', 'invalid data');
        }
        const created = insertField(
          deps.db,
          org,
          module,
          {
            api_name: apiName,
            field_label: input.field_label,
            data_type: input.data_type as FieldRow['data_type'],
            length: input.length ?? DEFAULT_LENGTHS[input.data_type],
            pick_list_values: input.pick_list_values?.map((value) => value.display_value),
            lookup_module: lookupModule,
          },
          true,
          'crm_api',
        );
        touchModule(deps.db, org.id, module, now);
        return { code: 'SUCCESS', details: { id: created.id }, message: 'field created', status: 'success' };
      }),
    )();
    return zohoJson(c, { fields: entries }, entriesStatus(entries, 201));
  });

  const renderModule = (row: ModuleRow) => ({
    id: row.id,
    api_name: row.api_name,
    module_name: row.api_name,
    singular_label: row.singular_label,
    plural_label: row.plural_label,
    api_supported: true,
    generated_type: 'default',
    creatable: true,
    editable: true,
    deletable: true,
    viewable: true,
    visibility: 1,
    status: 'visible',
    sequence_number: row.sequence_number,
    modified_time: zohoTime(row.modified_time),
    modified_by: null,
    profiles: [],
    parent_module: {},
    convertable: row.api_name === 'Leads',
    quick_create: true,
    show_as_tab: row.api_name !== 'Notes',
    business_card_field_limit: 5,
  });

  app.get('/settings/modules', (c) => {
    requireScopes(c, 'ZohoCRM.settings.modules.READ');
    const rows = moduleRows(auth(c).org.id);
    const since = c.req.header('if-modified-since');
    if (since !== undefined && !Number.isNaN(Date.parse(since))) {
      const latest = Math.max(...rows.map((row) => row.modified_time));
      if (Math.floor(latest / 1000) * 1000 <= Date.parse(since)) return c.body(null, 304);
    }
    return zohoJson(c, { modules: rows.map(renderModule) });
  });

  app.get('/settings/modules/:module', (c) => {
    requireScopes(c, 'ZohoCRM.settings.modules.READ');
    const { org } = auth(c);
    const row = moduleRows(org.id).find((candidate) => candidate.api_name.toLowerCase() === c.req.param('module').toLowerCase());
    if (!row) throw zohoErrors.invalidModule(c.req.param('module'));
    const ids = moduleIds(org.id);
    return zohoJson(c, { modules: [{ ...renderModule(row), fields: listFields(deps.db, org.id, row.api_name).map((field) => renderField(field, ids)) }] });
  });

  app.get('/settings/related_lists', (c) => {
    requireScopes(c, 'ZohoCRM.settings.related_lists.READ');
    const module = moduleParam(c);
    if (module === 'Notes') return noContent(c);
    const { org } = auth(c);
    const notesId = moduleIds(org.id).get('Notes') ?? null;
    const relatedId = `${org.id_prefix}${String(200000 + ALL_MODULES.indexOf(module)).padStart(12, '0')}`;
    return zohoJson(c, {
      related_lists: [
        {
          id: relatedId,
          sequence_number: '1',
          display_label: 'Notes',
          api_name: 'Notes',
          module: { api_name: 'Notes', id: notesId },
          name: 'Notes',
          action: null,
          href: `${module}/{ENTITYID}/Notes`,
          type: 'default',
          connectedmodule: null,
          linkingmodule: null,
          visible: true,
          status: 'visible',
        },
      ],
    });
  });

  registerVariableRoutes(app, deps);
}

const newVariableSchema = z.object({
  name: z.string().min(1).max(50),
  api_name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/).max(50).optional(),
  type: z.enum(['integer', 'text', 'percent', 'currency', 'date', 'datetime', 'email', 'phone', 'url', 'checkbox', 'textarea', 'long', 'double']),
  value: z.union([z.string(), z.number(), z.boolean()]).nullable().optional(),
  description: z.string().max(250).nullable().optional(),
  variable_group: z.object({ id: z.string().optional(), api_name: z.string().optional(), name: z.string().optional() }).optional(),
});

function registerVariableRoutes(app: Hono<SandboxEnv>, deps: SandboxDeps): void {
  const find = (orgId: string, key: string) => findVariable(deps.db, orgId, key);
  const render = (row: VariableRow) => ({
    api_name: row.api_name,
    name: row.name,
    description: row.description,
    id: row.id,
    type: row.type,
    value: row.value,
    variable_group: { api_name: row.group_api_name, name: row.group_api_name, id: null },
  });

  app.get('/settings/variables', (c) => {
    requireScopes(c, 'ZohoCRM.settings.variables.READ');
    const rows = listVariables(deps.db, auth(c).org.id);
    if (rows.length === 0) return noContent(c);
    return zohoJson(c, { variables: rows.map(render) });
  });

  app.get('/settings/variables/:key', (c) => {
    requireScopes(c, 'ZohoCRM.settings.variables.READ');
    const row = find(auth(c).org.id, c.req.param('key'));
    if (!row) throw zohoErrors.invalidData('the variable given seems to be invalid', { id: c.req.param('key') });
    return zohoJson(c, { variables: [render(row)] });
  });

  app.post('/settings/variables', async (c) => {
    requireScopes(c, 'ZohoCRM.settings.variables.CREATE');
    const { org, user } = auth(c);
    if (user.profile !== 'Administrator') throw zohoErrors.noPermission();
    const { items } = await readList(c, 'variables', 100);
    const entries = deps.db.transaction(() =>
      items.map((item, index): Entry => {
        const parsed = newVariableSchema.safeParse(item);
        if (!parsed.success) return schemaError(parsed.error, 'variables', index);
        const apiName = parsed.data.api_name ?? apiNameFromLabel(parsed.data.name);
        if (find(org.id, apiName)) {
          return itemError('variables', index, 'DUPLICATE_DATA', 'api_name', 'duplicate data');
        }
        const row: VariableRow = {
          org_id: org.id,
          id: nextRecordId(deps.db, org.id_prefix),
          api_name: apiName,
          name: parsed.data.name,
          type: parsed.data.type,
          value: parsed.data.value === undefined || parsed.data.value === null ? null : String(parsed.data.value),
          description: parsed.data.description ?? null,
          group_api_name: parsed.data.variable_group?.api_name ?? parsed.data.variable_group?.name ?? 'General',
        };
        insertVariable(deps.db, row);
        return { code: 'SUCCESS', details: { id: row.id }, message: 'variable created', status: 'success' };
      }),
    )();
    return zohoJson(c, { variables: entries }, entriesStatus(entries, 201));
  });

  const update = async (c: SandboxContext, pathKey?: string) => {
    requireScopes(c, 'ZohoCRM.settings.variables.UPDATE');
    const { org, user } = auth(c);
    if (user.profile !== 'Administrator') throw zohoErrors.noPermission();
    const { items } = await readList(c, 'variables', 100);
    const entries = deps.db.transaction(() =>
      items.map((item, index): Entry => {
        const input = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
        const key = pathKey ?? (typeof input.id === 'string' ? input.id : typeof input.api_name === 'string' ? input.api_name : undefined);
        const row = key === undefined ? undefined : find(org.id, key);
        if (!row) return itemError('variables', index, 'INVALID_DATA', 'id', 'the id given seems to be invalid');
        const value = input.value;
        if (value !== undefined && value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
          return itemError('variables', index, 'INVALID_DATA', 'value', 'invalid data');
        }
        updateVariable(deps.db, {
          ...row,
          value: value === undefined ? row.value : value === null ? null : String(value),
          description: typeof input.description === 'string' ? input.description : row.description,
          name: typeof input.name === 'string' ? input.name : row.name,
        });
        return { code: 'SUCCESS', details: { id: row.id }, message: 'variable updated', status: 'success' };
      }),
    )();
    const [only] = entries;
    if (entries.length === 1 && only?.status === 'error') throw new ZohoError(400, only.code, only.message, only.details);
    return zohoJson(c, { variables: entries }, entriesStatus(entries, 200));
  };

  app.put('/settings/variables', (c) => update(c));
  app.put('/settings/variables/:key', (c) => update(c, c.req.param('key')));

  app.delete('/settings/variables/:key', (c) => {
    requireScopes(c, 'ZohoCRM.settings.variables.DELETE');
    const { org, user } = auth(c);
    if (user.profile !== 'Administrator') throw zohoErrors.noPermission();
    const row = find(org.id, c.req.param('key'));
    if (!row) throw zohoErrors.invalidData('the id given seems to be invalid', { id: c.req.param('key') });
    deleteVariable(deps.db, org.id, row.id);
    return zohoJson(c, { variables: [{ code: 'SUCCESS', details: { id: row.id }, message: 'variable deleted', status: 'success' }] });
  });
}
