import { ZohoError } from '../errors.js';
import type { FieldRow } from '../store/fields.js';
import { compareValues } from './query-values.js';

/** Search API criteria: `((Email:equals:a@b.c)and(Last_Name:starts_with:Sm))`. */
export type Criteria =
  | { kind: 'and' | 'or'; left: Criteria; right: Criteria }
  | { kind: 'condition'; field: string; operator: string; values: string[] };

const OPERATORS = new Set(['equals', 'not_equal', 'starts_with', 'in', 'greater_than', 'greater_equal', 'less_than', 'less_equal', 'between']);
const MAX_CONDITIONS = 10;
const MAX_DEPTH = 20;

function invalidQuery(message: string, details: Record<string, unknown> = {}): ZohoError {
  return new ZohoError(400, 'INVALID_QUERY', message, details);
}

export function parseCriteria(input: string): Criteria {
  let position = 0;
  let conditions = 0;

  const expect = (char: string) => {
    if (input[position] !== char) throw invalidQuery('invalid query formed', { reason: `expected "${char}" at ${position}` });
    position += 1;
  };

  let depth = 0;
  const parsePrimary = (): Criteria => {
    expect('(');
    if (input[position] === '(') {
      depth += 1;
      if (depth > MAX_DEPTH) throw invalidQuery('criteria are nested too deeply', { limit: MAX_DEPTH });
      const inner = parseExpression();
      depth -= 1;
      expect(')');
      return inner;
    }
    let raw = '';
    while (position < input.length && input[position] !== ')') {
      if (input[position] === '\\' && position + 1 < input.length) {
        raw += `\\${input[position + 1]}`;
        position += 2;
        continue;
      }
      raw += input[position];
      position += 1;
    }
    expect(')');
    conditions += 1;
    if (conditions > MAX_CONDITIONS) throw new ZohoError(400, 'LIMIT_EXCEEDED', 'the number of criteria exceeds the limit', { limit: MAX_CONDITIONS });
    const first = raw.indexOf(':');
    const second = raw.indexOf(':', first + 1);
    if (first <= 0 || second <= first) throw invalidQuery('invalid query formed', { criteria: raw });
    const field = raw.slice(0, first);
    const operator = raw.slice(first + 1, second).toLowerCase();
    if (!OPERATORS.has(operator)) throw invalidQuery('invalid operator found', { operator });
    const values = splitValues(raw.slice(second + 1));
    if (operator === 'between' && values.length !== 2) throw invalidQuery('between needs two values', { criteria: raw });
    if (operator === 'in' && values.length > 100) throw new ZohoError(400, 'LIMIT_EXCEEDED', 'too many values for in', { limit: 100 });
    return { kind: 'condition', field, operator, values };
  };

  const parseAnd = (): Criteria => {
    let left = parsePrimary();
    while (input.slice(position, position + 3).toLowerCase() === 'and') {
      position += 3;
      left = { kind: 'and', left, right: parsePrimary() };
    }
    return left;
  };

  const parseExpression = (): Criteria => {
    let left = parseAnd();
    while (input.slice(position, position + 2).toLowerCase() === 'or') {
      position += 2;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };

  const result = parseExpression();
  if (position !== input.length) throw invalidQuery('invalid query formed', { reason: `unexpected text at ${position}` });
  return result;
}

/** Splits on unescaped commas and removes the escapes of `(`, `)` and `,`. */
function splitValues(raw: string): string[] {
  const values: string[] = [];
  let current = '';
  for (let index = 0; index < raw.length; index += 1) {
    const char = raw[index]!;
    if (char === '\\' && index + 1 < raw.length) {
      current += raw[index + 1];
      index += 1;
    } else if (char === ',') {
      values.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  values.push(current);
  return values;
}

export function criteriaFields(criteria: Criteria): string[] {
  return criteria.kind === 'condition' ? [criteria.field] : [...criteriaFields(criteria.left), ...criteriaFields(criteria.right)];
}

const TEXT_TYPES = new Set(['text', 'textarea', 'email', 'phone', 'website']);

/**
 * Evaluates criteria for one record. As Zoho documents, `equals` on text-like fields matches when
 * the field contains the value (case-insensitive); callers that need exact matches filter again.
 */
export function matchesCriteria(criteria: Criteria, lookup: (field: string) => { field: FieldRow; value: unknown }): boolean {
  if (criteria.kind !== 'condition') {
    return criteria.kind === 'and'
      ? matchesCriteria(criteria.left, lookup) && matchesCriteria(criteria.right, lookup)
      : matchesCriteria(criteria.left, lookup) || matchesCriteria(criteria.right, lookup);
  }
  const { field, value } = lookup(criteria.field);
  const [first = ''] = criteria.values;
  const text = value === null || value === undefined ? '' : String(value).toLowerCase();
  switch (criteria.operator) {
    case 'equals':
      if (value === null || value === undefined) return first.toLowerCase() === 'null' || first === '';
      return TEXT_TYPES.has(field.data_type) ? text.includes(first.toLowerCase()) : compareValues(field, value, coerce(field, first)) === 0;
    case 'not_equal':
      return TEXT_TYPES.has(field.data_type) ? text !== first.toLowerCase() : compareValues(field, value, coerce(field, first)) !== 0;
    case 'starts_with':
      return text.startsWith(first.toLowerCase());
    case 'in':
      return criteria.values.some((candidate) => compareValues(field, value, coerce(field, candidate)) === 0);
    case 'greater_than':
      return value !== null && compareValues(field, value, coerce(field, first)) > 0;
    case 'greater_equal':
      return value !== null && compareValues(field, value, coerce(field, first)) >= 0;
    case 'less_than':
      return value !== null && compareValues(field, value, coerce(field, first)) < 0;
    case 'less_equal':
      return value !== null && compareValues(field, value, coerce(field, first)) <= 0;
    case 'between':
      return (
        value !== null &&
        compareValues(field, value, coerce(field, first)) >= 0 &&
        compareValues(field, value, coerce(field, criteria.values[1] ?? '')) <= 0
      );
    default:
      return false;
  }
}

function coerce(field: FieldRow, raw: string): unknown {
  if (field.data_type === 'boolean') return raw.toLowerCase() === 'true';
  return raw;
}
