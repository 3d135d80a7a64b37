import type { Migration } from '../../db/open-db.js';

/** The sandbox's own database: one Zoho "universe" of orgs, users, OAuth clients and CRM data. */
export const sandboxMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'sandbox-initial',
    sql: `
CREATE TABLE sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);

CREATE TABLE orgs (
  id TEXT PRIMARY KEY,
  record_id TEXT NOT NULL UNIQUE,
  id_prefix TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  dc TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  credits_per_day INTEGER NOT NULL,
  concurrency_limit INTEGER NOT NULL,
  self_client_id TEXT,
  created_time INTEGER NOT NULL
);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  zuid TEXT NOT NULL,
  email TEXT NOT NULL,
  first_name TEXT,
  last_name TEXT NOT NULL,
  profile TEXT NOT NULL,
  role TEXT NOT NULL,
  status TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  created_by TEXT,
  created_time INTEGER NOT NULL,
  modified_time INTEGER NOT NULL,
  UNIQUE (org_id, email)
);

CREATE TABLE clients (
  client_id TEXT PRIMARY KEY,
  client_secret TEXT NOT NULL,
  name TEXT NOT NULL,
  redirect_uris TEXT NOT NULL,
  created_time INTEGER NOT NULL
);

CREATE TABLE grants (
  code TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(client_id),
  org_id TEXT NOT NULL REFERENCES orgs(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  scope TEXT NOT NULL,
  redirect_uri TEXT,
  issue_refresh INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);

CREATE TABLE refresh_tokens (
  token TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(client_id),
  org_id TEXT NOT NULL REFERENCES orgs(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  scope TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);

CREATE TABLE access_tokens (
  token TEXT PRIMARY KEY,
  refresh_token TEXT,
  client_id TEXT NOT NULL REFERENCES clients(client_id),
  org_id TEXT NOT NULL REFERENCES orgs(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  scope TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX access_tokens_by_refresh ON access_tokens (refresh_token, created_at);

CREATE TABLE modules (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  api_name TEXT NOT NULL,
  id TEXT NOT NULL,
  singular_label TEXT NOT NULL,
  plural_label TEXT NOT NULL,
  sequence_number INTEGER NOT NULL,
  modified_time INTEGER NOT NULL,
  PRIMARY KEY (org_id, api_name)
);

CREATE TABLE fields (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  module TEXT NOT NULL,
  id TEXT NOT NULL,
  api_name TEXT NOT NULL,
  field_label TEXT NOT NULL,
  data_type TEXT NOT NULL,
  length INTEGER,
  custom_field INTEGER NOT NULL,
  system_mandatory INTEGER NOT NULL,
  read_only INTEGER NOT NULL,
  pick_list_values TEXT,
  lookup_module TEXT,
  created_source TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, module, api_name),
  UNIQUE (org_id, module, field_label)
);

CREATE TABLE records (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  module TEXT NOT NULL,
  id TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  data TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_time INTEGER NOT NULL,
  modified_by TEXT NOT NULL,
  modified_time INTEGER NOT NULL,
  PRIMARY KEY (org_id, id)
);
CREATE INDEX records_by_module ON records (org_id, module, id);

CREATE TABLE notes (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  parent_module TEXT NOT NULL,
  parent_id TEXT NOT NULL,
  title TEXT,
  content TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_time INTEGER NOT NULL,
  modified_by TEXT NOT NULL,
  modified_time INTEGER NOT NULL,
  PRIMARY KEY (org_id, id)
);
CREATE INDEX notes_by_parent ON notes (org_id, parent_id, created_time);

CREATE TABLE timeline (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  module TEXT NOT NULL,
  record_id TEXT NOT NULL,
  action TEXT NOT NULL,
  source TEXT NOT NULL,
  done_by TEXT NOT NULL,
  audited_time INTEGER NOT NULL,
  field_history TEXT,
  related_record TEXT,
  PRIMARY KEY (org_id, id)
);
CREATE INDEX timeline_by_record ON timeline (org_id, record_id, audited_time);

CREATE TABLE channels (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  channel_id TEXT NOT NULL,
  events TEXT NOT NULL,
  notify_url TEXT NOT NULL,
  token TEXT,
  expires_at INTEGER NOT NULL,
  return_affected_field_values INTEGER NOT NULL,
  notify_on_related_action INTEGER NOT NULL,
  notification_condition TEXT,
  created_time INTEGER NOT NULL,
  PRIMARY KEY (org_id, channel_id)
);

CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  channel_id TEXT NOT NULL,
  notify_url TEXT NOT NULL,
  body TEXT NOT NULL,
  status INTEGER,
  response_body TEXT,
  error TEXT,
  sent_at INTEGER NOT NULL,
  duration_ms INTEGER
);
CREATE INDEX deliveries_by_org ON deliveries (org_id, id);

CREATE TABLE variables (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  api_name TEXT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  value TEXT,
  description TEXT,
  group_api_name TEXT NOT NULL,
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, api_name)
);

CREATE TABLE credit_ledger (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  at INTEGER NOT NULL,
  credits INTEGER NOT NULL,
  method TEXT NOT NULL DEFAULT '',
  path TEXT NOT NULL DEFAULT ''
);
CREATE INDEX credit_ledger_by_org ON credit_ledger (org_id, at);
`,
  },
];
