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
  /** Creates notes on records, up to 100 per Zoho call; answers each note's id, in order. */
  createNotes(org: OrgConnection, notes: NewNote[]): Promise<string[]>;
  /** Sets an org variable, creating it when missing. */
  setVariable(org: OrgConnection, variable: { apiName: string; name: string; value: string }): Promise<void>;
}
