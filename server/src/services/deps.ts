import type { SqliteTokenVault } from '../auth/token-vault.js';
import type { Db } from '../db/store.js';
import type { Engine } from '../engine/engine.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { TokenCipher } from '../lib/token-cipher.js';
import type { ZohoGateway } from '../zoho/gateway.js';
import type { ZohoOAuthClient } from '../zoho/oauth-client.js';

/** What the services and the HTTP app are built from; only compose.ts (and tests) build these. */

export interface RateLimits {
  /** Requests per client per minute; 0 switches the limit off. */
  oauth: number;
  webhook: number;
  unsubscribe: number;
  api: number;
  trustProxy: boolean;
  /** OAuth sign-ins that may be in progress at once (80% for anonymous starts, the rest for the settings tab's tickets). */
  oauthLiveStates: number;
}

export interface AppConfig {
  publicUrl: string;
  zohoClientId: string;
  /** Where authorization starts (Zoho US by default; Zoho sends other DCs' users on). */
  zohoAccountsUrl: string;
  /** A sandbox origin trusted as accounts server and API domain, besides Zoho's own. */
  zohoSandboxUrl: string | undefined;
  adminToken: string | undefined;
  /** Extra origins allowed to call /api from a browser (CORS), besides Zoho's. */
  widgetOrigins: string[];
  widgetKeyVariable: string;
  /** The org variable that tells the widget where this backend is. */
  backendUrlVariable: string;
  /** Where the built widget files are (app/). */
  widgetDir: string;
  /** Bearer token of the inbound-mail webhook; undefined when it is off. */
  inboundToken: string | undefined;
  /** Assistant mailboxes may be on private, loopback or link-local addresses (MAILBOX_PRIVATE_HOSTS=allow). */
  mailboxPrivateHosts: boolean;
  rateLimits: RateLimits;
}

/** Everything the HTTP app needs; only main.ts (and tests) build these. */
export interface AppDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  config: AppConfig;
  gateway: ZohoGateway;
  oauth: ZohoOAuthClient;
  vault: SqliteTokenVault;
  cipher: TokenCipher;
  engine: Engine;
  /** Asks the IMAP IDLE watcher to pick up changed mailbox settings (absent when IDLE is off). */
  mailboxesChanged?: () => Promise<void>;
}
