import { join } from 'node:path';
import { ZohoApiError, ZohoAuthorizationError, ZohoRateLimitedError, ZohoRequestError, ZohoUnavailableError } from './errors.js';
import type { NewField, NewNote, OrgConnection, OwnerChange, RecordUpdate, WriteResult, ZohoNote, ZohoRecord, WatchChannel, WatchSubscription, ZohoField, ZohoGateway, ZohoOrgInfo, ZohoUser, ZohoUserType } from './gateway.js';
import type { OperationName } from './sdk-operations.js';
import type { AccessTokenSource } from './token-manager.js';
import { type SdkWorkerPool, WorkerCallError } from './worker-pool.js';

/** Zoho sends no Retry-After with a 429; wait a minute before trying that org again. */
const RATE_LIMIT_BACKOFF_MS = 60_000;
const TOKEN_REFUSED = new Set(['INVALID_TOKEN', 'AUTHENTICATION_FAILURE']);
/** Calls made with a just-issued token, before the org exists, share this lane and cache folder. */
const IDENTIFY_LANE = '_identify';

/** A worker failure in the gateway's own error types. */
function translate(error: unknown, op: string): Error {
  if (!(error instanceof WorkerCallError)) return error instanceof Error ? error : new Error(String(error));
  const failure = error.failure;
  if (failure.kind === 'network') return new ZohoUnavailableError(`Zoho call ${op} failed: ${failure.message}`);
  if (failure.kind === 'invalid') return new ZohoRequestError(`Zoho call ${op} was refused before sending: ${failure.message}`);
  if (TOKEN_REFUSED.has(failure.code)) return new ZohoAuthorizationError(`Zoho refused the token for ${op}`);
  if (failure.status === 429 || failure.code === 'TOO_MANY_REQUESTS') return new ZohoRateLimitedError(RATE_LIMIT_BACKOFF_MS);
  if (failure.status >= 500) return new ZohoUnavailableError(`Zoho answered ${failure.status} ${failure.code} to ${op}`);
  return new ZohoApiError(failure.status, failure.code, failure.message, failure.details);
}

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

  private run(laneKey: string, where: { apiDomain: string; accountsServer: string }, accessToken: string, op: OperationName, args: unknown[]) {
    return this.options.pool.run(
      {
        orgId: laneKey,
        apiDomain: where.apiDomain,
        accountsServer: where.accountsServer,
        accessToken,
        userKey: laneKey,
        resourceDir: join(this.options.cacheDir, laneKey),
        timeoutMs: this.options.callTimeoutMs,
      },
      op,
      args,
    );
  }

  private async call<T>(org: OrgConnection, op: OperationName, args: unknown[]): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      const accessToken = await this.options.tokens.accessToken(org.orgId);
      try {
        return (await this.run(org.orgId, org, accessToken, op, args)) as T;
      } catch (error) {
        // Zoho refused a token before its expiry (revoked or rotated): refresh once and retry.
        if (attempt === 0 && error instanceof WorkerCallError && error.failure.kind === 'api' && TOKEN_REFUSED.has(error.failure.code)) {
          this.options.tokens.invalidate(org.orgId, accessToken);
          continue;
        }
        throw translate(error, op);
      }
    }
  }

  async identify(where: { apiDomain: string; accountsServer: string }, accessToken: string): Promise<{ user: ZohoUser; org: ZohoOrgInfo }> {
    try {
      const user = (await this.run(IDENTIFY_LANE, where, accessToken, 'currentUser', [])) as ZohoUser;
      const org = (await this.run(IDENTIFY_LANE, where, accessToken, 'getOrg', [])) as ZohoOrgInfo;
      return { user, org };
    } catch (error) {
      throw translate(error, 'identify');
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

  getRecord(org: OrgConnection, module: string, id: string, fields?: string[]): Promise<ZohoRecord | null> {
    return this.call(org, 'getRecord', [module, id, fields]);
  }

  ownerHistory(org: OrgConnection, module: string, id: string): Promise<OwnerChange[]> {
    return this.call(org, 'ownerHistory', [module, id]);
  }

  updateRecords(org: OrgConnection, module: string, updates: RecordUpdate[]): Promise<WriteResult[]> {
    return this.call(org, 'updateRecords', [module, updates]);
  }

  createRecords(org: OrgConnection, module: string, records: Record<string, unknown>[]): Promise<WriteResult[]> {
    return this.call(org, 'createRecords', [module, records]);
  }

  listNotes(org: OrgConnection, module: string, id: string): Promise<ZohoNote[]> {
    return this.call(org, 'listNotes', [module, id]);
  }

  createNotes(org: OrgConnection, notes: NewNote[]): Promise<WriteResult[]> {
    return this.call(org, 'createNotes', [notes]);
  }

  getVariable(org: OrgConnection, apiName: string): Promise<string | null> {
    return this.call(org, 'getVariable', [apiName]);
  }

  setVariable(org: OrgConnection, variable: { apiName: string; name: string; value: string }): Promise<void> {
    return this.call(org, 'setVariable', [variable]);
  }
}
