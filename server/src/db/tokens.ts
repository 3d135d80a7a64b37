import type { Db } from './open-db.js';

/** Zoho tokens as stored: sealed (encrypted) strings only; the cipher lives with the caller. */
export interface SealedTokens {
  org_id: string;
  refresh_token_sealed: string;
  access_token_sealed: string | null;
  access_expires_at: number | null;
  refreshed_at: number | null;
  created_at: number;
}

export function saveSealedTokens(db: Db, row: SealedTokens): void {
  db.prepare(
    `INSERT INTO zoho_tokens (org_id, refresh_token_sealed, access_token_sealed, access_expires_at, refreshed_at, created_at)
     VALUES (@org_id, @refresh_token_sealed, @access_token_sealed, @access_expires_at, @refreshed_at, @created_at)
     ON CONFLICT (org_id) DO UPDATE SET refresh_token_sealed = excluded.refresh_token_sealed,
       access_token_sealed = excluded.access_token_sealed, access_expires_at = excluded.access_expires_at,
       refreshed_at = excluded.refreshed_at, created_at = excluded.created_at`,
  ).run(row);
}

export function saveSealedAccessToken(db: Db, orgId: string, accessSealed: string, expiresAt: number, now: number): void {
  db.prepare('UPDATE zoho_tokens SET access_token_sealed = ?, access_expires_at = ?, refreshed_at = ? WHERE org_id = ?').run(
    accessSealed,
    expiresAt,
    now,
    orgId,
  );
}

export function loadSealedTokens(db: Db, orgId: string): SealedTokens | undefined {
  return db.prepare('SELECT * FROM zoho_tokens WHERE org_id = ?').get(orgId) as SealedTokens | undefined;
}

export function deleteTokens(db: Db, orgId: string): void {
  db.prepare('DELETE FROM zoho_tokens WHERE org_id = ?').run(orgId);
}
