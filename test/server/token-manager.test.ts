import { describe, expect, it } from 'vitest';
import { SqliteTokenVault } from '../../server/src/auth/token-vault.js';
import { appMigrations } from '../../server/src/db/migrations.js';
import { openDb } from '../../server/src/db/open-db.js';
import { getOrg, upsertAuthorizedOrg } from '../../server/src/db/orgs.js';
import { ManualClock } from '../../server/src/lib/clock.js';
import { silentLogger } from '../../server/src/lib/logger.js';
import { TokenCipher } from '../../server/src/lib/token-cipher.js';
import { ZohoOAuthError } from '../../server/src/zoho/errors.js';
import type { TokenSet, ZohoOAuthClient } from '../../server/src/zoho/oauth-client.js';
import { TokenManager } from '../../server/src/zoho/token-manager.js';

/** Zoho Accounts stand-in whose answers the test releases by hand, to order events exactly. */
class ScriptedAccounts {
  readonly pending: { refreshToken: string; settle: (result: TokenSet | Error) => void }[] = [];
  refresh(_server: string, refreshToken: string): Promise<TokenSet> {
    return new Promise((resolve, reject) => {
      this.pending.push({ refreshToken, settle: (result) => (result instanceof Error ? reject(result) : resolve(result)) });
    });
  }
}

function setUp() {
  const clock = new ManualClock();
  const db = openDb(':memory:', appMigrations);
  const vault = new SqliteTokenVault(db, new TokenCipher(Buffer.alloc(32, 1)), clock);
  const accounts = new ScriptedAccounts();
  const manager = new TokenManager(vault, accounts as unknown as ZohoOAuthClient, clock, silentLogger);
  const org = upsertAuthorizedOrg(db, { zohoOrgId: '1', name: 'Org', dc: 'us', accountsServer: 'https://accounts.zoho.com', apiDomain: 'https://www.zohoapis.com', userId: '2', userEmail: 'a@b.c', scopes: '' }, clock.now());
  vault.storeNewTokens(org.id, { refreshToken: 'R1', accessToken: 'A0', expiresAt: clock.now() - 1 });
  return { clock, db, vault, accounts, manager, org };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('token manager races', () => {
  it('a refused refresh of a token replaced meanwhile does not mark the re-authorized org expired', async () => {
    const { db, vault, accounts, manager, org, clock } = setUp();
    const call = manager.accessToken(org.id);
    await settled();
    expect(accounts.pending.map((entry) => entry.refreshToken)).toEqual(['R1']);
    // The admin re-authorizes while the old refresh is in flight; R1 is revoked.
    vault.storeNewTokens(org.id, { refreshToken: 'R2', accessToken: 'A2', expiresAt: clock.now() + 3_600_000 });
    accounts.pending[0]!.settle(new ZohoOAuthError('invalid_code'));
    await settled();
    expect(getOrg(db, org.id)!.status).toBe('active');
    // The retry finds the fresh access token and uses it without another refresh.
    expect(await call).toBe('A2');
    expect(accounts.pending).toHaveLength(1);
  });

  it('a late successful refresh does not overwrite the token of a re-authorization', async () => {
    const { vault, accounts, manager, org, clock } = setUp();
    const call = manager.accessToken(org.id);
    await settled();
    vault.storeNewTokens(org.id, { refreshToken: 'R2', accessToken: 'A2', expiresAt: clock.now() + 3_600_000 });
    accounts.pending[0]!.settle({ accessToken: 'A1-late', refreshToken: null, expiresInMs: 3_600_000, apiDomain: null, scope: null });
    expect(await call).toBe('A2');
    expect(vault.load(org.id)!.accessToken).toBe('A2');
  });

  it('a refused refresh of the current token marks the org expired, once, for every waiting call', async () => {
    const { db, accounts, manager, org } = setUp();
    const calls = [manager.accessToken(org.id), manager.accessToken(org.id), manager.accessToken(org.id)];
    await settled();
    expect(accounts.pending).toHaveLength(1);
    accounts.pending[0]!.settle(new ZohoOAuthError('invalid_code'));
    for (const call of calls) await expect(call).rejects.toThrow(/refused the refresh token/);
    expect(getOrg(db, org.id)).toMatchObject({ status: 'authorization_expired', status_reason: expect.stringContaining('invalid_code') });
  });

  it('a token sealed under a retired key reads as no authorization, not as a crash', () => {
    const { db, org, clock } = setUp();
    const rotated = new SqliteTokenVault(db, new TokenCipher(Buffer.alloc(32, 2)), clock);
    expect(rotated.load(org.id)).toBeUndefined();
    expect(rotated.refreshTokenOf(org.id)).toBeUndefined();
    const withPrevious = new SqliteTokenVault(db, new TokenCipher(Buffer.alloc(32, 2), [Buffer.alloc(32, 1)]), clock);
    expect(withPrevious.refreshTokenOf(org.id)).toBe('R1');
  });
});
