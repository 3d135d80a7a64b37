import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteTokenVault } from '../../server/src/auth/token-vault.js';
import type { Db, Store } from '../../server/src/db/store.js';
import { upsertAuthorizedOrg } from '../../server/src/db/orgs.js';
import type { Clock } from '../../server/src/lib/clock.js';
import { silentLogger } from '../../server/src/lib/logger.js';
import { TokenCipher } from '../../server/src/lib/token-cipher.js';
import type { OrgConnection } from '../../server/src/zoho/gateway.js';
import { ZohoOAuthClient } from '../../server/src/zoho/oauth-client.js';
import { SdkZohoGateway } from '../../server/src/zoho/sdk-gateway.js';
import { TokenManager } from '../../server/src/zoho/token-manager.js';
import { SdkWorkerPool } from '../../server/src/zoho/worker-pool.js';
import { ALL_SCOPES, type SandboxOrg, type TestSandbox } from './sandbox-client.js';
import { testStore } from './store.js';

export const TEST_KEY = Buffer.alloc(32, 7);

/** The gateway stack (vault, token manager, SDK workers) over a fresh database, for one client. */
export async function buildGatewayStack(options: { clock: Clock; clientId: string; clientSecret: string; workers?: number; callTimeoutMs?: number; db?: Db }) {
  let owned: Store | undefined;
  const db = options.db ?? (owned = await testStore()).db;
  const cacheDir = mkdtempSync(join(tmpdir(), 'zoho-cache-'));
  const vault = new SqliteTokenVault(db, new TokenCipher(TEST_KEY), options.clock);
  const oauth = new ZohoOAuthClient({ clientId: options.clientId, clientSecret: options.clientSecret });
  const tokens = new TokenManager(vault, oauth, options.clock, silentLogger);
  const pool = new SdkWorkerPool({ size: options.workers ?? 2, callTimeoutMs: options.callTimeoutMs ?? 10_000, logger: silentLogger });
  const gateway = new SdkZohoGateway({ pool, tokens, cacheDir, callTimeoutMs: options.callTimeoutMs ?? 10_000 });
  return {
    db,
    vault,
    oauth,
    tokens,
    pool,
    gateway,
    async close() {
      await pool.close();
      await owned?.close();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

/** Authorizes a sandbox org for the stack without the browser flow: a grant exchanged and stored. */
export async function connectDirectly(
  test: TestSandbox,
  stack: Awaited<ReturnType<typeof buildGatewayStack>>,
  org: SandboxOrg,
  clock: Clock,
): Promise<OrgConnection> {
  const grant = await test.admin<{ code: string }>('POST', `/sandbox/orgs/${org.org_id}/grant`, { scope: ALL_SCOPES });
  const tokens = await stack.oauth.exchangeCode(org.accounts_server, grant.body.code, '');
  const row = await upsertAuthorizedOrg(
    stack.db,
    {
      zohoOrgId: org.org_id,
      name: org.org_id,
      dc: org.dc,
      accountsServer: org.accounts_server,
      apiDomain: tokens.apiDomain ?? org.api_domain,
      userId: org.admin.id,
      userEmail: org.admin.email,
      scopes: ALL_SCOPES,
    },
    clock.now(),
  );
  await stack.vault.storeNewTokens(row.id, { refreshToken: tokens.refreshToken!, accessToken: tokens.accessToken, expiresAt: clock.now() + tokens.expiresInMs });
  return { orgId: row.id, apiDomain: row.api_domain, accountsServer: row.accounts_server };
}
