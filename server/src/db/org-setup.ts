import type { Db } from './open-db.js';

/** What the authorization left in Zoho for an org: resolved field API names, channel, widget key. */

export type FieldRole = 'context' | 'sequence' | 'status';

export interface OrgFieldRow {
  org_id: string;
  module: string;
  role: FieldRole;
  api_name: string;
  field_label: string;
  data_type: string;
}

export function saveOrgField(db: Db, row: OrgFieldRow): void {
  db.prepare(
    `INSERT INTO org_fields (org_id, module, role, api_name, field_label, data_type)
     VALUES (@org_id, @module, @role, @api_name, @field_label, @data_type)
     ON CONFLICT (org_id, module, role) DO UPDATE SET api_name = excluded.api_name, field_label = excluded.field_label,
       data_type = excluded.data_type`,
  ).run(row);
}

export function listOrgFields(db: Db, orgId: string): OrgFieldRow[] {
  return db.prepare('SELECT * FROM org_fields WHERE org_id = ? ORDER BY module, role').all(orgId) as OrgFieldRow[];
}

export interface ChannelRow {
  org_id: string;
  channel_id: string;
  token_sealed: string;
  events: string;
  expires_at: number;
  renewed_at: number;
}

export function saveChannel(db: Db, row: ChannelRow): void {
  db.prepare(
    `INSERT INTO notification_channels (org_id, channel_id, token_sealed, events, expires_at, renewed_at)
     VALUES (@org_id, @channel_id, @token_sealed, @events, @expires_at, @renewed_at)
     ON CONFLICT (org_id) DO UPDATE SET channel_id = excluded.channel_id, token_sealed = excluded.token_sealed,
       events = excluded.events, expires_at = excluded.expires_at, renewed_at = excluded.renewed_at`,
  ).run(row);
}

export function getChannelOfOrg(db: Db, orgId: string): ChannelRow | undefined {
  return db.prepare('SELECT * FROM notification_channels WHERE org_id = ?').get(orgId) as ChannelRow | undefined;
}

export function findChannel(db: Db, channelId: string): ChannelRow | undefined {
  return db.prepare('SELECT * FROM notification_channels WHERE channel_id = ?').get(channelId) as ChannelRow | undefined;
}

export function channelsExpiringBefore(db: Db, before: number): ChannelRow[] {
  return db
    .prepare(
      `SELECT c.* FROM notification_channels c JOIN orgs o ON o.id = c.org_id
       WHERE o.status = 'active' AND c.expires_at < ? ORDER BY c.expires_at`,
    )
    .all(before) as ChannelRow[];
}

export function deleteChannelOfOrg(db: Db, orgId: string): void {
  db.prepare('DELETE FROM notification_channels WHERE org_id = ?').run(orgId);
}

export function setWidgetKeyHash(db: Db, orgId: string, keyHash: string, now: number): void {
  db.prepare(
    `INSERT INTO widget_keys (org_id, key_hash, created_at) VALUES (?, ?, ?)
     ON CONFLICT (org_id) DO UPDATE SET key_hash = excluded.key_hash, created_at = excluded.created_at`,
  ).run(orgId, keyHash, now);
}

export function findOrgIdByWidgetKeyHash(db: Db, keyHash: string): string | undefined {
  const row = db.prepare('SELECT org_id FROM widget_keys WHERE key_hash = ?').get(keyHash) as { org_id: string } | undefined;
  return row?.org_id;
}

export function deleteWidgetKey(db: Db, orgId: string): void {
  db.prepare('DELETE FROM widget_keys WHERE org_id = ?').run(orgId);
}
