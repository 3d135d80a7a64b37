import type { OrgConnection } from '../zoho/gateway.js';
import { randomUUID } from 'node:crypto';
import type { Db } from './open-db.js';

export type OrgStatus = 'active' | 'authorization_expired' | 'disconnected';

export interface OrgRow {
  id: string;
  zoho_org_id: string;
  name: string;
  dc: string;
  accounts_server: string;
  api_domain: string;
  status: OrgStatus;
  authorized_by_user_id: string;
  authorized_by_email: string;
  scopes: string;
  authorized_at: number;
  status_reason: string | null;
  last_notification_at: number | null;
  /** JSON array of the widget origins the org's settings tab authorized from (admin sessions go only there). */
  widget_origins: string;
  created_at: number;
  updated_at: number;
}

export interface AuthorizedOrg {
  zohoOrgId: string;
  name: string;
  dc: string;
  accountsServer: string;
  apiDomain: string;
  userId: string;
  userEmail: string;
  scopes: string;
}

/** Creates the org on first authorization, or brings it back to active with the new details. */
export function upsertAuthorizedOrg(db: Db, input: AuthorizedOrg, now: number): OrgRow {
  const existing = findOrgByZohoId(db, input.zohoOrgId);
  const id = existing?.id ?? randomUUID();
  db.prepare(
    `INSERT INTO orgs (id, zoho_org_id, name, dc, accounts_server, api_domain, status, authorized_by_user_id,
       authorized_by_email, scopes, authorized_at, status_reason, created_at, updated_at)
     VALUES (@id, @zohoOrgId, @name, @dc, @accountsServer, @apiDomain, 'active', @userId, @userEmail, @scopes, @now, NULL, @now, @now)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, dc = excluded.dc, accounts_server = excluded.accounts_server,
       api_domain = excluded.api_domain, status = 'active', authorized_by_user_id = excluded.authorized_by_user_id,
       authorized_by_email = excluded.authorized_by_email, scopes = excluded.scopes, authorized_at = excluded.authorized_at,
       status_reason = NULL, updated_at = excluded.updated_at`,
  ).run({ ...input, id, now });
  return getOrg(db, id)!;
}

/** Remembers the origin of the org's settings tab, as it was when an administrator authorized the backend. */
export function registerWidgetOrigin(db: Db, id: string, origin: string): void {
  const row = db.prepare('SELECT widget_origins FROM orgs WHERE id = ?').get(id) as { widget_origins: string } | undefined;
  if (!row) return;
  const origins = (JSON.parse(row.widget_origins) as string[]).filter((known) => known !== origin);
  db.prepare('UPDATE orgs SET widget_origins = ? WHERE id = ?').run(JSON.stringify([origin, ...origins].slice(0, 10)), id);
}

export function widgetOriginsOf(org: Pick<OrgRow, 'widget_origins'>): string[] {
  return JSON.parse(org.widget_origins) as string[];
}

export function getOrg(db: Db, id: string): OrgRow | undefined {
  return db.prepare('SELECT * FROM orgs WHERE id = ?').get(id) as OrgRow | undefined;
}

export function findOrgByZohoId(db: Db, zohoOrgId: string): OrgRow | undefined {
  return db.prepare('SELECT * FROM orgs WHERE zoho_org_id = ?').get(zohoOrgId) as OrgRow | undefined;
}

export function listActiveOrgs(db: Db): OrgRow[] {
  return db.prepare("SELECT * FROM orgs WHERE status = 'active' ORDER BY created_at").all() as OrgRow[];
}

export function setOrgStatus(db: Db, id: string, status: OrgStatus, reason: string | null, now: number): void {
  db.prepare('UPDATE orgs SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?').run(status, reason, now, id);
}

export function recordNotification(db: Db, id: string, now: number): void {
  db.prepare('UPDATE orgs SET last_notification_at = ? WHERE id = ?').run(now, id);
}

/** How the gateway reaches the org's Zoho (its API domain and accounts server). */
export function connectionOf(org: OrgRow): OrgConnection {
  return { orgId: org.id, apiDomain: org.api_domain, accountsServer: org.accounts_server };
}
