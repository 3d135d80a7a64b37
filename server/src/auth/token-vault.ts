import { getOrg, setOrgStatus } from '../db/orgs.js';
import { type Db, transaction } from '../db/store.js';
import { type SealedTokens, loadSealedTokens, lockSealedTokens, saveSealedAccessToken, saveSealedTokens } from '../db/tokens.js';
import type { Clock } from '../lib/clock.js';
import type { TokenCipher } from '../lib/token-cipher.js';
import type { TokenVault } from '../zoho/token-manager.js';

/**
 * The org's refresh and access tokens, sealed with AES-256-GCM bound to the org's id, in the
 * store (SQLite or PostgreSQL; the name is older than the choice).
 */
export class SqliteTokenVault implements TokenVault {
  constructor(
    private readonly db: Db,
    private readonly cipher: TokenCipher,
    private readonly clock: Clock,
  ) {}

  private aad(orgId: string, kind: 'refresh' | 'access'): string {
    return `${orgId}:zoho_${kind}_token`;
  }

  /** Stores an org's new tokens; `db` is the caller's transaction when the tokens go in with the org. */
  async storeNewTokens(orgId: string, tokens: { refreshToken: string; accessToken: string; expiresAt: number }, db: Db = this.db): Promise<void> {
    const now = this.clock.now();
    await saveSealedTokens(db, {
      org_id: orgId,
      refresh_token_sealed: this.cipher.encrypt(tokens.refreshToken, this.aad(orgId, 'refresh')),
      access_token_sealed: this.cipher.encrypt(tokens.accessToken, this.aad(orgId, 'access')),
      access_expires_at: tokens.expiresAt,
      refreshed_at: now,
      created_at: now,
    });
  }

  /** The refresh token, or undefined when none is stored or no configured key opens it. */
  async refreshTokenOf(orgId: string): Promise<string | undefined> {
    return this.refreshTokenIn(orgId, await loadSealedTokens(this.db, orgId));
  }

  private refreshTokenIn(orgId: string, sealed: SealedTokens | undefined): string | undefined {
    return sealed ? this.cipher.tryDecrypt(sealed.refresh_token_sealed, this.aad(orgId, 'refresh')) : undefined;
  }

  async load(orgId: string) {
    const org = await getOrg(this.db, orgId);
    const sealed = await loadSealedTokens(this.db, orgId);
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

  /**
   * True while the org is active and still holds `refreshToken` (not re-authorized meanwhile).
   * Runs in the caller's transaction and locks the tokens' row, so no re-authorization lands
   * between this check and the caller's write.
   */
  private async stillCurrent(tx: Db, orgId: string, refreshToken: string): Promise<boolean> {
    const sealed = await lockSealedTokens(tx, orgId);
    return (await getOrg(tx, orgId))?.status === 'active' && this.refreshTokenIn(orgId, sealed) === refreshToken;
  }

  async saveAccessToken(orgId: string, accessToken: string, expiresAt: number, refreshToken: string): Promise<boolean> {
    return transaction(this.db, async (tx) => {
      if (!(await this.stillCurrent(tx, orgId, refreshToken))) return false;
      await saveSealedAccessToken(tx, orgId, this.cipher.encrypt(accessToken, this.aad(orgId, 'access')), expiresAt, this.clock.now());
      return true;
    });
  }

  async markAuthorizationLost(orgId: string, reason: string, refreshToken: string): Promise<boolean> {
    return transaction(this.db, async (tx) => {
      if (!(await this.stillCurrent(tx, orgId, refreshToken))) return false;
      await setOrgStatus(tx, orgId, 'authorization_expired', reason, this.clock.now());
      return true;
    });
  }
}
