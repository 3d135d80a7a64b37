import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ZOHO from '@zohocrm/typescript-sdk-8.0';

type Token = ZOHO.Token.Token;
type OAuthToken = ZOHO.OAuthToken;

/**
 * A token store in memory, so Zoho's SDK never writes sdk_tokens.txt: the shape the product's
 * encrypted store implements. It also shows what the SDK saved (tokens, expiry).
 */
export class MemoryTokenStore implements ZOHO.TokenStore.TokenStore {
  readonly tokens = new Map<string, OAuthToken>();
  private nextId = 1;

  async findToken(token: Token): Promise<Token | null> {
    const wanted = token as OAuthToken;
    for (const stored of this.tokens.values()) {
      if (wanted.getRefreshToken() && stored.getRefreshToken() === wanted.getRefreshToken()) return stored;
      if (wanted.getGrantToken() && stored.getGrantToken() === wanted.getGrantToken()) return stored;
    }
    return null;
  }

  async findTokenById(id: string): Promise<Token | null> {
    return this.tokens.get(id) ?? null;
  }

  async saveToken(token: Token): Promise<void> {
    const oauth = token as OAuthToken;
    const id = oauth.getId() ?? String(this.nextId++);
    oauth.setId(id);
    this.tokens.set(id, oauth);
  }

  async deleteToken(id: string): Promise<void> {
    this.tokens.delete(id);
  }

  async getTokens(): Promise<Token[]> {
    return [...this.tokens.values()];
  }

  async deleteTokens(): Promise<void> {
    this.tokens.clear();
  }
}

export interface SdkSession {
  store: MemoryTokenStore;
  resourceDir: string;
  dispose(): void;
}

/**
 * Points Zoho's official SDK at a sandbox data centre (its base URL) with a grant code or a
 * refresh token, as the gateway will for a real org.
 */
export async function initSdk(input: {
  apiDomain: string;
  accountsServer: string;
  clientId: string;
  clientSecret: string;
  grantCode?: string;
  refreshToken?: string;
  store?: MemoryTokenStore;
  resourceDir?: string;
  switchUser?: boolean;
}): Promise<SdkSession> {
  const store = input.store ?? new MemoryTokenStore();
  const resourceDir = input.resourceDir ?? mkdtempSync(join(tmpdir(), 'zoho-sdk-'));
  const environment = new ZOHO.Environment(input.apiDomain, `${input.accountsServer}/oauth/v2/token`, input.apiDomain);
  let builder = new ZOHO.OAuthBuilder().clientId(input.clientId).clientSecret(input.clientSecret);
  if (input.grantCode) builder = builder.grantToken(input.grantCode);
  if (input.refreshToken) builder = builder.refreshToken(input.refreshToken);
  const token = builder.build();
  const config = new ZOHO.SDKConfigBuilder().autoRefreshFields(false).pickListValidation(true).timeout(10_000).build();
  const logger = new ZOHO.LogBuilder().level(ZOHO.Levels.OFF).build();
  const initialize = new ZOHO.InitializeBuilder()
    .environment(environment)
    .token(token)
    .store(store)
    .SDKConfig(config)
    .resourcePath(`${resourceDir}/`)
    .logger(logger);
  if (input.switchUser) await initialize.switchUser();
  else await initialize.initialize();
  return { store, resourceDir, dispose: () => rmSync(resourceDir, { recursive: true, force: true }) };
}

export { ZOHO };
