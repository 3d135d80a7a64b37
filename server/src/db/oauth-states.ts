import type { Db } from './open-db.js';

export interface OAuthStateRow {
  state_hash: string;
  browser_binding_hash: string;
  return_to: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export function saveOAuthState(db: Db, row: Omit<OAuthStateRow, 'used_at'>): void {
  db.prepare(
    `INSERT INTO oauth_states (state_hash, browser_binding_hash, return_to, created_at, expires_at, used_at)
     VALUES (@state_hash, @browser_binding_hash, @return_to, @created_at, @expires_at, NULL)`,
  ).run(row);
  db.prepare('DELETE FROM oauth_states WHERE expires_at < ?').run(row.created_at - 24 * 60 * 60 * 1000);
}

/** Marks a state used and answers it, or undefined when it is unknown, used or expired. */
export function consumeOAuthState(db: Db, stateHash: string, now: number): OAuthStateRow | undefined {
  const row = db.prepare('SELECT * FROM oauth_states WHERE state_hash = ?').get(stateHash) as OAuthStateRow | undefined;
  if (!row || row.used_at !== null || row.expires_at <= now) return undefined;
  const changed = db.prepare('UPDATE oauth_states SET used_at = ? WHERE state_hash = ? AND used_at IS NULL').run(now, stateHash).changes;
  return changed === 1 ? row : undefined;
}
