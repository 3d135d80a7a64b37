import { afterEach, describe, expect, it } from 'vitest';
import { SqliteTokenVault } from '../../server/src/auth/token-vault.js';
import { getOrg, upsertAuthorizedOrg } from '../../server/src/db/orgs.js';
import type { Store } from '../../server/src/db/store.js';
import { ManualClock } from '../../server/src/lib/clock.js';
import { silentLogger } from '../../server/src/lib/logger.js';
import { TokenCipher } from '../../server/src/lib/token-cipher.js';
import { ZohoOAuthError } from '../../server/src/zoho/errors.js';
import type { TokenSet, ZohoOAuthClient } from '../../server/src/zoho/oauth-client.js';
import { TokenManager } from '../../server/src/zoho/token-manager.js';
import { testStore } from '../helpers/store.js';

/** Zoho Accounts stand-in whose answers the test releases by hand, to order events exactly. */
class ScriptedAccounts {
  readonly pending: { refreshToken: string; settle: (result: TokenSet | Error) => void }[] = [];
  refresh(_server: string, refreshToken: string): Promise<TokenSet> {
    return new Promise((resolve, reject) => {
      this.pending.push({ refreshToken, settle: (result) => (result instanceof Error ? reject(result) : resolve(result)) });
    });
  }
}

const stores: Store[] = [];

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

async function setUp() {
  const clock = new ManualClock();
  const store = await testStore();
  stores.push(store);
  const db = store.db;
  const vault = new SqliteTokenVault(db, new TokenCipher(Buffer.alloc(32, 1)), clock);
  const accounts = new ScriptedAccounts();
  const manager = new TokenManager(vault, accounts as unknown as ZohoOAuthClient, clock, silentLogger);
  const org = await upsertAuthorizedOrg(db, { zohoOrgId: '1', name: 'Org', dc: 'us', accountsServer: 'https://accounts.zoho.com', apiDomain: 'https://www.zohoapis.com', userId: '2', userEmail: 'a@b.c', scopes: '' }, clock.now());
  await vault.storeNewTokens(org.id, { refreshToken: 'R1', accessToken: 'A0', expiresAt: clock.now() - 1 });
  return { clock, db, vault, accounts, manager, org };
}

/** Lets the work the calls started run its course (the store's answers take real I/O, more so on PostgreSQL). */
const settled = () => new Promise((resolve) => setTimeout(resolve, 50));

/** Waits until the stand-in holds `count` refreshes, then a little longer, so any extra one would show too. */
async function refreshesAsked(accounts: ScriptedAccounts, count: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (accounts.pending.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  await settled();
}

describe('token manager races', () => {
  it('a refused refresh of a token replaced meanwhile does not mark the re-authorized org expired', async () => {
    const { db, vault, accounts, manager, org, clock } = await setUp();
    const call = manager.accessToken(org.id);
    await refreshesAsked(accounts, 1);
    expect(accounts.pending.map((entry) => entry.refreshToken)).toEqual(['R1']);
    // The admin re-authorizes while the old refresh is in flight; R1 is revoked.
    await vault.storeNewTokens(org.id, { refreshToken: 'R2', accessToken: 'A2', expiresAt: clock.now() + 3_600_000 });
    accounts.pending[0]!.settle(new ZohoOAuthError('invalid_code'));
    await settled();
    expect((await getOrg(db, org.id))!.status).toBe('active');
    // The retry finds the fresh access token and uses it without another refresh.
    expect(await call).toBe('A2');
    expect(accounts.pending).toHaveLength(1);
  });

  it('a late successful refresh does not overwrite the token of a re-authorization', async () => {
    const { vault, accounts, manager, org, clock } = await setUp();
    const call = manager.accessToken(org.id);
    await refreshesAsked(accounts, 1);
    await vault.storeNewTokens(org.id, { refreshToken: 'R2', accessToken: 'A2', expiresAt: clock.now() + 3_600_000 });
    accounts.pending[0]!.settle({ accessToken: 'A1-late', refreshToken: null, expiresInMs: 3_600_000, apiDomain: null, scope: null });
    expect(await call).toBe('A2');
    expect((await vault.load(org.id))!.accessToken).toBe('A2');
  });

  it('a refused refresh of the current token marks the org expired, once, for every waiting call', async () => {
    const { db, accounts, manager, org } = await setUp();
    const calls = [manager.accessToken(org.id), manager.accessToken(org.id), manager.accessToken(org.id)];
    await refreshesAsked(accounts, 1);
    expect(accounts.pending).toHaveLength(1);
    accounts.pending[0]!.settle(new ZohoOAuthError('invalid_code'));
    for (const call of calls) await expect(call).rejects.toThrow(/refused the refresh token/);
    expect(await getOrg(db, org.id)).toMatchObject({ status: 'authorization_expired', status_reason: expect.stringContaining('invalid_code') });
  });

  it('a token sealed under a retired key reads as no authorization, not as a crash', async () => {
    const { db, org, clock } = await setUp();
    const rotated = new SqliteTokenVault(db, new TokenCipher(Buffer.alloc(32, 2)), clock);
    expect(await rotated.load(org.id)).toBeUndefined();
    expect(await rotated.refreshTokenOf(org.id)).toBeUndefined();
    const withPrevious = new SqliteTokenVault(db, new TokenCipher(Buffer.alloc(32, 2), [Buffer.alloc(32, 1)]), clock);
    expect(await withPrevious.refreshTokenOf(org.id)).toBe('R1');
  });
});
