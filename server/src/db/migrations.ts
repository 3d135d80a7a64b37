import type { Migration } from './open-db.js';

/** The backend's schema. Every tenant-owned table carries org_id and every query filters on it. */
export const appMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'orgs-tokens-assistants',
    sql: `
CREATE TABLE orgs (
  id TEXT PRIMARY KEY,
  zoho_org_id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  dc TEXT NOT NULL,
  accounts_server TEXT NOT NULL,
  api_domain TEXT NOT NULL,
  status TEXT NOT NULL,
  authorized_by_user_id TEXT NOT NULL,
  authorized_by_email TEXT NOT NULL,
  scopes TEXT NOT NULL,
  authorized_at INTEGER NOT NULL,
  status_reason TEXT,
  last_notification_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE zoho_tokens (
  org_id TEXT PRIMARY KEY REFERENCES orgs(id) ON DELETE CASCADE,
  refresh_token_sealed TEXT NOT NULL,
  access_token_sealed TEXT,
  access_expires_at INTEGER,
  refreshed_at INTEGER,
  created_at INTEGER NOT NULL
);

CREATE TABLE oauth_states (
  state_hash TEXT PRIMARY KEY,
  browser_binding_hash TEXT NOT NULL,
  purpose TEXT NOT NULL,
  opener_origin TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX oauth_states_by_expiry ON oauth_states (expires_at);

CREATE TABLE org_fields (
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  module TEXT NOT NULL,
  role TEXT NOT NULL,
  api_name TEXT NOT NULL,
  field_label TEXT NOT NULL,
  data_type TEXT NOT NULL,
  PRIMARY KEY (org_id, module, role)
);

CREATE TABLE notification_channels (
  org_id TEXT PRIMARY KEY REFERENCES orgs(id) ON DELETE CASCADE,
  channel_id TEXT NOT NULL UNIQUE,
  token_sealed TEXT NOT NULL,
  events TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  renewed_at INTEGER NOT NULL
);

CREATE TABLE widget_keys (
  org_id TEXT PRIMARY KEY REFERENCES orgs(id) ON DELETE CASCADE,
  key_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);

CREATE TABLE sequences (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (org_id, name)
);

CREATE TABLE sequence_steps (
  sequence_id TEXT NOT NULL REFERENCES sequences(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  after_days INTEGER NOT NULL,
  mode TEXT NOT NULL,
  subject TEXT,
  body TEXT,
  PRIMARY KEY (sequence_id, position)
);

CREATE TABLE assistants (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  mailbox_email TEXT NOT NULL,
  default_context TEXT NOT NULL,
  signature TEXT NOT NULL,
  default_sequence_id TEXT REFERENCES sequences(id) ON DELETE SET NULL,
  time_zone TEXT NOT NULL,
  business_hours TEXT NOT NULL,
  off_days TEXT NOT NULL,
  daily_cap INTEGER NOT NULL,
  default_owner_id TEXT,
  nurture_lines TEXT NOT NULL,
  zoho_user_id TEXT,
  crm_status TEXT,
  crm_owned_records INTEGER,
  crm_checked_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (org_id, mailbox_email)
);
CREATE INDEX assistants_by_org ON assistants (org_id);
`,
  },
];
