import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { ZohoAuthorizationError, ZohoOAuthError } from './errors.js';
import type { ZohoOAuthClient } from './oauth-client.js';

/** Where tokens are kept; the manager knows nothing about how (see auth/token-vault.ts). */
export interface TokenVault {
  load(orgId: string): { accountsServer: string; refreshToken: string; accessToken: string | null; accessExpiresAt: number | null; active: boolean } | undefined;
  saveAccessToken(orgId: string, accessToken: string, expiresAt: number): void;
  /** Zoho refused the refresh token: the org needs re-authorization. */
  markAuthorizationLost(orgId: string, reason: string): void;
}

export interface AccessTokenSource {
  accessToken(orgId: string): Promise<string>;
  /** Drops a token Zoho refused before its expiry, so the next call refreshes. */
  invalidate(orgId: string, accessToken: string): void;
}

/** Answers that mean the refresh token itself is no good (revoked, expired, wrong client). */
const REFUSALS = new Set(['invalid_code', 'invalid_client', 'invalid_client_secret', 'invalid_grant', 'unauthorized_client']);

/** Refresh this long before expiry so no call goes out with a token about to die. */
const EXPIRY_SKEW_MS = 5 * 60 * 1000;

/** Hands out access tokens, refreshing them with one refresh in flight per org. */
export class TokenManager implements AccessTokenSource {
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly refused = new Map<string, string>();

  constructor(
    private readonly vault: TokenVault,
    private readonly oauth: ZohoOAuthClient,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async accessToken(orgId: string): Promise<string> {
    const stored = this.vault.load(orgId);
    if (!stored || !stored.active) throw new ZohoAuthorizationError(`org ${orgId} is not authorized`);
    const usable =
      stored.accessToken !== null &&
      stored.accessExpiresAt !== null &&
      stored.accessExpiresAt - EXPIRY_SKEW_MS > this.clock.now() &&
      this.refused.get(orgId) !== stored.accessToken;
    if (usable) return stored.accessToken!;
    return this.refresh(orgId);
  }

  invalidate(orgId: string, accessToken: string): void {
    this.refused.set(orgId, accessToken);
  }

  private refresh(orgId: string): Promise<string> {
    const pending = this.inFlight.get(orgId);
    if (pending) return pending;
    const refresh = this.doRefresh(orgId).finally(() => this.inFlight.delete(orgId));
    this.inFlight.set(orgId, refresh);
    return refresh;
  }

  private async doRefresh(orgId: string): Promise<string> {
    const stored = this.vault.load(orgId);
    if (!stored || !stored.active) throw new ZohoAuthorizationError(`org ${orgId} is not authorized`);
    try {
      const tokens = await this.oauth.refresh(stored.accountsServer, stored.refreshToken);
      const expiresAt = this.clock.now() + tokens.expiresInMs;
      this.vault.saveAccessToken(orgId, tokens.accessToken, expiresAt);
      this.refused.delete(orgId);
      this.logger.info('zoho access token refreshed', { orgId, expiresAt: new Date(expiresAt).toISOString() });
      return tokens.accessToken;
    } catch (error) {
      if (error instanceof ZohoOAuthError && REFUSALS.has(error.code)) {
        this.vault.markAuthorizationLost(orgId, `Zoho refused the refresh token (${error.code})`);
        this.logger.warn('zoho authorization lost', { orgId, errorCode: error.code });
        throw new ZohoAuthorizationError(`Zoho refused the refresh token for org ${orgId}: ${error.code}`);
      }
      throw error;
    }
  }
}
