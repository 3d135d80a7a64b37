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
  postal_address TEXT NOT NULL DEFAULT '',
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
  {
    version: 2,
    name: 'engine',
    sql: `
CREATE TABLE inbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  channel_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX inbox_by_org ON inbox (org_id, id);

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  job_key TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  run_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  lease_token TEXT,
  lease_until INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs (status, run_at);
CREATE INDEX jobs_by_org ON jobs (org_id, status);

CREATE TABLE leads (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  assistant_id TEXT NOT NULL REFERENCES assistants(id),
  zoho_module TEXT NOT NULL,
  zoho_record_id TEXT NOT NULL,
  status TEXT NOT NULL,
  state TEXT NOT NULL,
  email TEXT,
  first_name TEXT,
  last_name TEXT,
  company TEXT,
  context TEXT NOT NULL,
  sequence_id TEXT NOT NULL,
  next_step INTEGER NOT NULL,
  steps_total INTEGER NOT NULL,
  previous_owner_id TEXT,
  previous_owner_name TEXT,
  thread_message_id TEXT,
  last_message_id TEXT,
  next_send_at INTEGER,
  last_sent_at INTEGER,
  close_reason TEXT,
  closed_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (org_id, zoho_module, zoho_record_id)
);
CREATE INDEX leads_by_org ON leads (org_id, status);

CREATE TABLE lead_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id TEXT NOT NULL,
  lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX lead_events_by_lead ON lead_events (lead_id, id);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  external_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  done_at INTEGER
);
CREATE INDEX outbox_pending ON outbox (org_id, kind, status);

CREATE TABLE sweeps (
  org_id TEXT PRIMARY KEY REFERENCES orgs(id) ON DELETE CASCADE,
  last_swept_at INTEGER NOT NULL
);

CREATE TABLE send_counts (
  assistant_id TEXT NOT NULL,
  day TEXT NOT NULL,
  sent INTEGER NOT NULL,
  PRIMARY KEY (assistant_id, day)
);
`,
  },
  {
    version: 3,
    name: 'replies-and-deliverability',
    sql: `
ALTER TABLE assistants ADD COLUMN brochure_url TEXT NOT NULL DEFAULT '';
ALTER TABLE assistants ADD COLUMN bounce_threshold REAL NOT NULL DEFAULT 0.05;
ALTER TABLE assistants ADD COLUMN sending_paused_at INTEGER;
ALTER TABLE assistants ADD COLUMN sending_paused_reason TEXT;
ALTER TABLE assistants ADD COLUMN mailbox_sealed TEXT;

ALTER TABLE leads ADD COLUMN last_reply_at INTEGER;
ALTER TABLE leads ADD COLUMN last_intent TEXT;
ALTER TABLE leads ADD COLUMN resume_at INTEGER;

CREATE TABLE inbound_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id TEXT REFERENCES orgs(id) ON DELETE CASCADE,
  assistant_id TEXT,
  source TEXT NOT NULL,
  dedupe_key TEXT NOT NULL UNIQUE,
  message_id TEXT,
  from_address TEXT,
  subject TEXT NOT NULL,
  raw BLOB NOT NULL,
  received_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  lead_id TEXT,
  matched_by TEXT,
  intent TEXT,
  confidence REAL,
  reason TEXT,
  extracted_date TEXT,
  action TEXT,
  processed_at INTEGER
);
CREATE INDEX inbound_by_org ON inbound_messages (org_id, status, id);
CREATE INDEX inbound_by_assistant ON inbound_messages (assistant_id, intent, received_at);

CREATE TABLE suppressions (
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  reason TEXT NOT NULL,
  source TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (org_id, email)
);

CREATE TABLE reply_phrases (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  phrase TEXT NOT NULL,
  intent TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (org_id, phrase)
);

CREATE TABLE mailbox_cursors (
  assistant_id TEXT PRIMARY KEY REFERENCES assistants(id) ON DELETE CASCADE,
  org_id TEXT NOT NULL,
  uid_validity TEXT NOT NULL,
  last_uid INTEGER NOT NULL,
  polled_at INTEGER,
  last_error TEXT
);

CREATE TABLE referrals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  inbound_id INTEGER NOT NULL UNIQUE,
  name TEXT,
  email TEXT,
  status TEXT NOT NULL,
  zoho_module TEXT,
  zoho_record_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
`,
  },
  {
    version: 4,
    name: 'connector',
    sql: `
ALTER TABLE leads ADD COLUMN phone TEXT;

CREATE TABLE connector_settings (
  org_id TEXT PRIMARY KEY REFERENCES orgs(id) ON DELETE CASCADE,
  enabled INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL,
  settings TEXT NOT NULL,
  dirty INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);

CREATE TABLE segments (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  entity TEXT NOT NULL,
  conditions TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (org_id, name)
);

CREATE TABLE sync_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  trigger TEXT NOT NULL,
  dry_run INTEGER NOT NULL,
  status TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  created INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  api_calls INTEGER NOT NULL DEFAULT 0,
  error TEXT
);
CREATE INDEX sync_runs_by_org ON sync_runs (org_id, id);

CREATE TABLE sync_records (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id INTEGER NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
  org_id TEXT NOT NULL,
  entity TEXT NOT NULL,
  our_id TEXT NOT NULL,
  zoho_id TEXT,
  action TEXT NOT NULL,
  reason TEXT NOT NULL,
  fields TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX sync_records_by_run ON sync_records (run_id, id);
`,
  },
  {
    version: 5,
    name: 'reply-examples-corrections',
    sql: `
CREATE TABLE reply_examples (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  inbound_id INTEGER,
  intent TEXT NOT NULL,
  text TEXT NOT NULL,
  features TEXT NOT NULL,
  created_by TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (org_id, inbound_id)
);

ALTER TABLE orgs ADD COLUMN widget_origins TEXT NOT NULL DEFAULT '[]';
ALTER TABLE oauth_states ADD COLUMN ticket_org_id TEXT;

ALTER TABLE inbound_messages ADD COLUMN decision TEXT;
ALTER TABLE inbound_messages ADD COLUMN auth TEXT;
ALTER TABLE inbound_messages ADD COLUMN auth_detail TEXT;
ALTER TABLE inbound_messages ADD COLUMN corrected_from TEXT;
ALTER TABLE inbound_messages ADD COLUMN corrected_by TEXT;
ALTER TABLE inbound_messages ADD COLUMN corrected_at INTEGER;
`,
  },
  {
    version: 6,
    name: 'leases',
    sql: `
-- Work exactly one process may do at a time (an IMAP IDLE connection per mailbox, a widget-key
-- rotation per org): held until expires_at, renewed by its holder, taken over once it lapses.
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
`,
  },
  {
    version: 7,
    name: 'jobs-by-org-due',
    sql: `
-- The runner's turn-taking reads each org's oldest queued job (a loose index scan over org_id).
CREATE INDEX jobs_org_due ON jobs (status, org_id, run_at);
`,
  },
  {
    version: 8,
    name: 'jobs-by-key-prefix',
    sql: `
-- "Is a job of this record queued?" reads the jobs whose key starts with a prefix. SQLite reads it
-- as a range of the key's unique index; PostgreSQL's LIKE needs an index in byte order to do the same
-- (the unique index follows the database's collation), or it reads the whole table.
-- postgres: CREATE INDEX jobs_key_prefix ON jobs (job_key text_pattern_ops);
`,
  },
  {
    version: 9,
    name: 'sequence-requests',
    sql: `
-- The sequence a person chose in the record widget just before assigning the record: intake takes
-- it over the record's "7Targets Sequence" picklist (which lists only the sequences Setup saw).
CREATE TABLE sequence_requests (
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  zoho_module TEXT NOT NULL,
  zoho_record_id TEXT NOT NULL,
  sequence_id TEXT NOT NULL REFERENCES sequences(id) ON DELETE CASCADE,
  requested_by TEXT,
  requested_at INTEGER NOT NULL,
  PRIMARY KEY (org_id, zoho_module, zoho_record_id)
);
`,
  },
  {
    version: 10,
    name: 'assistants-archive',
    sql: `
-- An archived assistant takes no new records (they go straight back with a note) and keeps its
-- history; deleting is only for an assistant that never worked a record.
ALTER TABLE assistants ADD COLUMN archived_at INTEGER;
`,
  },
  {
    version: 11,
    name: 'lead-profile',
    sql: `
-- What the record says about the person, read at intake, for the emails: their title, the
-- company's industry, their city and country, and the language to write in (en, de, es, fr, pt;
-- from Zoho's language field, else the country; null: the assistant's).
ALTER TABLE leads ADD COLUMN title TEXT;
ALTER TABLE leads ADD COLUMN industry TEXT;
ALTER TABLE leads ADD COLUMN city TEXT;
ALTER TABLE leads ADD COLUMN country TEXT;
ALTER TABLE leads ADD COLUMN language TEXT;
`,
  },
  {
    version: 12,
    name: 'assistant-languages',
    sql: `
-- The assistant's context and nurture lines written in other languages, for leads who read those:
-- a JSON object by language code ({"de": {"context": "...", "nurture_lines": ["..."]}}).
ALTER TABLE assistants ADD COLUMN other_languages TEXT NOT NULL DEFAULT '{}';
`,
  },
  {
    version: 13,
    name: 'lead-time-zone',
    sql: `
-- The time zone the lead reads email in (an IANA name), from the record's time-zone field or its
-- country; null: the assistant's. Sending hours and off days apply in it.
ALTER TABLE leads ADD COLUMN time_zone TEXT;
`,
  },
  {
    version: 14,
    name: 'drafts-for-approval',
    sql: `
-- Whether a person approves the assistant's emails before they go: 'auto' (never), 'first' (the
-- first email of each lead) or 'every'. A draft waits as an outbox row in status 'draft' (its key is
-- the email's, so a rerun never writes a second one) and is handed back when nobody approved it
-- within draft_expiry_days.
ALTER TABLE assistants ADD COLUMN approval TEXT NOT NULL DEFAULT 'auto';
ALTER TABLE assistants ADD COLUMN draft_expiry_days INTEGER NOT NULL DEFAULT 3;
`,
  },
];
