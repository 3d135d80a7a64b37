import { z } from 'zod';
import { ZohoOAuthError, ZohoRateLimitedError, ZohoUnavailableError } from './errors.js';
import { stripTrailingSlash } from './hosts.js';

/** Zoho Accounts' token endpoint over plain HTTP: the SDK's own revoke is broken (zoho-api.md §2.5). */

export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  /** Lifetime in milliseconds. */
  expiresInMs: number;
  apiDomain: string | null;
  scope: string | null;
}

const tokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().positive(),
  expires_in_sec: z.number().optional(),
  api_domain: z.string().optional(),
  scope: z.string().optional(),
});

const errorResponse = z.object({ error: z.string() });

export interface OAuthClientOptions {
  clientId: string;
  clientSecret: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export class ZohoOAuthClient {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: OAuthClientOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  exchangeCode(accountsServer: string, code: string, redirectUri: string): Promise<TokenSet> {
    return this.tokenRequest(accountsServer, { grant_type: 'authorization_code', code, redirect_uri: redirectUri });
  }

  refresh(accountsServer: string, refreshToken: string): Promise<TokenSet> {
    return this.tokenRequest(accountsServer, { grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  async revoke(accountsServer: string, token: string): Promise<void> {
    const response = await this.post(`${stripTrailingSlash(accountsServer)}/oauth/v2/token/revoke`, { token });
    // An unknown or already revoked token answers 400; either way it no longer works.
    if (response.status >= 500) throw new ZohoUnavailableError(`Zoho Accounts answered ${response.status} to a revoke`);
  }

  private async tokenRequest(accountsServer: string, params: Record<string, string>): Promise<TokenSet> {
    const response = await this.post(`${stripTrailingSlash(accountsServer)}/oauth/v2/token`, {
      ...params,
      client_id: this.options.clientId,
      client_secret: this.options.clientSecret,
    });
    if (response.status >= 500 || response.status === 429) throw new ZohoUnavailableError(`Zoho Accounts answered ${response.status}`);
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      throw new ZohoUnavailableError(`Zoho Accounts answered ${response.status} without JSON`);
    }
    const parsed = tokenResponse.safeParse(json);
    if (parsed.success) {
      const body = parsed.data;
      // Old responses carried expires_in in milliseconds beside expires_in_sec.
      const expiresInMs = body.expires_in_sec !== undefined ? body.expires_in_sec * 1000 : body.expires_in * 1000;
      return { accessToken: body.access_token, refreshToken: body.refresh_token ?? null, expiresInMs, apiDomain: body.api_domain ?? null, scope: body.scope ?? null };
    }
    const error = errorResponse.safeParse(json);
    // Zoho blocks a refresh token for a while after 10 access tokens in 10 minutes.
    if (error.success && error.data.error === 'Access Denied') throw new ZohoRateLimitedError(10 * 60 * 1000);
    throw new ZohoOAuthError(error.success ? error.data.error : `unexpected_response_${response.status}`);
  }

  private async post(url: string, params: Record<string, string>): Promise<Response> {
    try {
      return await this.fetch(url, {
        method: 'POST',
        body: new URLSearchParams(params),
        // A redirect would carry the client secret and the code somewhere else.
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new ZohoUnavailableError(`Zoho Accounts unreachable: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
