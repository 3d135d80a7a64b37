import type { Db } from '../../db/open-db.js';

export interface ChannelRow {
  org_id: string;
  channel_id: string;
  events: string;
  notify_url: string;
  token: string | null;
  expires_at: number;
  return_affected_field_values: number;
  notify_on_related_action: number;
  notification_condition: string | null;
  created_time: number;
}

export interface DeliveryRow {
  id: number;
  org_id: string;
  channel_id: string;
  notify_url: string;
  body: string;
  status: number | null;
  response_body: string | null;
  error: string | null;
  sent_at: number;
  duration_ms: number | null;
}

export function getChannel(db: Db, orgId: string, channelId: string): ChannelRow | undefined {
  return db.prepare('SELECT * FROM channels WHERE org_id = ? AND channel_id = ?').get(orgId, channelId) as ChannelRow | undefined;
}

export function listChannels(db: Db, orgId: string): ChannelRow[] {
  return db.prepare('SELECT * FROM channels WHERE org_id = ? ORDER BY created_time, channel_id').all(orgId) as ChannelRow[];
}

export function upsertChannel(db: Db, row: ChannelRow): void {
  db.prepare(
    `INSERT INTO channels (org_id, channel_id, events, notify_url, token, expires_at, return_affected_field_values,
       notify_on_related_action, notification_condition, created_time)
     VALUES (@org_id, @channel_id, @events, @notify_url, @token, @expires_at, @return_affected_field_values,
       @notify_on_related_action, @notification_condition, @created_time)
     ON CONFLICT (org_id, channel_id) DO UPDATE SET events = excluded.events, notify_url = excluded.notify_url,
       token = excluded.token, expires_at = excluded.expires_at,
       return_affected_field_values = excluded.return_affected_field_values,
       notify_on_related_action = excluded.notify_on_related_action,
       notification_condition = excluded.notification_condition`,
  ).run(row);
}

export function deleteChannel(db: Db, orgId: string, channelId: string): void {
  db.prepare('DELETE FROM channels WHERE org_id = ? AND channel_id = ?').run(orgId, channelId);
}

export function channelEvents(channel: ChannelRow): string[] {
  return JSON.parse(channel.events) as string[];
}

export function recordDeliveryStart(db: Db, row: Omit<DeliveryRow, 'id' | 'status' | 'response_body' | 'error' | 'duration_ms'>): number {
  const result = db
    .prepare('INSERT INTO deliveries (org_id, channel_id, notify_url, body, sent_at) VALUES (?, ?, ?, ?, ?)')
    .run(row.org_id, row.channel_id, row.notify_url, row.body, row.sent_at);
  return Number(result.lastInsertRowid);
}

export function recordDeliveryResult(
  db: Db,
  id: number,
  result: { status: number | null; responseBody: string | null; error: string | null; durationMs: number },
): void {
  db.prepare('UPDATE deliveries SET status = ?, response_body = ?, error = ?, duration_ms = ? WHERE id = ?').run(
    result.status,
    result.responseBody,
    result.error,
    result.durationMs,
    id,
  );
}

export function listDeliveries(db: Db, orgId: string): DeliveryRow[] {
  return db.prepare('SELECT * FROM deliveries WHERE org_id = ? ORDER BY id').all(orgId) as DeliveryRow[];
}
