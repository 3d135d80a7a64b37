import type { Db } from '../db/open-db.js';

/** Why an address may not be emailed. Every send checks the list; nothing overrides it. */
export type SuppressionReason = 'unsubscribed' | 'not_interested' | 'bounced' | 'zoho_opt_out' | 'moved_out' | 'retired' | 'manual';

export interface Suppression {
  email: string;
  reason: SuppressionReason;
  source: string;
  created_at: number;
}

/** Adds an address (lower case) to the org's list; answers false when it was already there. */
export function suppress(db: Db, orgId: string, email: string, reason: SuppressionReason, source: string, now: number): boolean {
  return db.prepare('INSERT INTO suppressions (org_id, email, reason, source, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (org_id, email) DO NOTHING').run(orgId, email.trim().toLowerCase(), reason, source, now).changes === 1;
}

export function findSuppression(db: Db, orgId: string, email: string): Suppression | undefined {
  return db.prepare('SELECT email, reason, source, created_at FROM suppressions WHERE org_id = ? AND email = ?').get(orgId, email.trim().toLowerCase()) as Suppression | undefined;
}

export function listSuppressions(db: Db, orgId: string, limit = 100, offset = 0): Suppression[] {
  return db.prepare('SELECT email, reason, source, created_at FROM suppressions WHERE org_id = ? ORDER BY created_at DESC, email LIMIT ? OFFSET ?').all(orgId, limit, offset) as Suppression[];
}

export function unsuppress(db: Db, orgId: string, email: string): boolean {
  return db.prepare('DELETE FROM suppressions WHERE org_id = ? AND email = ?').run(orgId, email.trim().toLowerCase()).changes === 1;
}

/** The lead state a suppressed address ends in. */
export function stateForSuppression(reason: SuppressionReason): 'Unsubscribed' | 'Deactivated' {
  return reason === 'unsubscribed' || reason === 'zoho_opt_out' || reason === 'manual' ? 'Unsubscribed' : 'Deactivated';
}
