import type { Db } from '../db/store.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { TokenCipher } from '../lib/token-cipher.js';
import type { ZohoGateway } from '../zoho/gateway.js';
import type { Composer } from './composer.js';
import type { Mailer } from './mailer.js';
import type { ReplyRefiner } from '../replies/reading.js';
import type { DnsResolver } from '../mail/authentication.js';

export interface EngineDeps {
  /** The store; inside a transaction, deps made for it (`{ ...deps, db: tx }`) carry the transaction. */
  db: Db;
  clock: Clock;
  /**
   * The clock Zoho's own timestamps (Modified_Time) follow: the wall clock, never the engine's sped-up
   * clock (TIME_SCALE), so that the sweep's window matches what Zoho wrote. The engine clock when absent.
   */
  zohoClock?: Clock;
  logger: Logger;
  gateway: ZohoGateway;
  cipher: TokenCipher;
  mailer: Mailer;
  composer: Composer;
  publicUrl: () => string;
  /** Assistant mailboxes may be on private addresses (MAILBOX_PRIVATE_HOSTS=allow); refused otherwise, at every connection. */
  mailboxPrivateHosts?: boolean;
  /** `require`: replies must be authenticated (DKIM/DMARC) before they suppress, hand back or create records. */
  inboundAuth?: 'require' | 'off';
  /** DNS for DKIM and DMARC checks (the system resolver by default; tests inject their own). */
  dnsResolver?: DnsResolver;
  /** How long raw inbound mail and notification bodies are kept (retention.ts). */
  retention?: Retention;
  /** An optional model that refines replies the built-in classifier is unsure of. */
  refiner?: ReplyRefiner | undefined;
  /** Renews the org's notification channel when it expires soon (services/org-setup.ts). */
  renewChannel: (orgId: string) => Promise<void>;
}

/** How often channels are checked for renewal. */
export const RENEW_INTERVAL_MS = 60 * 60 * 1000;

/** How often each org is swept for assignments notifications may have missed. */
export const SWEEP_INTERVAL_MS = 10 * 60 * 1000;
/** After the last email, how long the assistant waits for an answer before handing back. */
export const FINAL_WAIT_MS = 3 * 24 * 60 * 60 * 1000;
/** Notes and field updates go out in batches of this many (Zoho's write limit). */
export const WRITE_BATCH = 100;

export interface Retention {
  /** Raw inbound messages are emptied after this many days (the log row, reading and action stay). */
  rawMailDays: number;
  /** Notification bodies (the inbox, kept for diagnosis) are deleted after this many days. */
  inboxDays: number;
  /** Finished jobs are deleted after this many days. Safe: every handler is idempotent, and every effect is keyed in the outbox or Zoho. */
  doneJobsDays: number;
}
