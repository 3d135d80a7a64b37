// Written by `npm run db-types` from server/src/db/migrations.ts; do not edit by hand.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface AssistantsTable {
  id: string;
  org_id: string;
  name: string;
  mailbox_email: string;
  default_context: string;
  signature: string;
  default_sequence_id: string | null;
  time_zone: string;
  business_hours: string;
  off_days: string;
  daily_cap: number;
  default_owner_id: string | null;
  nurture_lines: string;
  postal_address: ColumnType<string, string | undefined, string>;
  zoho_user_id: string | null;
  crm_status: string | null;
  crm_owned_records: number | null;
  crm_checked_at: number | null;
  created_at: number;
  updated_at: number;
  brochure_url: ColumnType<string, string | undefined, string>;
  bounce_threshold: ColumnType<number, number | undefined, number>;
  sending_paused_at: number | null;
  sending_paused_reason: string | null;
  mailbox_sealed: string | null;
  archived_at: number | null;
  other_languages: ColumnType<string, string | undefined, string>;
  approval: ColumnType<'auto' | 'first' | 'every', 'auto' | 'first' | 'every' | undefined, 'auto' | 'first' | 'every'>;
  draft_expiry_days: ColumnType<number, number | undefined, number>;
}

export interface ConnectorSettingsTable {
  org_id: string;
  enabled: ColumnType<number, number | undefined, number>;
  name: string;
  settings: string;
  dirty: ColumnType<number, number | undefined, number>;
  updated_at: number;
}

export interface InboundMessagesTable {
  id: Generated<number>;
  org_id: string | null;
  assistant_id: string | null;
  source: string;
  dedupe_key: string;
  message_id: string | null;
  from_address: string | null;
  subject: string;
  raw: Buffer;
  received_at: number;
  status: 'received' | 'processed' | 'unmatched' | 'ignored';
  lead_id: string | null;
  matched_by: string | null;
  intent: string | null;
  confidence: number | null;
  reason: string | null;
  extracted_date: string | null;
  action: string | null;
  processed_at: number | null;
  decision: string | null;
  auth: string | null;
  auth_detail: string | null;
  corrected_from: string | null;
  corrected_by: string | null;
  corrected_at: number | null;
}

export interface InboxTable {
  id: Generated<number>;
  org_id: string;
  channel_id: string;
  received_at: number;
  body: string;
}

export interface JobsTable {
  id: Generated<number>;
  org_id: string;
  kind: string;
  job_key: string;
  payload: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  run_at: number;
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: number;
  lease_token: string | null;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface LeadEventsTable {
  id: Generated<number>;
  org_id: string;
  lead_id: string;
  at: number;
  kind: string;
  detail: string;
}

export interface LeadsTable {
  id: string;
  org_id: string;
  assistant_id: string;
  zoho_module: string;
  zoho_record_id: string;
  status: 'active' | 'paused' | 'handed_back' | 'stopped';
  state: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  company: string | null;
  context: string;
  sequence_id: string;
  next_step: number;
  steps_total: number;
  previous_owner_id: string | null;
  previous_owner_name: string | null;
  thread_message_id: string | null;
  last_message_id: string | null;
  next_send_at: number | null;
  last_sent_at: number | null;
  close_reason: string | null;
  closed_at: number | null;
  created_at: number;
  updated_at: number;
  last_reply_at: number | null;
  last_intent: string | null;
  resume_at: number | null;
  phone: string | null;
  title: string | null;
  industry: string | null;
  city: string | null;
  country: string | null;
  language: string | null;
  time_zone: string | null;
}

export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: number;
}

export interface MailboxCursorsTable {
  assistant_id: string;
  org_id: string;
  uid_validity: string;
  last_uid: number;
  polled_at: number | null;
  last_error: string | null;
}

export interface NotificationChannelsTable {
  org_id: string;
  channel_id: string;
  token_sealed: string;
  events: string;
  expires_at: number;
  renewed_at: number;
}

export interface OauthStatesTable {
  state_hash: string;
  browser_binding_hash: string;
  purpose: string;
  opener_origin: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  ticket_org_id: string | null;
}

export interface OrgFieldsTable {
  org_id: string;
  module: string;
  role: string;
  api_name: string;
  field_label: string;
  data_type: string;
}

export interface OrgsTable {
  id: string;
  zoho_org_id: string;
  name: string;
  dc: string;
  accounts_server: string;
  api_domain: string;
  status: string;
  authorized_by_user_id: string;
  authorized_by_email: string;
  scopes: string;
  authorized_at: number;
  status_reason: string | null;
  last_notification_at: number | null;
  created_at: number;
  updated_at: number;
  widget_origins: ColumnType<string, string | undefined, string>;
}

export interface OutboxTable {
  id: Generated<number>;
  org_id: string;
  lead_id: string;
  kind: 'email' | 'note' | 'update' | 'create';
  idempotency_key: string;
  payload: string;
  status: 'draft' | 'pending' | 'sending' | 'done' | 'unconfirmed' | 'failed' | 'skipped' | 'expired';
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  external_id: string | null;
  created_at: number;
  updated_at: number;
  done_at: number | null;
}

export interface ReferralsTable {
  id: Generated<number>;
  org_id: string;
  lead_id: string;
  inbound_id: number;
  name: string | null;
  email: string | null;
  status: string;
  zoho_module: string | null;
  zoho_record_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface ReplyExamplesTable {
  id: Generated<number>;
  org_id: string;
  inbound_id: number | null;
  intent: string;
  text: string;
  features: string;
  created_by: string | null;
  created_at: number;
}

export interface ReplyPhrasesTable {
  id: string;
  org_id: string;
  phrase: string;
  intent: string;
  created_at: number;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface SegmentsTable {
  id: string;
  org_id: string;
  name: string;
  entity: string;
  conditions: string;
  created_at: number;
}

export interface SendCountsTable {
  assistant_id: string;
  day: string;
  sent: number;
}

export interface SequenceRequestsTable {
  org_id: string;
  zoho_module: string;
  zoho_record_id: string;
  sequence_id: string;
  requested_by: string | null;
  requested_at: number;
}

export interface SequenceStepsTable {
  sequence_id: string;
  position: number;
  after_days: number;
  mode: string;
  subject: string | null;
  body: string | null;
}

export interface SequencesTable {
  id: string;
  org_id: string;
  name: string;
  is_default: ColumnType<number, number | undefined, number>;
  created_at: number;
  updated_at: number;
}

export interface SuppressionsTable {
  org_id: string;
  email: string;
  reason: string;
  source: string;
  created_at: number;
}

export interface SweepsTable {
  org_id: string;
  last_swept_at: number;
}

export interface SyncRecordsTable {
  id: Generated<number>;
  run_id: number;
  org_id: string;
  entity: string;
  our_id: string;
  zoho_id: string | null;
  action: string;
  reason: string;
  fields: string;
  at: number;
}

export interface SyncRunsTable {
  id: Generated<number>;
  org_id: string;
  trigger: string;
  dry_run: number;
  status: string;
  started_at: number;
  finished_at: number | null;
  created: ColumnType<number, number | undefined, number>;
  updated: ColumnType<number, number | undefined, number>;
  skipped: ColumnType<number, number | undefined, number>;
  rejected: ColumnType<number, number | undefined, number>;
  api_calls: ColumnType<number, number | undefined, number>;
  error: string | null;
}

export interface WidgetKeysTable {
  org_id: string;
  key_hash: string;
  created_at: number;
}

export interface ZohoTokensTable {
  org_id: string;
  refresh_token_sealed: string;
  access_token_sealed: string | null;
  access_expires_at: number | null;
  refreshed_at: number | null;
  created_at: number;
}

export interface Schema {
  assistants: AssistantsTable;
  connector_settings: ConnectorSettingsTable;
  inbound_messages: InboundMessagesTable;
  inbox: InboxTable;
  jobs: JobsTable;
  lead_events: LeadEventsTable;
  leads: LeadsTable;
  leases: LeasesTable;
  mailbox_cursors: MailboxCursorsTable;
  notification_channels: NotificationChannelsTable;
  oauth_states: OauthStatesTable;
  org_fields: OrgFieldsTable;
  orgs: OrgsTable;
  outbox: OutboxTable;
  referrals: ReferralsTable;
  reply_examples: ReplyExamplesTable;
  reply_phrases: ReplyPhrasesTable;
  schema_migrations: SchemaMigrationsTable;
  segments: SegmentsTable;
  send_counts: SendCountsTable;
  sequence_requests: SequenceRequestsTable;
  sequence_steps: SequenceStepsTable;
  sequences: SequencesTable;
  suppressions: SuppressionsTable;
  sweeps: SweepsTable;
  sync_records: SyncRecordsTable;
  sync_runs: SyncRunsTable;
  widget_keys: WidgetKeysTable;
  zoho_tokens: ZohoTokensTable;
}

export type AssistantsRow = Selectable<AssistantsTable>;
export type NewAssistantsRow = Insertable<AssistantsTable>;
export type AssistantsChanges = Updateable<AssistantsTable>;
export type ConnectorSettingsRow = Selectable<ConnectorSettingsTable>;
export type NewConnectorSettingsRow = Insertable<ConnectorSettingsTable>;
export type ConnectorSettingsChanges = Updateable<ConnectorSettingsTable>;
export type InboundMessagesRow = Selectable<InboundMessagesTable>;
export type NewInboundMessagesRow = Insertable<InboundMessagesTable>;
export type InboundMessagesChanges = Updateable<InboundMessagesTable>;
export type InboxRow = Selectable<InboxTable>;
export type NewInboxRow = Insertable<InboxTable>;
export type InboxChanges = Updateable<InboxTable>;
export type JobsRow = Selectable<JobsTable>;
export type NewJobsRow = Insertable<JobsTable>;
export type JobsChanges = Updateable<JobsTable>;
export type LeadEventsRow = Selectable<LeadEventsTable>;
export type NewLeadEventsRow = Insertable<LeadEventsTable>;
export type LeadEventsChanges = Updateable<LeadEventsTable>;
export type LeadsRow = Selectable<LeadsTable>;
export type NewLeadsRow = Insertable<LeadsTable>;
export type LeadsChanges = Updateable<LeadsTable>;
export type LeasesRow = Selectable<LeasesTable>;
export type NewLeasesRow = Insertable<LeasesTable>;
export type LeasesChanges = Updateable<LeasesTable>;
export type MailboxCursorsRow = Selectable<MailboxCursorsTable>;
export type NewMailboxCursorsRow = Insertable<MailboxCursorsTable>;
export type MailboxCursorsChanges = Updateable<MailboxCursorsTable>;
export type NotificationChannelsRow = Selectable<NotificationChannelsTable>;
export type NewNotificationChannelsRow = Insertable<NotificationChannelsTable>;
export type NotificationChannelsChanges = Updateable<NotificationChannelsTable>;
export type OauthStatesRow = Selectable<OauthStatesTable>;
export type NewOauthStatesRow = Insertable<OauthStatesTable>;
export type OauthStatesChanges = Updateable<OauthStatesTable>;
export type OrgFieldsRow = Selectable<OrgFieldsTable>;
export type NewOrgFieldsRow = Insertable<OrgFieldsTable>;
export type OrgFieldsChanges = Updateable<OrgFieldsTable>;
export type OrgsRow = Selectable<OrgsTable>;
export type NewOrgsRow = Insertable<OrgsTable>;
export type OrgsChanges = Updateable<OrgsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type NewOutboxRow = Insertable<OutboxTable>;
export type OutboxChanges = Updateable<OutboxTable>;
export type ReferralsRow = Selectable<ReferralsTable>;
export type NewReferralsRow = Insertable<ReferralsTable>;
export type ReferralsChanges = Updateable<ReferralsTable>;
export type ReplyExamplesRow = Selectable<ReplyExamplesTable>;
export type NewReplyExamplesRow = Insertable<ReplyExamplesTable>;
export type ReplyExamplesChanges = Updateable<ReplyExamplesTable>;
export type ReplyPhrasesRow = Selectable<ReplyPhrasesTable>;
export type NewReplyPhrasesRow = Insertable<ReplyPhrasesTable>;
export type ReplyPhrasesChanges = Updateable<ReplyPhrasesTable>;
export type SchemaMigrationsRow = Selectable<SchemaMigrationsTable>;
export type NewSchemaMigrationsRow = Insertable<SchemaMigrationsTable>;
export type SchemaMigrationsChanges = Updateable<SchemaMigrationsTable>;
export type SegmentsRow = Selectable<SegmentsTable>;
export type NewSegmentsRow = Insertable<SegmentsTable>;
export type SegmentsChanges = Updateable<SegmentsTable>;
export type SendCountsRow = Selectable<SendCountsTable>;
export type NewSendCountsRow = Insertable<SendCountsTable>;
export type SendCountsChanges = Updateable<SendCountsTable>;
export type SequenceRequestsRow = Selectable<SequenceRequestsTable>;
export type NewSequenceRequestsRow = Insertable<SequenceRequestsTable>;
export type SequenceRequestsChanges = Updateable<SequenceRequestsTable>;
export type SequenceStepsRow = Selectable<SequenceStepsTable>;
export type NewSequenceStepsRow = Insertable<SequenceStepsTable>;
export type SequenceStepsChanges = Updateable<SequenceStepsTable>;
export type SequencesRow = Selectable<SequencesTable>;
export type NewSequencesRow = Insertable<SequencesTable>;
export type SequencesChanges = Updateable<SequencesTable>;
export type SuppressionsRow = Selectable<SuppressionsTable>;
export type NewSuppressionsRow = Insertable<SuppressionsTable>;
export type SuppressionsChanges = Updateable<SuppressionsTable>;
export type SweepsRow = Selectable<SweepsTable>;
export type NewSweepsRow = Insertable<SweepsTable>;
export type SweepsChanges = Updateable<SweepsTable>;
export type SyncRecordsRow = Selectable<SyncRecordsTable>;
export type NewSyncRecordsRow = Insertable<SyncRecordsTable>;
export type SyncRecordsChanges = Updateable<SyncRecordsTable>;
export type SyncRunsRow = Selectable<SyncRunsTable>;
export type NewSyncRunsRow = Insertable<SyncRunsTable>;
export type SyncRunsChanges = Updateable<SyncRunsTable>;
export type WidgetKeysRow = Selectable<WidgetKeysTable>;
export type NewWidgetKeysRow = Insertable<WidgetKeysTable>;
export type WidgetKeysChanges = Updateable<WidgetKeysTable>;
export type ZohoTokensRow = Selectable<ZohoTokensTable>;
export type NewZohoTokensRow = Insertable<ZohoTokensTable>;
export type ZohoTokensChanges = Updateable<ZohoTokensTable>;
