import { mkdirSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import * as ZOHO from '@zohocrm/typescript-sdk-8.0';
import { type OperationName, WorkerApiError, operations, setOperationOrg } from './sdk-operations.js';

/**
 * One Zoho SDK instance in its own thread. The SDK keeps process-global state (its "current
 * user"), so each worker runs one call at a time and points the SDK at the caller's org first.
 */

export interface WorkerSession {
  orgId: string;
  apiDomain: string;
  accountsServer: string;
  accessToken: string;
  userKey: string;
  resourceDir: string;
  timeoutMs: number;
}

export interface WorkerRequest {
  id: number;
  op: OperationName;
  args: unknown[];
  session: WorkerSession;
}

export type WorkerResponse =
  | { id: number; ok: true; value: unknown }
  | {
      id: number;
      ok: false;
      error:
        | { kind: 'api'; status: number; code: string; message: string; details: Record<string, unknown> }
        /** No usable answer from Zoho: refused or dropped connection, timeout, unparseable body. Retry later. */
        | { kind: 'network'; message: string }
        /** The request itself is wrong (the SDK refused it): retrying cannot help. */
        | { kind: 'invalid'; message: string };
    };

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_GOT_REQUEST_ERROR', 'ETIMEOUT']);

/** Walks an error's causes for a network error code or name (got wraps them). */
function isNetworkFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 6; current = (current as { cause?: unknown }).cause, depth += 1) {
    const { code, name, message } = current as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (name === 'RequestError' || name === 'TimeoutError' || name === 'ReadError' || name === 'ParseError') return true;
    if (typeof message === 'string' && /socket hang up|timed? ?out|ECONNRESET|ECONNREFUSED|Unexpected token|JSON/i.test(message)) return true;
  }
  return false;
}

const TEN_YEARS_MS = 10 * 365 * 24 * 60 * 60 * 1000;

/** Hands the SDK the token we give it, so it never refreshes or stores tokens itself. */
class PinnedTokenStore implements ZOHO.TokenStore.TokenStore {
  constructor(private readonly token: ZOHO.OAuthToken) {}
  async findToken(): Promise<ZOHO.Token.Token> {
    return this.token;
  }
  async findTokenById(): Promise<ZOHO.Token.Token> {
    return this.token;
  }
  async saveToken(): Promise<void> {}
  async deleteToken(): Promise<void> {}
  async getTokens(): Promise<ZOHO.Token.Token[]> {
    return [this.token];
  }
  async deleteTokens(): Promise<void> {}
}

let currentSession = '';

async function pointSdkAt(session: WorkerSession): Promise<void> {
  const key = `${session.orgId}\n${session.apiDomain}\n${session.accessToken}`;
  if (key === currentSession) return;
  setOperationOrg(session.orgId);
  mkdirSync(session.resourceDir, { recursive: true });
  const token = new ZOHO.OAuthBuilder()
    .accessToken(session.accessToken)
    .userSignature(new ZOHO.UserSignature(session.userKey))
    .findUser(false)
    .build();
  token.setAPIDomain(session.apiDomain);
  token.setExpiresIn(String(Date.now() + TEN_YEARS_MS));
  await new ZOHO.InitializeBuilder()
    .environment(new ZOHO.Environment(session.apiDomain, `${session.accountsServer}/oauth/v2/token`, session.apiDomain))
    .token(token)
    .store(new PinnedTokenStore(token))
    .SDKConfig(new ZOHO.SDKConfigBuilder().autoRefreshFields(false).pickListValidation(false).timeout(session.timeoutMs).build())
    .resourcePath(`${session.resourceDir}/`)
    .logger(new ZOHO.LogBuilder().level(ZOHO.Levels.OFF).build())
    .initialize();
  currentSession = key;
}

async function handle(request: WorkerRequest): Promise<WorkerResponse> {
  try {
    await pointSdkAt(request.session);
    const operation = operations[request.op] as (...args: unknown[]) => Promise<unknown>;
    return { id: request.id, ok: true, value: await operation(...request.args) };
  } catch (error) {
    if (error instanceof WorkerApiError) {
      return { id: request.id, ok: false, error: { kind: 'api', status: error.status, code: error.code, message: error.message, details: error.details } };
    }
    // A failed session must be rebuilt on the next call.
    currentSession = '';
    const cause = error instanceof Error ? `${error.message ?? ''} ${String((error as { cause?: unknown }).cause ?? '')}` : String(error);
    const message = cause.trim() || 'Zoho SDK call failed';
    return { id: request.id, ok: false, error: { kind: isNetworkFailure(error) ? 'network' : 'invalid', message } };
  }
}

let queue = Promise.resolve();
parentPort?.on('message', (request: WorkerRequest) => {
  queue = queue.then(async () => parentPort!.postMessage(await handle(request)));
});
