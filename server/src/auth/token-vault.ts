import type { Db } from '../db/open-db.js';
import { getOrg, setOrgStatus } from '../db/orgs.js';
import { loadSealedTokens, saveSealedAccessToken, saveSealedTokens } from '../db/tokens.js';
import type { Clock } from '../lib/clock.js';
import type { TokenCipher } from '../lib/token-cipher.js';
import type { TokenVault } from '../zoho/token-manager.js';

/** The org's refresh and access tokens, sealed with AES-256-GCM bound to the org's id. */
export class SqliteTokenVault implements TokenVault {
  constructor(
    private readonly db: Db,
    private readonly cipher: TokenCipher,
    private readonly clock: Clock,
  ) {}

  private aad(orgId: string, kind: 'refresh' | 'access'): string {
    return `${orgId}:zoho_${kind}_token`;
  }

  storeNewTokens(orgId: string, tokens: { refreshToken: string; accessToken: string; expiresAt: number }): void {
    const now = this.clock.now();
    saveSealedTokens(this.db, {
      org_id: orgId,
      refresh_token_sealed: this.cipher.encrypt(tokens.refreshToken, this.aad(orgId, 'refresh')),
      access_token_sealed: this.cipher.encrypt(tokens.accessToken, this.aad(orgId, 'access')),
      access_expires_at: tokens.expiresAt,
      refreshed_at: now,
      created_at: now,
    });
  }

  /** The refresh token, or undefined when none is stored or no configured key opens it. */
  refreshTokenOf(orgId: string): string | undefined {
    const sealed = loadSealedTokens(this.db, orgId);
    return sealed ? this.cipher.tryDecrypt(sealed.refresh_token_sealed, this.aad(orgId, 'refresh')) : undefined;
  }

  load(orgId: string) {
    const org = getOrg(this.db, orgId);
    const sealed = loadSealedTokens(this.db, orgId);
    if (!org || !sealed) return undefined;
    const refreshToken = this.cipher.tryDecrypt(sealed.refresh_token_sealed, this.aad(orgId, 'refresh'));
    // Sealed under a key we no longer hold: as good as no authorization.
    if (refreshToken === undefined) return undefined;
    return {
      accountsServer: org.accounts_server,
      refreshToken,
      accessToken: sealed.access_token_sealed ? (this.cipher.tryDecrypt(sealed.access_token_sealed, this.aad(orgId, 'access')) ?? null) : null,
      accessExpiresAt: sealed.access_expires_at,
      active: org.status === 'active',
    };
  }

  /** True while the org is active and still holds `refreshToken` (not re-authorized meanwhile). */
  private stillCurrent(orgId: string, refreshToken: string): boolean {
    return getOrg(this.db, orgId)?.status === 'active' && this.refreshTokenOf(orgId) === refreshToken;
  }

  saveAccessToken(orgId: string, accessToken: string, expiresAt: number, refreshToken: string): boolean {
    return this.db.transaction(() => {
      if (!this.stillCurrent(orgId, refreshToken)) return false;
      saveSealedAccessToken(this.db, orgId, this.cipher.encrypt(accessToken, this.aad(orgId, 'access')), expiresAt, this.clock.now());
      return true;
    })();
  }

  markAuthorizationLost(orgId: string, reason: string, refreshToken: string): boolean {
    return this.db.transaction(() => {
      if (!this.stillCurrent(orgId, refreshToken)) return false;
      setOrgStatus(this.db, orgId, 'authorization_expired', reason, this.clock.now());
      return true;
    })();
  }
}
