import type { Hono } from 'hono';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { ZohoError } from '../errors.js';
import { coqlCredits } from '../limits.js';
import { listFields } from '../store/fields.js';
import type { OrgRow } from '../store/orgs.js';
import { type StoredRecord, listRecords } from '../store/records.js';
import { auth, noContent, readJson, requireScopes, zohoJson } from '../http.js';
import { type CoqlCondition, type CoqlValue, conditionColumns, parseCoql } from './coql.js';
import { moduleScope } from './modules.js';
import { compareValues, pathValue } from './query-values.js';
import { RECORD_MODULES } from '../metadata.js';

export function registerCoqlRoutes(app: Hono<SandboxEnv>, deps: SandboxDeps): void {
  app.post('/coql', async (c) => {
    const body = (await readJson(c)) as { select_query?: unknown } | null;
    const text = body?.select_query;
    if (typeof text !== 'string' || text.trim() === '') {
      throw new ZohoError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: 'select_query' });
    }
    const query = parseCoql(text);
    const module = RECORD_MODULES.find((candidate) => candidate.toLowerCase() === query.module.toLowerCase());
    if (!module) throw new ZohoError(400, 'INVALID_QUERY', 'invalid module name given in the query', { module: query.module });
    requireScopes(c, 'ZohoCRM.coql.READ', moduleScope(module, 'READ'));
    c.set('credits', coqlCredits(query.limit));
    const { org } = auth(c);
    // One metadata read per module per query, not one per row.
    const fieldCache = new Map<string, ReturnType<typeof listFields>>();
    const fieldsOf = (name: string) => {
      if (!fieldCache.has(name)) fieldCache.set(name, listFields(deps.db, org.id, name));
      return fieldCache.get(name)!;
    };
    const value = (record: StoredRecord, column: string) => {
      const resolved = pathValue(deps.db, org, fieldsOf, record, column);
      if (!resolved.found) throw new ZohoError(400, 'INVALID_QUERY', 'invalid column given in the query', { column_name: column });
      return resolved;
    };
    const records = listRecords(deps.db, org.id, module);
    // Validate every column even when there are no rows, as Zoho does.
    const probe = records[0] ?? probeRecord(org, module);
    for (const column of [...query.columns, ...conditionColumns(query.where), ...query.orderBy.map((order) => order.column)]) {
      value(probe, column);
    }
    const matching = records.filter((record) => evaluate(query.where, (column) => value(record, column)));
    matching.sort((a, b) => {
      for (const order of query.orderBy) {
        const left = value(a, order.column);
        const result = compareValues(left.field, left.value, value(b, order.column).value);
        if (result !== 0) return order.direction === 'asc' ? result : -result;
      }
      return BigInt(a.id) < BigInt(b.id) ? -1 : 1;
    });
    const rows = matching.slice(query.offset, query.offset + query.limit);
    if (rows.length === 0) return noContent(c);
    const data = rows.map((record) => {
      const row: Record<string, unknown> = {};
      for (const column of query.columns) {
        const resolved = value(record, column);
        const isLookup = !column.includes('.') && (resolved.field.data_type === 'lookup' || resolved.field.data_type === 'ownerlookup');
        row[column.includes('.') ? column : resolved.field.api_name] = isLookup && resolved.value !== null ? { id: resolved.value } : resolved.value;
      }
      row.id = record.id;
      return row;
    });
    return zohoJson(c, { data, info: { count: data.length, more_records: query.offset + query.limit < matching.length } });
  });
}

function probeRecord(org: OrgRow, module: string): StoredRecord {
  return { orgId: org.id, module, id: '0', ownerId: '0', values: {}, createdBy: '0', createdTime: 0, modifiedBy: '0', modifiedTime: 0 };
}

type Resolver = (column: string) => { field: Parameters<typeof compareValues>[0]; value: unknown };

function likeMatches(value: unknown, pattern: string): boolean {
  if (value === null || value === undefined) return false;
  const regex = pattern
    .split('')
    .map((char) => (char === '%' ? '.*' : char === '_' ? '.' : char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${regex}$`, 'is').test(String(value));
}

function evaluate(condition: CoqlCondition, resolve: Resolver): boolean {
  switch (condition.kind) {
    case 'and':
      return evaluate(condition.left, resolve) && evaluate(condition.right, resolve);
    case 'or':
      return evaluate(condition.left, resolve) || evaluate(condition.right, resolve);
    case 'null': {
      const { value } = resolve(condition.column);
      const isNull = value === null || value === undefined || value === '';
      return condition.negated ? !isNull : isNull;
    }
    case 'like': {
      const matched = likeMatches(resolve(condition.column).value, condition.pattern);
      return condition.negated ? !matched : matched;
    }
    case 'in': {
      const { field, value } = resolve(condition.column);
      const matched = value !== null && condition.values.some((candidate) => compareValues(field, value, candidate) === 0);
      return condition.negated ? !matched : matched;
    }
    case 'between': {
      const { field, value } = resolve(condition.column);
      const inside = value !== null && compareValues(field, value, condition.low) >= 0 && compareValues(field, value, condition.high) <= 0;
      return condition.negated ? !inside : inside;
    }
    case 'compare': {
      const { field, value } = resolve(condition.column);
      if (condition.value === null) return condition.operator === '=' ? value === null : value !== null;
      if (value === null || value === undefined) return condition.operator === '!=';
      const result = compareValues(field, value, condition.value satisfies CoqlValue);
      switch (condition.operator) {
        case '=':
          return result === 0;
        case '!=':
          return result !== 0;
        case '<':
          return result < 0;
        case '>':
          return result > 0;
        case '<=':
          return result <= 0;
        case '>=':
          return result >= 0;
      }
    }
  }
}
