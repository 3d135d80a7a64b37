import type { Hono } from 'hono';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { ZohoError, zohoErrors } from '../errors.js';
import { writeCredits } from '../limits.js';
import { STANDARD_MODULES } from '../metadata.js';
import { type FieldRow, listFields } from '../store/fields.js';
import { zohoTime } from '../store/ids.js';
import { getUser } from '../store/orgs.js';
import { type StoredRecord, getRecord, listRecords } from '../store/records.js';
import { type SandboxContext, auth, noContent, parsePositiveInt, readJson, readList, requireScopes, splitList, zohoJson } from '../http.js';
import { criteriaFields, matchesCriteria, parseCriteria } from './criteria.js';
import { moduleScope, resolveRecordModule } from './modules.js';
import { compareValues, rawValue } from './query-values.js';
import { isNumericId, renderRecord } from './record-values.js';
import { type Actor, changeOwner, deleteRecords, insertRecords, updateRecords, upsertRecords } from './record-writes.js';
import { bulkStatus, writeEntries } from './write-responses.js';

const MAX_FIELDS = 50;
const MAX_PER_PAGE = 200;
const DISCRETE_PAGE_LIMIT = 2000;
const PAGE_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
const SEARCH_LIMIT = 2000;
const SORTABLE = new Set(['id', 'Created_Time', 'Modified_Time']);
const UNIQUE_CAPABLE = new Set(['text', 'email', 'phone', 'website', 'integer', 'bigint']);

function actorOf(c: SandboxContext): Actor {
  const { org, user } = auth(c);
  return { org, user, source: 'crm_api' };
}

function requestedFields(c: SandboxContext, fields: readonly FieldRow[], mandatory: boolean): string[] | undefined {
  const names = splitList(c.req.query('fields'));
  if (names.length === 0) {
    if (mandatory) throw zohoErrors.requiredParam('fields');
    return undefined;
  }
  if (names.length > MAX_FIELDS) throw zohoErrors.limitExceeded(MAX_FIELDS, 'fields');
  const known = new Set(fields.map((field) => field.api_name));
  return names.filter((name) => known.has(name));
}

function sortRecords(records: StoredRecord[], fields: readonly FieldRow[], sortBy: string, order: 'asc' | 'desc'): StoredRecord[] {
  const field = fields.find((candidate) => candidate.api_name === sortBy);
  const sorted = [...records].sort((a, b) => {
    if (sortBy === 'id' || !field) return BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0;
    return compareValues(field, rawValue(a, field), rawValue(b, field)) || (BigInt(a.id) < BigInt(b.id) ? -1 : 1);
  });
  return order === 'desc' ? sorted.reverse() : sorted;
}

interface PageTokenState {
  offset: number;
  key: string;
  expires: number;
}

function encodePageToken(state: PageTokenState): string {
  return Buffer.from(JSON.stringify(state)).toString('hex');
}

function decodePageToken(token: string): PageTokenState {
  try {
    const state = JSON.parse(Buffer.from(token, 'hex').toString('utf8')) as PageTokenState;
    if (typeof state.offset === 'number' && typeof state.key === 'string' && typeof state.expires === 'number') return state;
  } catch {
    // fall through to Zoho's error
  }
  throw zohoErrors.invalidData('invalid page token', { param_name: 'page_token' });
}

export function registerRecordRoutes(app: Hono<SandboxEnv>, deps: SandboxDeps): void {
  const fieldsOf = (c: SandboxContext, module: string) => listFields(deps.db, auth(c).org.id, module);
  const render = (c: SandboxContext, fields: readonly FieldRow[], record: StoredRecord, only?: string[]) =>
    renderRecord(deps.db, auth(c).org, fields, record, only);

  app.get('/:module', (c) => {
    const module = resolveRecordModule(c.req.param('module'));
    requireScopes(c, moduleScope(module, 'READ'));
    const { org } = auth(c);
    const fields = fieldsOf(c, module);
    const only = requestedFields(c, fields, true);
    const sortBy = c.req.query('sort_by') ?? 'id';
    if (!SORTABLE.has(sortBy)) throw zohoErrors.invalidData('invalid sort_by', { param_name: 'sort_by', supported_values: [...SORTABLE] });
    const sortOrder = (c.req.query('sort_order') ?? 'desc').toLowerCase();
    if (sortOrder !== 'asc' && sortOrder !== 'desc') throw zohoErrors.invalidData('invalid sort_order', { param_name: 'sort_order' });
    const perPage = Math.min(parsePositiveInt(c.req.query('per_page'), 'per_page', MAX_PER_PAGE), MAX_PER_PAGE);
    const pageToken = c.req.query('page_token');
    const ids = splitList(c.req.query('ids'));
    if (ids.some((id) => !isNumericId(id))) throw zohoErrors.invalidData('the id given seems to be invalid', { param_name: 'ids' });
    const key = JSON.stringify([module, only, sortBy, sortOrder, perPage, ids, auth(c).user.id]);
    let offset: number;
    let page: number;
    if (pageToken !== undefined) {
      if (c.req.query('page') !== undefined) {
        throw new ZohoError(400, 'AMBIGUITY_DURING_PROCESSING', 'page and page_token cannot be used together', { param_name: 'page_token' });
      }
      const state = decodePageToken(pageToken);
      if (state.expires <= deps.clock.now()) throw new ZohoError(400, 'EXPIRED_VALUE', 'the page token has expired', { param_name: 'page_token' });
      if (state.key !== key) throw new ZohoError(400, 'TOKEN_BOUND_DATA_MISMATCH', 'the page token does not belong to this request', { param_name: 'page_token' });
      offset = state.offset;
      page = Math.floor(offset / perPage) + 1;
    } else {
      page = parsePositiveInt(c.req.query('page'), 'page', 1);
      offset = (page - 1) * perPage;
      if (offset + perPage > DISCRETE_PAGE_LIMIT) {
        throw new ZohoError(400, 'DISCRETE_PAGINATION_LIMIT_EXCEEDED', 'use page_token to fetch records beyond 2000', { limit: DISCRETE_PAGE_LIMIT });
      }
    }
    let records = listRecords(deps.db, org.id, module);
    if (ids.length > 0) records = records.filter((record) => ids.includes(record.id));
    const sorted = sortRecords(records, fields, sortBy, sortOrder);
    const slice = sorted.slice(offset, offset + perPage);
    if (slice.length === 0) return noContent(c);
    const more = offset + perPage < sorted.length;
    const expires = deps.clock.now() + PAGE_TOKEN_TTL_MS;
    return zohoJson(c, {
      data: slice.map((record) => render(c, fields, record, only)),
      info: {
        call: false,
        per_page: perPage,
        next_page_token: more ? encodePageToken({ offset: offset + perPage, key, expires }) : null,
        count: slice.length,
        sort_by: sortBy,
        page,
        previous_page_token: null,
        page_token_expiry: more ? zohoTime(expires) : null,
        sort_order: sortOrder,
        email: false,
        more_records: more,
      },
    });
  });

  app.get('/:module/search', (c) => {
    const module = resolveRecordModule(c.req.param('module'));
    requireScopes(c, moduleScope(module, 'READ'), 'ZohoSearch.securesearch.READ');
    const fields = fieldsOf(c, module);
    const only = requestedFields(c, fields, false);
    const perPage = Math.min(parsePositiveInt(c.req.query('per_page'), 'per_page', MAX_PER_PAGE), MAX_PER_PAGE);
    const page = parsePositiveInt(c.req.query('page'), 'page', 1);
    if ((page - 1) * perPage >= SEARCH_LIMIT) throw new ZohoError(400, 'LIMIT_REACHED', 'search results are limited to 2000 records', { limit: SEARCH_LIMIT });
    const matcher = searchMatcher(c, fields);
    const records = listRecords(deps.db, auth(c).org.id, module).filter(matcher);
    const ordered = sortRecords(records, fields, 'id', 'desc').slice(0, SEARCH_LIMIT);
    const slice = ordered.slice((page - 1) * perPage, page * perPage);
    if (slice.length === 0) return noContent(c);
    return zohoJson(c, {
      data: slice.map((record) => render(c, fields, record, only)),
      info: { per_page: perPage, count: slice.length, page, sort_by: 'id', sort_order: 'desc', more_records: page * perPage < ordered.length },
    });
  });

  app.get('/:module/:id', (c) => {
    const module = resolveRecordModule(c.req.param('module'));
    requireScopes(c, moduleScope(module, 'READ'));
    const id = c.req.param('id');
    const record = isNumericId(id) ? getRecord(deps.db, auth(c).org.id, module, id) : undefined;
    if (!record) throw zohoErrors.invalidId(id);
    const fields = fieldsOf(c, module);
    return zohoJson(c, { data: [render(c, fields, record, requestedFields(c, fields, false))] });
  });

  app.post('/:module', async (c) => {
    const module = resolveRecordModule(c.req.param('module'));
    requireScopes(c, moduleScope(module, 'CREATE'));
    const { items } = await readList(c, 'data', 100);
    c.set('credits', writeCredits(items.length));
    const actor = actorOf(c);
    const results = insertRecords(deps, actor, module, items);
    return zohoJson(c, { data: writeEntries(deps, actor, results) }, bulkStatus(results, 201));
  });

  app.post('/:module/upsert', async (c) => {
    const module = resolveRecordModule(c.req.param('module'));
    requireScopes(c, moduleScope(module, 'CREATE'), moduleScope(module, 'UPDATE'));
    const { body, items } = await readList(c, 'data', 100);
    c.set('credits', writeCredits(items.length));
    const fields = fieldsOf(c, module);
    const definition = STANDARD_MODULES.find((candidate) => candidate.api_name === module)!;
    const requested = body.duplicate_check_fields;
    if (requested !== undefined && (!Array.isArray(requested) || !requested.every((name) => typeof name === 'string'))) {
      throw zohoErrors.invalidData('duplicate_check_fields must be a list of field API names', { api_name: 'duplicate_check_fields' });
    }
    const checkFields = (requested as string[] | undefined) ?? [definition.duplicate_check_field];
    // Zoho allows the module's system duplicate-check field and unique fields; the sandbox treats
    // custom text-like and number fields as the unique ones an admin may have marked.
    const allowed = (name: string) =>
      name === definition.duplicate_check_field ||
      fields.some((field) => field.api_name === name && field.custom_field === 1 && UNIQUE_CAPABLE.has(field.data_type));
    for (const name of checkFields) {
      if (!allowed(name)) throw zohoErrors.invalidData('the field cannot be used to check duplicates', { api_name: name });
    }
    const actor = actorOf(c);
    const results = upsertRecords(deps, actor, module, items, checkFields);
    return zohoJson(c, { data: writeEntries(deps, actor, results, { upsert: true }) }, bulkStatus(results, 200));
  });

  app.put('/:module', async (c) => {
    const module = resolveRecordModule(c.req.param('module'));
    requireScopes(c, moduleScope(module, 'UPDATE'));
    const { items } = await readList(c, 'data', 100);
    c.set('credits', writeCredits(items.length));
    const actor = actorOf(c);
    const results = updateRecords(deps, actor, module, items);
    return zohoJson(c, { data: writeEntries(deps, actor, results) }, bulkStatus(results, 200));
  });

  app.put('/:module/:id', async (c) => {
    const module = resolveRecordModule(c.req.param('module'));
    requireScopes(c, moduleScope(module, 'UPDATE'));
    const id = c.req.param('id');
    if (!isNumericId(id)) throw zohoErrors.invalidId(id);
    const { items } = await readList(c, 'data', 1);
    const actor = actorOf(c);
    const results = updateRecords(deps, actor, module, items, id);
    return zohoJson(c, { data: writeEntries(deps, actor, results) }, bulkStatus(results, 200));
  });

  app.delete('/:module', (c) => {
    const module = resolveRecordModule(c.req.param('module'));
    requireScopes(c, moduleScope(module, 'DELETE'));
    const ids = splitList(c.req.query('ids'));
    if (ids.length === 0) throw zohoErrors.requiredParam('ids');
    if (ids.length > 100) throw zohoErrors.limitExceeded(100, 'ids');
    const actor = actorOf(c);
    const results = deleteRecords(deps, actor, module, ids);
    return zohoJson(c, { data: writeEntries(deps, actor, results) }, bulkStatus(results, 200));
  });

  app.delete('/:module/:id', (c) => {
    const module = resolveRecordModule(c.req.param('module'));
    requireScopes(c, moduleScope(module, 'DELETE'));
    const actor = actorOf(c);
    const results = deleteRecords(deps, actor, module, [c.req.param('id')]);
    return zohoJson(c, { data: writeEntries(deps, actor, results) }, bulkStatus(results, 200));
  });

  const ownerChange = async (c: SandboxContext, ids: string[], body: Record<string, unknown>) => {
    const module = resolveRecordModule(c.req.param('module') ?? '');
    requireScopes(c, 'ZohoCRM.change_owner.CREATE');
    const owner = body.owner as { id?: unknown } | undefined;
    if (!owner || typeof owner !== 'object' || owner.id === undefined) {
      throw new ZohoError(400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'owner', json_path: '$.owner' });
    }
    if (!isNumericId(owner.id) || getUser(deps.db, auth(c).org.id, owner.id)?.status !== 'active') {
      throw zohoErrors.invalidData('the owner id given seems to be invalid', { api_name: 'owner', json_path: '$.owner.id' });
    }
    const actor = actorOf(c);
    const results = changeOwner(deps, actor, module, ids, owner.id);
    const data = results.map((result) =>
      result.ok
        ? { code: 'SUCCESS', details: { id: result.record.id }, message: 'owner is successfully updated', status: 'success' }
        : { code: result.error.code, details: result.error.details, message: result.error.message, status: 'error' },
    );
    return zohoJson(c, { data }, bulkStatus(results, 200));
  };

  app.post('/:module/actions/change_owner', async (c) => {
    const body = (await readJson(c)) as Record<string, unknown>;
    const ids = body?.ids;
    if (!Array.isArray(ids) || ids.length === 0) {
      throw new ZohoError(400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'ids', json_path: '$.ids' });
    }
    if (ids.length > 500) throw zohoErrors.limitExceeded(500, 'ids');
    return ownerChange(c, ids.map(String), body);
  });

  app.post('/:module/:id/actions/change_owner', async (c) => {
    const body = (await readJson(c)) as Record<string, unknown>;
    return ownerChange(c, [c.req.param('id')], body ?? {});
  });
}

function searchMatcher(c: SandboxContext, fields: readonly FieldRow[]): (record: StoredRecord) => boolean {
  const criteria = c.req.query('criteria');
  const email = c.req.query('email');
  const phone = c.req.query('phone');
  const word = c.req.query('word');
  const byType = (types: string[]) => fields.filter((field) => types.includes(field.data_type));
  if (criteria !== undefined) {
    const parsed = parseCriteria(criteria);
    for (const name of criteriaFields(parsed)) {
      if (!fields.some((candidate) => candidate.api_name === name)) {
        throw new ZohoError(400, 'INVALID_QUERY', 'invalid field found in criteria', { api_name: name });
      }
    }
    return (record) =>
      matchesCriteria(parsed, (name) => {
        const field = fields.find((candidate) => candidate.api_name === name);
        if (!field) throw new ZohoError(400, 'INVALID_QUERY', 'invalid field found in criteria', { api_name: name });
        return { field, value: rawValue(record, field) };
      });
  }
  if (email !== undefined) {
    const wanted = email.toLowerCase();
    return (record) => byType(['email']).some((field) => String(rawValue(record, field) ?? '').toLowerCase() === wanted);
  }
  if (phone !== undefined) {
    const digits = phone.replace(/\D/g, '');
    return (record) => digits !== '' && byType(['phone']).some((field) => String(rawValue(record, field) ?? '').replace(/\D/g, '').includes(digits));
  }
  if (word !== undefined) {
    if (word.trim().length < 2) throw new ZohoError(400, 'INVALID_QUERY', 'the word should have at least 2 characters', { param_name: 'word' });
    const wanted = word.toLowerCase();
    return (record) =>
      byType(['text', 'textarea', 'email', 'phone', 'website', 'picklist']).some((field) =>
        String(rawValue(record, field) ?? '').toLowerCase().includes(wanted),
      );
  }
  throw zohoErrors.requiredParam('criteria');
}
