import type { ZohoTokensRow } from './schema.js';
import { type Db, dialectOf } from './store.js';

/** Zoho tokens as stored: sealed (encrypted) strings only; the cipher lives with the caller. */
export type SealedTokens = ZohoTokensRow;

/** Stores an org's tokens, replacing any it had. */
export async function saveSealedTokens(db: Db, row: SealedTokens): Promise<void> {
  await db
    .insertInto('zoho_tokens')
    .values(row)
    .onConflict((oc) =>
      oc.column('org_id').doUpdateSet((eb) => ({
        refresh_token_sealed: eb.ref('excluded.refresh_token_sealed'),
        access_token_sealed: eb.ref('excluded.access_token_sealed'),
        access_expires_at: eb.ref('excluded.access_expires_at'),
        refreshed_at: eb.ref('excluded.refreshed_at'),
        created_at: eb.ref('excluded.created_at'),
      })),
    )
    .execute();
}

export async function saveSealedAccessToken(db: Db, orgId: string, accessSealed: string, expiresAt: number, now: number): Promise<void> {
  await db
    .updateTable('zoho_tokens')
    .set({ access_token_sealed: accessSealed, access_expires_at: expiresAt, refreshed_at: now })
    .where('org_id', '=', orgId)
    .execute();
}

export async function loadSealedTokens(db: Db, orgId: string): Promise<SealedTokens | undefined> {
  return db.selectFrom('zoho_tokens').selectAll().where('org_id', '=', orgId).executeTakeFirst();
}

/**
 * The org's tokens, read inside a transaction with their row locked until it ends, so a
 * re-authorization cannot replace them between this read and the caller's write (PostgreSQL;
 * a SQLite transaction already holds the write lock).
 */
export async function lockSealedTokens(tx: Db, orgId: string): Promise<SealedTokens | undefined> {
  const query = tx.selectFrom('zoho_tokens').selectAll().where('org_id', '=', orgId);
  return (dialectOf(tx) === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
}

export async function deleteTokens(db: Db, orgId: string): Promise<void> {
  await db.deleteFrom('zoho_tokens').where('org_id', '=', orgId).execute();
}
