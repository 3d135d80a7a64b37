import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { ZohoAuthorizationError, ZohoOAuthError } from './errors.js';
import type { ZohoOAuthClient } from './oauth-client.js';

/** Where tokens are kept; the manager knows nothing about how (see auth/token-vault.ts). */
export interface TokenVault {
  load(orgId: string): Promise<{ accountsServer: string; refreshToken: string; accessToken: string | null; accessExpiresAt: number | null; active: boolean } | undefined>;
  /**
   * Saves an access token minted from `refreshToken`, unless the org was re-authorized or
   * disconnected meanwhile (then answers false and saves nothing).
   */
  saveAccessToken(orgId: string, accessToken: string, expiresAt: number, refreshToken: string): Promise<boolean>;
  /** Zoho refused `refreshToken`: the org needs re-authorization, unless that token was already replaced. */
  markAuthorizationLost(orgId: string, reason: string, refreshToken: string): Promise<boolean>;
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
    // A refresh already under way answers for everyone who asks meanwhile.
    const pending = this.inFlight.get(orgId);
    if (pending) return pending;
    return (await this.usableToken(orgId)) ?? this.refresh(orgId);
  }

  /** The stored access token while it has more than the skew left and Zoho has not refused it. */
  private async usableToken(orgId: string): Promise<string | undefined> {
    const stored = await this.vault.load(orgId);
    if (!stored || !stored.active) throw new ZohoAuthorizationError(`org ${orgId} is not authorized`);
    const usable =
      stored.accessToken !== null &&
      stored.accessExpiresAt !== null &&
      stored.accessExpiresAt - EXPIRY_SKEW_MS > this.clock.now() &&
      this.refused.get(orgId) !== stored.accessToken;
    return usable ? stored.accessToken! : undefined;
  }

  /** After a re-authorization raced our refresh: its token if still good, else one more refresh. */
  private async afterReauthorization(orgId: string): Promise<string> {
    return (await this.usableToken(orgId)) ?? this.doRefresh(orgId, 1);
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

  private async doRefresh(orgId: string, attempt = 0): Promise<string> {
    const stored = await this.vault.load(orgId);
    if (!stored || !stored.active) throw new ZohoAuthorizationError(`org ${orgId} is not authorized`);
    try {
      const tokens = await this.oauth.refresh(stored.accountsServer, stored.refreshToken);
      const expiresAt = this.clock.now() + tokens.expiresInMs;
      if (!(await this.vault.saveAccessToken(orgId, tokens.accessToken, expiresAt, stored.refreshToken))) {
        // The org was re-authorized while we refreshed: use its new tokens instead.
        if (attempt === 0) return this.afterReauthorization(orgId);
        throw new ZohoAuthorizationError(`org ${orgId} changed its authorization during a refresh`);
      }
      this.refused.delete(orgId);
      this.logger.info('zoho access token refreshed', { orgId, expiresAt: new Date(expiresAt).toISOString() });
      return tokens.accessToken;
    } catch (error) {
      if (error instanceof ZohoOAuthError && REFUSALS.has(error.code)) {
        if (!(await this.vault.markAuthorizationLost(orgId, `Zoho refused the refresh token (${error.code})`, stored.refreshToken)) && attempt === 0) {
          // The refused token had already been replaced by a re-authorization.
          return this.afterReauthorization(orgId);
        }
        this.logger.warn('zoho authorization lost', { orgId, errorCode: error.code });
        throw new ZohoAuthorizationError(`Zoho refused the refresh token for org ${orgId}: ${error.code}`);
      }
      throw error;
    }
  }
}
