import type { Hono } from 'hono';
import { z } from 'zod';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { ZohoError, zohoErrors } from '../errors.js';
import { zohoTime } from '../store/ids.js';
import { getUser } from '../store/orgs.js';
import { getRecord } from '../store/records.js';
import { type FieldChange, listTimeline } from '../store/timeline.js';
import { auth, noContent, parsePositiveInt, requireScopes, zohoJson } from '../http.js';
import { moduleScope, resolveRecordModule } from './modules.js';
import { isNumericId, recordName, userLookup } from './record-values.js';

interface TimelineFilter {
  field?: { api_name?: string } | undefined;
  comparator?: string | undefined;
  value?: unknown;
  group_operator?: string | undefined;
  group?: TimelineFilter[] | undefined;
}

const filterSchema: z.ZodType<TimelineFilter> = z.lazy(() =>
  z.object({
    field: z.object({ api_name: z.string() }).optional(),
    comparator: z.enum(['equal', 'not_equal', 'in', 'between']).optional(),
    value: z.unknown().optional(),
    group_operator: z.enum(['and', 'or', 'AND', 'OR']).optional(),
    group: z.array(filterSchema).max(10).optional(),
  }),
);

export function registerTimelineRoutes(app: Hono<SandboxEnv>, deps: SandboxDeps): void {
  app.get('/:module/:id/__timeline', (c) => {
    const module = resolveRecordModule(c.req.param('module'));
    requireScopes(c, moduleScope(module, 'READ'));
    const { org } = auth(c);
    const id = c.req.param('id');
    const record = isNumericId(id) ? getRecord(deps.db, org.id, module, id) : undefined;
    if (!record) throw zohoErrors.invalidId(id);
    const sortOrder = (c.req.query('sort_order') ?? 'desc').toLowerCase();
    const perPage = Math.min(parsePositiveInt(c.req.query('per_page'), 'per_page', 20), 200);
    const pageToken = c.req.query('page_token');
    if (pageToken !== undefined && c.req.query('per_page') !== undefined) {
      throw new ZohoError(400, 'AMBIGUITY_DURING_PROCESSING', 'per_page cannot be combined with page_token', { param_name: 'page_token' });
    }
    const offset = pageToken !== undefined ? Number.parseInt(pageToken, 36) || 0 : 0;
    let filter: TimelineFilter | undefined;
    const rawFilter = c.req.query('filters');
    if (rawFilter !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawFilter);
      } catch {
        throw zohoErrors.invalidData('invalid filters', { param_name: 'filters' });
      }
      const checked = filterSchema.safeParse(parsed);
      if (!checked.success) throw zohoErrors.invalidData('invalid filters', { param_name: 'filters' });
      filter = checked.data;
    }
    let entries = listTimeline(deps.db, org.id, id).map((row) => {
      const doneBy = getUser(deps.db, org.id, row.done_by);
      const history = row.field_history ? (JSON.parse(row.field_history) as FieldChange[]) : null;
      return {
        done_by: doneBy ? { ...userLookup(doneBy, false), type__s: 'regular user', profile: { name: doneBy.profile } } : null,
        related_record: row.related_record ? JSON.parse(row.related_record) : null,
        automation_details: null,
        record: { module: { api_name: module }, name: recordName(module, record.values), id: record.id },
        audited_time: zohoTime(row.audited_time),
        audited_ms: row.audited_time,
        action: row.action,
        id: row.id,
        source: row.source,
        extension: null,
        type: 'audit',
        field_history: history?.map((change) => ({
          api_name: change.api_name,
          field_label: change.field_label,
          data_type: change.data_type,
          enable_colour_code: false,
          pick_list_values: [],
          id: change.field_id,
          _value: { new: change.new, old: change.old },
        })) ?? null,
      };
    });
    if (filter) entries = entries.filter((entry) => passes(filter!, entry));
    entries.sort((a, b) => (sortOrder === 'asc' ? a.audited_ms - b.audited_ms : b.audited_ms - a.audited_ms) || (a.id < b.id ? -1 : 1) * (sortOrder === 'asc' ? 1 : -1));
    const slice = entries.slice(offset, offset + perPage);
    if (slice.length === 0) return noContent(c);
    const more = offset + perPage < entries.length;
    return zohoJson(c, {
      __timeline: slice.map(({ audited_ms: _ms, ...entry }) => entry),
      info: { per_page: perPage, count: slice.length, page: Math.floor(offset / perPage) + 1, more_records: more, next_page_token: more ? (offset + perPage).toString(36) : null, previous_page_token: null },
    });
  });
}

function passes(filter: TimelineFilter, entry: { source: string; done_by: Record<string, unknown> | null; audited_ms: number; action: string }): boolean {
  if (filter.group) {
    const results = filter.group.map((inner) => passes(inner, entry));
    return filter.group_operator?.toLowerCase() === 'or' ? results.some(Boolean) : results.every(Boolean);
  }
  const name = filter.field?.api_name;
  const value = name === 'source' ? entry.source : name === 'done_by.id' ? entry.done_by?.id : name === 'action' ? entry.action : name === 'audited_time' ? entry.audited_ms : undefined;
  const wanted = filter.value;
  switch (filter.comparator) {
    case 'equal':
      return value === wanted;
    case 'not_equal':
      return value !== wanted;
    case 'in':
      return Array.isArray(wanted) && wanted.includes(value);
    case 'between':
      return Array.isArray(wanted) && typeof value === 'number' && value >= Date.parse(String(wanted[0])) && value <= Date.parse(String(wanted[1]));
    default:
      return true;
  }
}
