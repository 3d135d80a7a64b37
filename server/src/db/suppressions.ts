import type { Db } from './store.js';

/** Why an address may not be emailed. Every send checks the list; nothing overrides it. */
export const SUPPRESSION_REASONS = ['unsubscribed', 'not_interested', 'bounced', 'zoho_opt_out', 'moved_out', 'retired', 'manual'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export interface Suppression {
  email: string;
  reason: SuppressionReason;
  source: string;
  created_at: number;
}

/** A stored reason; one this code does not know (never written by it) counts as a manual suppression. */
function reasonOf(stored: string): SuppressionReason {
  return SUPPRESSION_REASONS.find((reason) => reason === stored) ?? 'manual';
}

function normalized(email: string): string {
  return email.trim().toLowerCase();
}

/** Adds an address (lower case) to the org's list; answers false when it was already there. */
export async function suppress(db: Db, orgId: string, email: string, reason: SuppressionReason, source: string, now: number): Promise<boolean> {
  const result = await db
    .insertInto('suppressions')
    .values({ org_id: orgId, email: normalized(email), reason, source, created_at: now })
    .onConflict((oc) => oc.columns(['org_id', 'email']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findSuppression(db: Db, orgId: string, email: string): Promise<Suppression | undefined> {
  const row = await db.selectFrom('suppressions').select(['email', 'reason', 'source', 'created_at']).where('org_id', '=', orgId).where('email', '=', normalized(email)).executeTakeFirst();
  return row && { ...row, reason: reasonOf(row.reason) };
}

/** Which of these addresses are suppressed, keyed by the address as given (one query per 500 addresses, not one each). */
export async function findSuppressions(db: Db, orgId: string, emails: readonly string[]): Promise<Map<string, Suppression>> {
  const found = new Map<string, Suppression>();
  const wanted = [...new Set(emails.map(normalized))];
  for (let start = 0; start < wanted.length; start += 500) {
    const rows = await db.selectFrom('suppressions').select(['email', 'reason', 'source', 'created_at']).where('org_id', '=', orgId).where('email', 'in', wanted.slice(start, start + 500)).execute();
    for (const row of rows) found.set(row.email, { ...row, reason: reasonOf(row.reason) });
  }
  return new Map(emails.flatMap((email) => (found.has(normalized(email)) ? [[email, found.get(normalized(email))!] as const] : [])));
}

/** The org's list, newest first. */
export async function listSuppressions(db: Db, orgId: string, limit = 100, offset = 0): Promise<Suppression[]> {
  const rows = await db
    .selectFrom('suppressions')
    .select(['email', 'reason', 'source', 'created_at'])
    .where('org_id', '=', orgId)
    .orderBy('created_at', 'desc')
    .orderBy('email')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map((row) => ({ ...row, reason: reasonOf(row.reason) }));
}

/** Takes an address off the list; answers false when it was not on it. */
export async function unsuppress(db: Db, orgId: string, email: string): Promise<boolean> {
  const result = await db.deleteFrom('suppressions').where('org_id', '=', orgId).where('email', '=', normalized(email)).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** The lead state a suppressed address ends in. */
export function stateForSuppression(reason: SuppressionReason): 'Unsubscribed' | 'Deactivated' {
  return reason === 'unsubscribed' || reason === 'zoho_opt_out' || reason === 'manual' ? 'Unsubscribed' : 'Deactivated';
}
