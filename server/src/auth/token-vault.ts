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

  refreshTokenOf(orgId: string): string | undefined {
    const sealed = loadSealedTokens(this.db, orgId);
    return sealed ? this.cipher.decrypt(sealed.refresh_token_sealed, this.aad(orgId, 'refresh')) : undefined;
  }

  load(orgId: string) {
    const org = getOrg(this.db, orgId);
    const sealed = loadSealedTokens(this.db, orgId);
    if (!org || !sealed) return undefined;
    return {
      accountsServer: org.accounts_server,
      refreshToken: this.cipher.decrypt(sealed.refresh_token_sealed, this.aad(orgId, 'refresh')),
      accessToken: sealed.access_token_sealed ? this.cipher.decrypt(sealed.access_token_sealed, this.aad(orgId, 'access')) : null,
      accessExpiresAt: sealed.access_expires_at,
      active: org.status === 'active',
    };
  }

  saveAccessToken(orgId: string, accessToken: string, expiresAt: number): void {
    saveSealedAccessToken(this.db, orgId, this.cipher.encrypt(accessToken, this.aad(orgId, 'access')), expiresAt, this.clock.now());
  }

  markAuthorizationLost(orgId: string, reason: string): void {
    setOrgStatus(this.db, orgId, 'authorization_expired', reason, this.clock.now());
  }
}
