/**
 * The only way the rest of the backend talks to Zoho, in our own types. The implementation
 * (sdk-gateway.ts) uses Zoho's official SDK; tests may use it against the sandbox.
 */

/** Where an org's Zoho lives and whose authorization we hold. */
export interface OrgConnection {
  orgId: string;
  apiDomain: string;
  accountsServer: string;
}

export interface ZohoUser {
  id: string;
  email: string;
  fullName: string;
  status: string;
  isAdmin: boolean;
  timeZone: string | null;
}

export interface ZohoOrgInfo {
  zgid: string;
  companyName: string;
  timeZone: string | null;
}

export interface ZohoField {
  id: string;
  apiName: string;
  label: string;
  dataType: string;
  length: number | null;
  custom: boolean;
  readOnly: boolean;
  picklistValues: string[];
  lookupModule: string | null;
}

export interface NewField {
  label: string;
  dataType: 'text' | 'textarea' | 'picklist' | 'integer' | 'double' | 'boolean' | 'date' | 'datetime' | 'email' | 'phone' | 'website';
  length?: number;
  picklistValues?: string[];
}

export interface WatchChannel {
  channelId: string;
  events: string[];
  notifyUrl: string;
  token: string;
  expiresAt: number;
  /** Narrow `edit` events of these modules to changes of these fields (Zoho's notification_condition). */
  editFields?: Record<string, string[]>;
}

export interface WatchSubscription {
  channelId: string;
  events: string[];
  expiresAt: number;
}

export interface NewNote {
  module: string;
  recordId: string;
  title: string;
  content: string;
}

/** A record's fields as plain JSON: ids as strings, lookups as `{id, name}`, Owner as `{id, name, email}`. */
export type ZohoRecord = Record<string, unknown> & { id: string };

export interface OwnerChange {
  /** The previous and new owner as Zoho's timeline names them (full names). */
  from: string | null;
  to: string | null;
  at: string;
  byUserId: string | null;
}

export interface RecordUpdate {
  id: string;
  /** Field API name → value; `Owner` takes a user id. */
  values: Record<string, unknown>;
}

export interface WriteResult {
  id: string;
  ok: boolean;
  code: string;
  message: string;
  /** Zoho's details for a refused record (e.g. the field's api_name and its limit). */
  details?: Record<string, unknown>;
}

export interface ZohoNote {
  id: string;
  title: string | null;
  content: string;
}

export type ZohoUserType = 'AllUsers' | 'ActiveUsers' | 'AdminUsers' | 'CurrentUser';

export interface ZohoGateway {
  /** Who authorized a fresh token and which org it belongs to, before the org is stored. */
  identify(where: { apiDomain: string; accountsServer: string }, accessToken: string): Promise<{ user: ZohoUser; org: ZohoOrgInfo }>;
  currentUser(org: OrgConnection): Promise<ZohoUser>;
  listUsers(org: OrgConnection, type: ZohoUserType): Promise<ZohoUser[]>;
  getOrg(org: OrgConnection): Promise<ZohoOrgInfo>;
  listFields(org: OrgConnection, module: string): Promise<ZohoField[]>;
  /** Creates fields (at most five per Zoho call) and answers each new field's id. */
  createFields(org: OrgConnection, module: string, fields: NewField[]): Promise<string[]>;
  /** Rows of a COQL query, plain JSON (ids as strings). */
  coql(org: OrgConnection, query: string): Promise<Record<string, unknown>[]>;
  /** Subscribes or renews a notification channel. */
  watch(org: OrgConnection, channel: WatchChannel): Promise<WatchSubscription>;
  unwatch(org: OrgConnection, channelId: string): Promise<void>;
  /** An org variable's value by API name, or null when the variable does not exist. */
  getVariable(org: OrgConnection, apiName: string): Promise<string | null>;
  /** One record with the fields asked for (all when none are named). Null when Zoho has no such record. */
  getRecord(org: OrgConnection, module: string, id: string, fields?: string[]): Promise<ZohoRecord | null>;
  /** The record's owner changes from its timeline, oldest first. */
  ownerHistory(org: OrgConnection, module: string, id: string): Promise<OwnerChange[]>;
  /** Updates records, up to 100 per Zoho call; one result per input, in order. */
  updateRecords(org: OrgConnection, module: string, updates: RecordUpdate[]): Promise<WriteResult[]>;
  /** Creates records, up to 100 per Zoho call; one result (with the new id) per input, in order. Lookups take `{id}`. */
  createRecords(org: OrgConnection, module: string, records: Record<string, unknown>[]): Promise<WriteResult[]>;
  /** A record's notes, oldest first (used to tell whether a note we sent already arrived). */
  listNotes(org: OrgConnection, module: string, id: string): Promise<ZohoNote[]>;
  /** Creates notes on records, up to 100 per Zoho call; one result (with the note's id) per input, in order. */
  createNotes(org: OrgConnection, notes: NewNote[]): Promise<WriteResult[]>;
  /** Sets an org variable, creating it when missing. */
  setVariable(org: OrgConnection, variable: { apiName: string; name: string; value: string }): Promise<void>;
}
