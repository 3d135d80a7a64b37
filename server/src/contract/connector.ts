/**
 * The connector section's contract with the backend: the settings and segment schemas the routes
 * validate with, and the shapes of the answers (settings, properties, operators, Zoho fields,
 * runs and their records). The routes check their answers against these types with `satisfies`;
 * the widget imports them type-only; test/inprocess/contract.test.ts parses the real answers.
 */
import { z } from 'zod';

export const ENTITIES = ['contact', 'account'] as const;
export type Entity = (typeof ENTITIES)[number];

export const PROPERTY_TYPES = ['string', 'email', 'phone', 'integer', 'boolean', 'datetime', 'enum'] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

const fieldName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/);

export const mappingInput = z.object({ entity: z.enum(ENTITIES), property: z.string().min(1).max(60), zoho_field: fieldName }).strict();

/** What an admin decides about the Zoho connector (the defaults: off, update only). */
export const connectorSettingsSchema = z
  .object({
    enabled: z.boolean(),
    name: z.string().trim().min(1).max(80),
    /** Allow creating Contacts that Zoho does not have (matched by email). Off: update only. */
    create_contacts: z.boolean(),
    /** Allow creating Accounts that Zoho does not have (matched by the account-ID field). */
    create_accounts: z.boolean(),
    /** The Accounts field that holds our account IDs (the company's email domain); null: companies do not sync. */
    account_id_field: fieldName.nullable(),
    /** Segments that limit what syncs, per entity; none for an entity means all of it. */
    segment_ids: z.array(z.string().uuid()).max(50),
    /** Mappings besides the defaults (email, names, phone; name, domain). Zoho's COQL reads at most 50 columns; the defaults and the match keys take some. */
    mappings: z.array(mappingInput).max(40),
    /** How often a full sync runs (changes also trigger one, debounced). */
    schedule_minutes: z.number().int().min(5).max(7 * 24 * 60),
    /** How long run and record logs are kept. */
    log_retention_days: z.number().int().min(1).max(365),
  })
  .strict();

export type ConnectorSettings = z.infer<typeof connectorSettingsSchema>;
export type MappingInput = z.infer<typeof mappingInput>;

/** A condition's operators, in a person's words ("Lead state is one of …"), and the kinds of property each takes. */
export const OPERATORS = [
  { op: 'eq', label: 'is', types: ['string', 'email', 'phone', 'integer', 'boolean', 'enum'] },
  { op: 'neq', label: 'is not', types: ['string', 'email', 'phone', 'integer', 'boolean', 'enum'] },
  { op: 'in', label: 'is one of', types: ['string', 'email', 'phone', 'integer', 'enum'] },
  { op: 'contains', label: 'contains', types: ['string', 'email', 'phone'] },
  { op: 'gt', label: 'is more than', types: ['integer'] },
  { op: 'gte', label: 'is at least', types: ['integer'] },
  { op: 'lt', label: 'is less than', types: ['integer'] },
  { op: 'lte', label: 'is at most', types: ['integer'] },
  { op: 'before', label: 'is before', types: ['datetime'] },
  { op: 'after', label: 'is after', types: ['datetime'] },
  { op: 'is_set', label: 'is set', types: ['string', 'email', 'phone', 'integer', 'boolean', 'datetime', 'enum'] },
  { op: 'is_not_set', label: 'is not set', types: ['string', 'email', 'phone', 'integer', 'boolean', 'datetime', 'enum'] },
] as const satisfies readonly { op: string; label: string; types: readonly PropertyType[] }[];

export type Operator = (typeof OPERATORS)[number]['op'];
const OPERATOR_NAMES = OPERATORS.map((operator) => operator.op) as [Operator, ...Operator[]];

/** A saved filter's condition over our leads or accounts. */
export const conditionSchema = z
  .object({
    property: z.string().min(1).max(60),
    op: z.enum(OPERATOR_NAMES),
    value: z.union([z.string().max(500), z.number(), z.boolean(), z.array(z.union([z.string().max(200), z.number()])).max(50)]).optional(),
  })
  .strict();

export const segmentSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    entity: z.enum(ENTITIES),
    conditions: z.array(conditionSchema).min(1).max(20),
  })
  .strict();

export type Condition = z.infer<typeof conditionSchema>;

// The answers.

const iso = z.iso.datetime();

export const propertyView = z
  .object({
    name: z.string(),
    type: z.enum(PROPERTY_TYPES),
    values: z.array(z.string()).readonly().optional(),
    label: z.string(),
    maxLength: z.number().int().optional(),
    description: z.string(),
  })
  .strict();

export const operatorView = z.object({ op: z.enum(OPERATOR_NAMES), label: z.string(), types: z.array(z.enum(PROPERTY_TYPES)).readonly() }).strict();

/** GET /api/connector. */
export const connectorAnswer = z
  .object({
    settings: connectorSettingsSchema,
    default_mappings: z.array(mappingInput),
    properties: z.object({ contact: z.array(propertyView).readonly(), account: z.array(propertyView).readonly() }).strict(),
    operators: z.array(operatorView).readonly(),
  })
  .strict();

/** PUT /api/connector. */
export const connectorSavedAnswer = z.object({ settings: connectorSettingsSchema }).strict();

export const zohoFieldView = z.object({ apiName: z.string(), label: z.string(), type: z.string(), length: z.number().int().nullable().optional() }).strict();

/** GET /api/connector/zoho-fields: the fields a mapping can write, from Zoho's field metadata. */
export const zohoFieldsAnswer = z.object({ contact: z.array(zohoFieldView), account: z.array(zohoFieldView) }).strict();

export const segmentView = z.object({ id: z.string(), name: z.string(), entity: z.enum(ENTITIES), conditions: z.array(conditionSchema) }).strict();
export const segmentsAnswer = z.object({ segments: z.array(segmentView) }).strict();

export const runView = z
  .object({
    id: z.number().int(),
    trigger: z.string(),
    dry_run: z.boolean(),
    status: z.string(),
    started_at: iso,
    finished_at: iso.nullable(),
    created: z.number().int(),
    updated: z.number().int(),
    skipped: z.number().int(),
    rejected: z.number().int(),
    api_calls: z.number().int(),
    error: z.string().nullable(),
  })
  .strict();
export const runsAnswer = z.object({ runs: z.array(runView) }).strict();

export const SYNC_ACTIONS = ['create', 'update', 'skip', 'reject'] as const;

/** What a run did (or a dry run would do) to one record, named: a lead by name and email, an account by its domain. */
export const runRecordView = z
  .object({
    entity: z.enum(ENTITIES),
    our_id: z.string(),
    zoho_id: z.string().nullable(),
    action: z.enum(SYNC_ACTIONS),
    reason: z.string(),
    fields: z.unknown(),
    at: iso.optional(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    /** The record's page in Zoho, when it has one. */
    zoho_url: z.string().nullable(),
  })
  .strict();
export const runRecordsAnswer = z.object({ records: z.array(runRecordView) }).strict();
export const dryRunAnswer = z.object({ run: runView, records: z.array(runRecordView) }).strict();

export type PropertyView = z.infer<typeof propertyView>;
export type OperatorView = z.infer<typeof operatorView>;
export type ConnectorAnswer = z.infer<typeof connectorAnswer>;
export type ZohoFieldView = z.infer<typeof zohoFieldView>;
export type SegmentView = z.infer<typeof segmentView>;
export type RunView = z.infer<typeof runView>;
export type RunRecordView = z.infer<typeof runRecordView>;
