import { join } from 'node:path';
import { ZohoApiError, ZohoAuthorizationError, ZohoRateLimitedError, ZohoUnavailableError } from './errors.js';
import type { NewField, OrgConnection, WatchChannel, WatchSubscription, ZohoField, ZohoGateway, ZohoOrgInfo, ZohoUser, ZohoUserType } from './gateway.js';
import type { OperationName } from './sdk-operations.js';
import type { AccessTokenSource } from './token-manager.js';
import { type SdkWorkerPool, WorkerCallError } from './worker-pool.js';

/** Zoho sends no Retry-After with a 429; wait a minute before trying that org again. */
const RATE_LIMIT_BACKOFF_MS = 60_000;
const TOKEN_REFUSED = new Set(['INVALID_TOKEN', 'AUTHENTICATION_FAILURE']);

export interface SdkGatewayOptions {
  pool: SdkWorkerPool;
  tokens: AccessTokenSource;
  /** Root of the SDK's per-org metadata caches (under DATA_DIR). */
  cacheDir: string;
  callTimeoutMs: number;
}

/** The Zoho gateway over Zoho's official SDK, confined to worker threads (worker-pool.ts). */
export class SdkZohoGateway implements ZohoGateway {
  constructor(private readonly options: SdkGatewayOptions) {}

  private async call<T>(org: OrgConnection, op: OperationName, args: unknown[]): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      const accessToken = await this.options.tokens.accessToken(org.orgId);
      try {
        return (await this.options.pool.run(
          {
            orgId: org.orgId,
            apiDomain: org.apiDomain,
            accountsServer: org.accountsServer,
            accessToken,
            userKey: org.orgId,
            resourceDir: join(this.options.cacheDir, org.orgId),
            timeoutMs: this.options.callTimeoutMs,
          },
          op,
          args,
        )) as T;
      } catch (error) {
        if (!(error instanceof WorkerCallError)) throw error;
        const failure = error.failure;
        if (failure.kind === 'failure') throw new ZohoUnavailableError(`Zoho call ${op} failed: ${failure.message}`);
        // Zoho refused a token before its expiry (revoked or rotated): refresh once and retry.
        if (TOKEN_REFUSED.has(failure.code) && attempt === 0) {
          this.options.tokens.invalidate(org.orgId, accessToken);
          continue;
        }
        if (TOKEN_REFUSED.has(failure.code)) throw new ZohoAuthorizationError(`Zoho refused a fresh token for org ${org.orgId}`);
        if (failure.status === 429 || failure.code === 'TOO_MANY_REQUESTS') throw new ZohoRateLimitedError(RATE_LIMIT_BACKOFF_MS);
        if (failure.status >= 500) throw new ZohoUnavailableError(`Zoho answered ${failure.status} ${failure.code} to ${op}`);
        throw new ZohoApiError(failure.status, failure.code, failure.message, failure.details);
      }
    }
  }

  currentUser(org: OrgConnection): Promise<ZohoUser> {
    return this.call(org, 'currentUser', []);
  }

  listUsers(org: OrgConnection, type: ZohoUserType): Promise<ZohoUser[]> {
    return this.call(org, 'listUsers', [type]);
  }

  getOrg(org: OrgConnection): Promise<ZohoOrgInfo> {
    return this.call(org, 'getOrg', []);
  }

  listFields(org: OrgConnection, module: string): Promise<ZohoField[]> {
    return this.call(org, 'listFields', [module]);
  }

  createFields(org: OrgConnection, module: string, fields: NewField[]): Promise<string[]> {
    return this.call(org, 'createFields', [module, fields]);
  }

  coql(org: OrgConnection, query: string): Promise<Record<string, unknown>[]> {
    return this.call(org, 'coql', [query]);
  }

  watch(org: OrgConnection, channel: WatchChannel): Promise<WatchSubscription> {
    return this.call(org, 'watch', [channel]);
  }

  unwatch(org: OrgConnection, channelId: string): Promise<void> {
    return this.call(org, 'unwatch', [channelId]);
  }

  getVariable(org: OrgConnection, apiName: string): Promise<string | null> {
    return this.call(org, 'getVariable', [apiName]);
  }

  setVariable(org: OrgConnection, variable: { apiName: string; name: string; value: string }): Promise<void> {
    return this.call(org, 'setVariable', [variable]);
  }
}
