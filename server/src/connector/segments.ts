import { type Condition, OPERATORS, conditionSchema, segmentSchema } from '../contract/connector.js';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { deleteSegmentRecord, insertSegment, listSegmentRecords } from '../db/segments.js';
import type { Db } from '../db/store.js';
import { type Entity, type PropertyValues, entityOf, propertiesOf } from './properties.js';

// Operators and schemas are the contract's (server/src/contract/connector.ts): the widget is typed by them.
export { type Condition, OPERATORS, conditionSchema, segmentSchema };
export interface Segment {
  id: string;
  name: string;
  entity: Entity;
  conditions: Condition[];
}

/** Problems with a segment's conditions (unknown properties, values of the wrong kind), none when it is sound. */
export function segmentProblems(entity: Entity, conditions: readonly Condition[]): string[] {
  const problems: string[] = [];
  for (const [index, condition] of conditions.entries()) {
    const property = propertiesOf(entity).find((candidate) => candidate.name === condition.property);
    if (!property) {
      problems.push(`conditions[${index}]: ${condition.property} is not a ${entity} property`);
      continue;
    }
    const needsValue = !['is_set', 'is_not_set'].includes(condition.op);
    if (needsValue && condition.value === undefined) problems.push(`conditions[${index}]: ${condition.op} needs a value`);
    if (['gt', 'gte', 'lt', 'lte'].includes(condition.op) && (property.type !== 'integer' || typeof condition.value !== 'number')) problems.push(`conditions[${index}]: ${condition.op} compares numbers; ${property.name} is a ${property.type}`);
    if (['before', 'after'].includes(condition.op) && (property.type !== 'datetime' || typeof condition.value !== 'string' || Number.isNaN(Date.parse(condition.value)))) problems.push(`conditions[${index}]: ${condition.op} needs a date, and ${property.name} to be a date`);
    if (condition.op === 'in' && !Array.isArray(condition.value)) problems.push(`conditions[${index}]: in needs a list`);
    if (property.type === 'enum' && (condition.op === 'eq' || condition.op === 'neq' || condition.op === 'in')) {
      const values = Array.isArray(condition.value) ? condition.value : [condition.value];
      const unknown = values.filter((value) => !(property.values ?? []).includes(String(value)));
      if (unknown.length > 0) problems.push(`conditions[${index}]: ${property.name} never is ${unknown.map((value) => `"${String(value)}"`).join(', ')}`);
    }
  }
  return problems;
}

function holds(condition: Condition, values: PropertyValues): boolean {
  const actual = values[condition.property];
  const expected = condition.value;
  switch (condition.op) {
    case 'is_set':
      return actual !== null && actual !== undefined && actual !== '';
    case 'is_not_set':
      return actual === null || actual === undefined || actual === '';
    case 'eq':
      return String(actual).toLowerCase() === String(expected).toLowerCase();
    case 'neq':
      return String(actual).toLowerCase() !== String(expected).toLowerCase();
    case 'in':
      return Array.isArray(expected) && expected.some((value) => String(value).toLowerCase() === String(actual).toLowerCase());
    case 'contains':
      return typeof actual === 'string' && actual.toLowerCase().includes(String(expected).toLowerCase());
    case 'gt':
      return typeof actual === 'number' && actual > Number(expected);
    case 'gte':
      return typeof actual === 'number' && actual >= Number(expected);
    case 'lt':
      return typeof actual === 'number' && actual < Number(expected);
    case 'lte':
      return typeof actual === 'number' && actual <= Number(expected);
    case 'before':
      return typeof actual === 'string' && Date.parse(actual) < Date.parse(String(expected));
    case 'after':
      return typeof actual === 'string' && Date.parse(actual) > Date.parse(String(expected));
  }
}

/** Whether a record is in any of the segments (no segments: everything is). */
export function inSegments(segments: readonly Segment[], values: PropertyValues): boolean {
  return segments.length === 0 || segments.some((segment) => segment.conditions.every((condition) => holds(condition, values)));
}

/** The org's segments, oldest first. */
export async function listSegments(db: Db, orgId: string): Promise<Segment[]> {
  return (await listSegmentRecords(db, orgId)).map((row) => ({
    ...row,
    entity: entityOf(row.entity),
    conditions: JSON.parse(row.conditions) as Condition[],
  }));
}

/** Saves a new segment; null when the org already has one of that name. */
export async function createSegment(db: Db, orgId: string, input: z.infer<typeof segmentSchema>, now: number): Promise<Segment | null> {
  const id = randomUUID();
  const inserted = await insertSegment(db, { id, org_id: orgId, name: input.name, entity: input.entity, conditions: JSON.stringify(input.conditions), created_at: now });
  return inserted ? { id, ...input } : null;
}

/** Deletes one of the org's segments; answers whether there was one. */
export async function deleteSegment(db: Db, orgId: string, id: string): Promise<boolean> {
  return deleteSegmentRecord(db, orgId, id);
}
