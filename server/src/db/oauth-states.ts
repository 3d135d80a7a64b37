import type { Db } from './open-db.js';

export type OAuthPurpose = 'connect' | 'admin';

export interface OAuthStateRow {
  state_hash: string;
  browser_binding_hash: string;
  purpose: OAuthPurpose;
  /** The settings tab's origin, which receives the admin session by postMessage. */
  opener_origin: string | null;
  /** The org whose settings-tab ticket the start carried, if any. */
  ticket_org_id: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export function saveOAuthState(db: Db, row: Omit<OAuthStateRow, 'used_at'>): void {
  db.prepare('DELETE FROM oauth_states WHERE expires_at < ?').run(row.created_at);
  db.prepare(
    `INSERT INTO oauth_states (state_hash, browser_binding_hash, purpose, opener_origin, ticket_org_id, created_at, expires_at, used_at)
     VALUES (@state_hash, @browser_binding_hash, @purpose, @opener_origin, @ticket_org_id, @created_at, @expires_at, NULL)`,
  ).run(row);
}

export function countLiveOAuthStates(db: Db, now: number): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM oauth_states WHERE expires_at > ? AND used_at IS NULL').get(now) as { n: number }).n;
}

/** Live sign-ins started with a ticket of this org. */
export function countTicketedStarts(db: Db, orgId: string, now: number): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM oauth_states WHERE ticket_org_id = ? AND expires_at > ? AND used_at IS NULL').get(orgId, now) as { n: number }).n;
}

/** Marks a state used and answers it, or undefined when it is unknown, used or expired. */
export function consumeOAuthState(db: Db, stateHash: string, now: number): OAuthStateRow | undefined {
  const row = db.prepare('SELECT * FROM oauth_states WHERE state_hash = ?').get(stateHash) as OAuthStateRow | undefined;
  if (!row || row.used_at !== null || row.expires_at <= now) return undefined;
  const changed = db.prepare('UPDATE oauth_states SET used_at = ? WHERE state_hash = ? AND used_at IS NULL').run(now, stateHash).changes;
  return changed === 1 ? row : undefined;
}
