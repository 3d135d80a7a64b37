import type { ZohoField } from '../zoho/gateway.js';
import { type Entity, type PropertyDefinition, type PropertyType, type PropertyValues, propertiesOf } from './properties.js';

/** One of our properties written to one Zoho field. */
export interface Mapping {
  entity: Entity;
  property: string;
  zohoField: string;
}

/** The mappings every sync has (email, names, phone → the Contact; name, domain → the Account). */
export const DEFAULT_MAPPINGS: readonly Mapping[] = [
  { entity: 'contact', property: 'email', zohoField: 'Email' },
  { entity: 'contact', property: 'first_name', zohoField: 'First_Name' },
  { entity: 'contact', property: 'last_name', zohoField: 'Last_Name' },
  { entity: 'contact', property: 'phone', zohoField: 'Phone' },
  { entity: 'account', property: 'name', zohoField: 'Account_Name' },
  { entity: 'account', property: 'domain', zohoField: 'Website' },
];

export const ZOHO_MODULE: Record<Entity, 'Contacts' | 'Accounts'> = { contact: 'Contacts', account: 'Accounts' };

/** Zoho data types each of our types may be written to. Text can hold anything; numbers only numbers. */
const COMPATIBLE: Record<PropertyType, readonly string[]> = {
  string: ['text', 'textarea', 'website'],
  email: ['email', 'text', 'textarea'],
  phone: ['phone', 'text', 'textarea'],
  integer: ['integer', 'bigint', 'double', 'currency', 'text', 'textarea'],
  boolean: ['boolean'],
  datetime: ['datetime', 'date', 'text', 'textarea'],
  enum: ['picklist', 'text', 'textarea'],
};

/** Why a mapping cannot work against Zoho's field metadata, or null when it can. */
export function incompatibility(mapping: Mapping, fields: readonly ZohoField[]): string | null {
  const property = propertiesOf(mapping.entity).find((candidate) => candidate.name === mapping.property);
  if (!property) return `${mapping.property} is not a ${mapping.entity} property (known: ${propertiesOf(mapping.entity).map((candidate) => candidate.name).join(', ')})`;
  const field = fields.find((candidate) => candidate.apiName === mapping.zohoField);
  const module = ZOHO_MODULE[mapping.entity];
  if (!field) return `${module} has no field ${mapping.zohoField}`;
  if (field.readOnly) return `${module}.${field.apiName} is read-only in Zoho`;
  if (!COMPATIBLE[property.type].includes(field.dataType)) {
    return `${property.name} is ${describe(property)} and ${module}.${field.apiName} is a ${field.dataType} field: a ${property.type} cannot be written there (it takes ${COMPATIBLE[property.type].join(', ')})`;
  }
  if (field.dataType === 'picklist') {
    const missing = (property.values ?? []).filter((value) => !field.picklistValues.includes(value));
    if (missing.length > 0) return `${module}.${field.apiName} has no picklist value for ${missing.map((value) => `"${value}"`).join(', ')}`;
  }
  const longest = property.type === 'enum' ? Math.max(...(property.values ?? ['']).map((value) => value.length)) : property.type === 'datetime' ? 25 : (property.maxLength ?? 0);
  if (['text', 'textarea', 'website', 'email', 'phone'].includes(field.dataType) && field.length !== null && longest > field.length) {
    return `${property.name} can be ${longest} characters long; ${module}.${field.apiName} holds ${field.length}`;
  }
  return null;
}

function describe(property: PropertyDefinition): string {
  return property.type === 'enum' ? `one of ${property.values?.length ?? 0} values` : `a ${property.type}`;
}

/** Why a field cannot hold our account IDs (domains), or null when it can: exact text matching only. */
export function accountIdFieldProblem(apiName: string, fields: readonly ZohoField[]): string | null {
  const field = fields.find((candidate) => candidate.apiName === apiName);
  if (!field) return `Accounts has no field ${apiName}`;
  if (!['text', 'website'].includes(field.dataType)) return `Accounts.${apiName} is a ${field.dataType} field; account IDs (domains) need a text field, matched exactly`;
  if (field.readOnly) return `Accounts.${apiName} is read-only in Zoho`;
  if (field.length !== null && field.length < 64) return `Accounts.${apiName} holds ${field.length} characters; domains need up to 64`;
  return null;
}

/** A property's value as Zoho takes it for the field's type. */
export function zohoValue(value: PropertyValues[string], field: ZohoField | undefined): unknown {
  if (value === null || value === undefined) return null;
  if (!field) return value;
  if (field.dataType === 'date' && typeof value === 'string') return value.slice(0, 10);
  if (field.dataType === 'datetime' && typeof value === 'string') return value.replace(/\.\d{3}Z$/, '+00:00');
  if (['text', 'textarea', 'website'].includes(field.dataType) && typeof value !== 'string') return String(value);
  return value;
}

/** Whether Zoho already holds this value (so the record needs no write). */
export function sameValue(ours: unknown, theirs: unknown): boolean {
  if (ours === null || ours === undefined || ours === '') return theirs === null || theirs === undefined || theirs === '';
  if (typeof theirs === 'object' && theirs !== null && 'name' in theirs) return String((theirs as { name: unknown }).name) === String(ours);
  if (typeof ours === 'string' && typeof theirs === 'string') return ours.toLowerCase() === theirs.toLowerCase() || Date.parse(ours) === Date.parse(theirs);
  return String(ours) === String(theirs);
}
