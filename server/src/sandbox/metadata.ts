/** The standard modules and fields a new sandbox org starts with, in Zoho's own API names. */

import { LEAD_STATES } from '../domain/lead-states.js';

export type DataType =
  | 'text'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'website'
  | 'integer'
  | 'bigint'
  | 'double'
  | 'currency'
  | 'percent'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'picklist'
  | 'multiselectpicklist'
  | 'lookup'
  | 'ownerlookup';

export const DATA_TYPES: readonly DataType[] = [
  'text', 'textarea', 'email', 'phone', 'website', 'integer', 'bigint', 'double', 'currency', 'percent',
  'boolean', 'date', 'datetime', 'picklist', 'multiselectpicklist', 'lookup', 'ownerlookup',
];

export interface FieldDefinition {
  api_name: string;
  field_label: string;
  data_type: DataType;
  length?: number;
  system_mandatory?: boolean;
  read_only?: boolean;
  pick_list_values?: string[];
  lookup_module?: string;
}

export interface ModuleDefinition {
  api_name: string;
  singular_label: string;
  plural_label: string;
  /** The field that names a record (what lookups show as `name`). */
  name_field: string;
  /** The system duplicate-check field used by upsert when none is given. */
  duplicate_check_field: string;
  fields: FieldDefinition[];
}

const text = (api_name: string, field_label: string, extra: Partial<FieldDefinition> = {}): FieldDefinition => ({
  api_name,
  field_label,
  data_type: 'text',
  length: 255,
  ...extra,
});

const owner = (label: string): FieldDefinition => ({ api_name: 'Owner', field_label: label, data_type: 'ownerlookup' });

const audit: FieldDefinition[] = [
  { api_name: 'Created_By', field_label: 'Created By', data_type: 'ownerlookup', read_only: true },
  { api_name: 'Modified_By', field_label: 'Modified By', data_type: 'ownerlookup', read_only: true },
  { api_name: 'Created_Time', field_label: 'Created Time', data_type: 'datetime', read_only: true },
  { api_name: 'Modified_Time', field_label: 'Modified Time', data_type: 'datetime', read_only: true },
];

const LEAD_SOURCES = ['-None-', 'Advertisement', 'Cold Call', 'Employee Referral', 'External Referral', 'Partner', 'Web Download', 'Web Research', 'Trade Show', 'Chat'];

const person = (ownerLabel: string): FieldDefinition[] => [
  owner(ownerLabel),
  text('Salutation', 'Salutation'),
  text('First_Name', 'First Name', { length: 40 }),
  text('Last_Name', 'Last Name', { length: 80, system_mandatory: true }),
  text('Full_Name', 'Full Name', { read_only: true }),
  { api_name: 'Email', field_label: 'Email', data_type: 'email', length: 100 },
  { api_name: 'Secondary_Email', field_label: 'Secondary Email', data_type: 'email', length: 100 },
  { api_name: 'Phone', field_label: 'Phone', data_type: 'phone', length: 30 },
  { api_name: 'Mobile', field_label: 'Mobile', data_type: 'phone', length: 30 },
  text('Title', 'Title', { length: 100 }),
  { api_name: 'Lead_Source', field_label: 'Lead Source', data_type: 'picklist', pick_list_values: LEAD_SOURCES },
  { api_name: 'Email_Opt_Out', field_label: 'Email Opt Out', data_type: 'boolean' },
  { api_name: 'Description', field_label: 'Description', data_type: 'textarea', length: 32000 },
];

export const STANDARD_MODULES: readonly ModuleDefinition[] = [
  {
    api_name: 'Leads',
    singular_label: 'Lead',
    plural_label: 'Leads',
    name_field: 'Full_Name',
    duplicate_check_field: 'Email',
    fields: [
      ...person('Lead Owner'),
      text('Company', 'Company', { length: 200, system_mandatory: true }),
      { api_name: 'Website', field_label: 'Website', data_type: 'website', length: 255 },
      { api_name: 'Lead_Status', field_label: 'Lead Status', data_type: 'picklist', pick_list_values: ['-None-', 'Attempted to Contact', 'Contact in Future', 'Contacted', 'Junk Lead', 'Lost Lead', 'Not Contacted', 'Pre-Qualified', 'Not Qualified'] },
      { api_name: 'Industry', field_label: 'Industry', data_type: 'picklist', pick_list_values: ['-None-', 'Software', 'Manufacturing', 'Retail', 'Finance', 'Healthcare', 'Education', 'Other'] },
      { api_name: 'No_of_Employees', field_label: 'No. of Employees', data_type: 'integer', length: 9 },
      { api_name: 'Annual_Revenue', field_label: 'Annual Revenue', data_type: 'currency', length: 16 },
      text('City', 'City', { length: 100 }),
      text('Country', 'Country', { length: 100 }),
      ...audit,
    ],
  },
  {
    api_name: 'Contacts',
    singular_label: 'Contact',
    plural_label: 'Contacts',
    name_field: 'Full_Name',
    duplicate_check_field: 'Email',
    fields: [
      ...person('Contact Owner'),
      { api_name: 'Account_Name', field_label: 'Account Name', data_type: 'lookup', lookup_module: 'Accounts' },
      text('Department', 'Department', { length: 30 }),
      { api_name: 'Date_of_Birth', field_label: 'Date of Birth', data_type: 'date' },
      text('Mailing_City', 'Mailing City', { length: 100 }),
      text('Mailing_Country', 'Mailing Country', { length: 100 }),
      ...audit,
    ],
  },
  {
    api_name: 'Accounts',
    singular_label: 'Account',
    plural_label: 'Accounts',
    name_field: 'Account_Name',
    duplicate_check_field: 'Account_Name',
    fields: [
      owner('Account Owner'),
      text('Account_Name', 'Account Name', { length: 200, system_mandatory: true }),
      text('Account_Number', 'Account Number', { length: 40 }),
      { api_name: 'Website', field_label: 'Website', data_type: 'website', length: 255 },
      { api_name: 'Phone', field_label: 'Phone', data_type: 'phone', length: 30 },
      { api_name: 'Industry', field_label: 'Industry', data_type: 'picklist', pick_list_values: ['-None-', 'Software', 'Manufacturing', 'Retail', 'Finance', 'Healthcare', 'Education', 'Other'] },
      { api_name: 'Employees', field_label: 'Employees', data_type: 'integer', length: 9 },
      { api_name: 'Annual_Revenue', field_label: 'Annual Revenue', data_type: 'currency', length: 16 },
      text('Billing_City', 'Billing City', { length: 30 }),
      text('Billing_Country', 'Billing Country', { length: 30 }),
      { api_name: 'Description', field_label: 'Description', data_type: 'textarea', length: 32000 },
      ...audit,
    ],
  },
  {
    api_name: 'Deals',
    singular_label: 'Deal',
    plural_label: 'Deals',
    name_field: 'Deal_Name',
    duplicate_check_field: 'Deal_Name',
    fields: [
      owner('Deal Owner'),
      text('Deal_Name', 'Deal Name', { length: 120, system_mandatory: true }),
      { api_name: 'Amount', field_label: 'Amount', data_type: 'currency', length: 16 },
      { api_name: 'Stage', field_label: 'Stage', data_type: 'picklist', system_mandatory: true, pick_list_values: ['Qualification', 'Needs Analysis', 'Value Proposition', 'Identify Decision Makers', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won', 'Closed Lost'] },
      { api_name: 'Closing_Date', field_label: 'Closing Date', data_type: 'date' },
      { api_name: 'Probability', field_label: 'Probability (%)', data_type: 'integer', length: 3 },
      { api_name: 'Account_Name', field_label: 'Account Name', data_type: 'lookup', lookup_module: 'Accounts' },
      { api_name: 'Contact_Name', field_label: 'Contact Name', data_type: 'lookup', lookup_module: 'Contacts' },
      { api_name: 'Lead_Source', field_label: 'Lead Source', data_type: 'picklist', pick_list_values: LEAD_SOURCES },
      { api_name: 'Description', field_label: 'Description', data_type: 'textarea', length: 32000 },
      ...audit,
    ],
  },
  {
    api_name: 'Tasks',
    singular_label: 'Task',
    plural_label: 'Tasks',
    name_field: 'Subject',
    duplicate_check_field: 'Subject',
    fields: [
      owner('Task Owner'),
      text('Subject', 'Subject', { system_mandatory: true }),
      { api_name: 'Due_Date', field_label: 'Due Date', data_type: 'date' },
      { api_name: 'Status', field_label: 'Status', data_type: 'picklist', pick_list_values: ['Not Started', 'Deferred', 'In Progress', 'Completed', 'Waiting for input'] },
      { api_name: 'Priority', field_label: 'Priority', data_type: 'picklist', pick_list_values: ['High', 'Highest', 'Low', 'Lowest', 'Normal'] },
      // Zoho's multi-module lookup: the related record's module comes in $se_module (SE_MODULES).
      { api_name: 'What_Id', field_label: 'Related To', data_type: 'lookup' },
      { api_name: 'Who_Id', field_label: 'Contact Name', data_type: 'lookup', lookup_module: 'Contacts' },
      { api_name: 'Description', field_label: 'Description', data_type: 'textarea', length: 32000 },
      ...audit,
    ],
  },
];

/** The modules a multi-module lookup (a Task's What_Id) may name in `$se_module`. */
export const SE_MODULES = ['Leads', 'Accounts', 'Deals'] as const;

/** The modules that hold records (Notes live beside them and are served separately). */
export const RECORD_MODULES = STANDARD_MODULES.map((module) => module.api_name);

/** Modules whose records the extension works on. */
export const EXTENSION_MODULES = ['Leads', 'Contacts', 'Deals'] as const;


/**
 * Fields an installed extension ships. Their API names carry the extension's namespace, so a client
 * that guesses API names from labels fails here as it would in Zoho; look them up by label.
 */
export const EXTENSION_FIELDS: readonly FieldDefinition[] = [
  { api_name: 'salesassist__X7Targets_Context', field_label: '7Targets Context', data_type: 'text', length: 255 },
  { api_name: 'salesassist__X7Targets_Sequence', field_label: '7Targets Sequence', data_type: 'picklist', pick_list_values: ['-None-', 'Recommended'] },
  { api_name: 'salesassist__X7Targets_Lead_Connection_Status', field_label: '7Targets Lead Connection Status', data_type: 'picklist', pick_list_values: ['-None-', ...LEAD_STATES] },
];

export const NOTES_MODULE = { api_name: 'Notes', singular_label: 'Note', plural_label: 'Notes' } as const;

export const NOTE_FIELDS: readonly FieldDefinition[] = [
  owner('Note Owner'),
  text('Note_Title', 'Note Title', { length: 120 }),
  { api_name: 'Note_Content', field_label: 'Note Content', data_type: 'textarea', length: 32000, system_mandatory: true },
  ...audit,
];

/**
 * Zoho's API-name rule: letters, digits and single underscores, starting with a letter. A label
 * that starts with a digit gets an "X" in front (the prefix is not confirmed by Zoho's docs).
 */
export function apiNameFromLabel(label: string): string {
  let name = label
    .replace(/[^A-Za-z0-9 _]/g, '')
    .trim()
    .replace(/[\s_]+/g, '_')
    .replace(/_+$/, '');
  if (!/^[A-Za-z]/.test(name)) name = `X${name}`;
  return name;
}
