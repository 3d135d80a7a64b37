import { sql } from 'kysely';
import type { OauthStatesRow } from './schema.js';
import { type Db, dialectOf } from './store.js';

export type OAuthPurpose = 'connect' | 'admin';

/**
 * A started sign-in. `opener_origin` is the settings tab's origin, which receives the admin
 * session by postMessage; `ticket_org_id` the org whose settings-tab ticket the start carried, if any.
 */
export type OAuthStateRow = Omit<OauthStatesRow, 'purpose'> & { purpose: OAuthPurpose };

/**
 * Inside a transaction: makes other writers of sign-in states wait until it ends, so a count and
 * the insert it allows are one step (PostgreSQL; a SQLite transaction already holds the write lock).
 */
export async function lockOAuthStates(tx: Db): Promise<void> {
  if (dialectOf(tx) === 'postgres') await sql`LOCK TABLE oauth_states IN SHARE ROW EXCLUSIVE MODE`.execute(tx);
}

/** Stores a new state, first dropping the expired ones. */
export async function saveOAuthState(db: Db, row: Omit<OAuthStateRow, 'used_at'>): Promise<void> {
  await db.deleteFrom('oauth_states').where('expires_at', '<', row.created_at).execute();
  await db.insertInto('oauth_states').values({ ...row, used_at: null }).execute();
}

export async function countLiveOAuthStates(db: Db, now: number): Promise<number> {
  const row = await db
    .selectFrom('oauth_states')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('expires_at', '>', now)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return row.n;
}

/** Live sign-ins started with a ticket of this org. */
export async function countTicketedStarts(db: Db, orgId: string, now: number): Promise<number> {
  const row = await db
    .selectFrom('oauth_states')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('ticket_org_id', '=', orgId)
    .where('expires_at', '>', now)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return row.n;
}

/**
 * Marks a state used and answers it, or undefined when it is unknown, used or expired. One
 * conditional update, so of two callbacks with one state only one gets it.
 */
export async function consumeOAuthState(db: Db, stateHash: string, now: number): Promise<OAuthStateRow | undefined> {
  const used = await db
    .updateTable('oauth_states')
    .set({ used_at: now })
    .where('state_hash', '=', stateHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .$narrowType<{ purpose: OAuthPurpose }>()
    .executeTakeFirst();
  // The caller sees the state as it was when it was taken.
  return used ? { ...used, used_at: null } : undefined;
}
