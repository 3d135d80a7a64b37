import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SqliteTokenVault } from './auth/token-vault.js';
import { type Store, openStore } from './db/store.js';
import type { AppEnv } from './env.js';
import type { DnsResolver } from './mail/authentication.js';
import type { AppDeps } from './http/context.js';
import { type Clock, scaledClock, systemClock } from './lib/clock.js';
import { type Logger, createLogger } from './lib/logger.js';
import { TokenCipher } from './lib/token-cipher.js';
import { ZohoOAuthClient } from './zoho/oauth-client.js';
import { SdkZohoGateway } from './zoho/sdk-gateway.js';
import { TokenManager } from './zoho/token-manager.js';
import { SdkWorkerPool } from './zoho/worker-pool.js';
import { TemplateComposer } from './engine/writing/writer.js';
import { LlmComposer } from './engine/llm-composer.js';
import { Engine } from './engine/engine.js';
import { renewChannelIfExpiring } from './services/org-setup.js';
import { type Mailer, SmtpMailer, UnconfiguredMailer } from './engine/mailer.js';
import { LlmReplyRefiner } from './replies/llm-refiner.js';

/** The wall-clock moment a sped-up clock started, kept in DATA_DIR/time-origin (made on first use). */
function timeOrigin(dataDir: string): number {
  const file = join(dataDir, 'time-origin');
  try {
    const kept = Number(readFileSync(file, 'utf8'));
    if (Number.isFinite(kept) && kept > 0) return kept;
  } catch {
    // first run: made below
  }
  const now = systemClock.now();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, String(now));
  return now;
}

/**
 * Builds the backend's dependencies from its configuration (the composition root): opens the
 * store (PostgreSQL at DATABASE_URL, else SQLite at DATABASE_PATH or DATA_DIR/app.sqlite) and
 * brings it to the latest migration. A `store` override is the caller's to close; close() closes
 * the one opened here.
 */
export async function buildDeps(env: AppEnv, overrides: { clock?: Clock; logger?: Logger; store?: Store; mailer?: Mailer; dnsResolver?: DnsResolver } = {}): Promise<{ deps: AppDeps; close(): Promise<void> }> {
  const dataDir = resolve(env.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  // Tokens, leases on Zoho and HTTP live in real time; only the engine's schedule may run faster.
  const clock = overrides.clock ?? systemClock;
  // A sped-up clock counts from an origin kept in DATA_DIR, so a restart goes on from where the last process was.
  const engineClock = overrides.clock ?? (env.TIME_SCALE === 1 ? systemClock : scaledClock(env.TIME_SCALE, systemClock, timeOrigin(dataDir)));
  const logger = overrides.logger ?? createLogger(env.LOG_LEVEL);
  const store = overrides.store ?? (await openStore({ url: env.DATABASE_URL, path: env.DATABASE_PATH ?? join(dataDir, 'app.sqlite') }));
  const db = store.db;
  const cipher = new TokenCipher(env.ENCRYPTION_KEY, env.ENCRYPTION_KEY_PREVIOUS);
  const vault = new SqliteTokenVault(db, cipher, clock);
  const oauth = new ZohoOAuthClient({ clientId: env.ZOHO_CLIENT_ID, clientSecret: env.ZOHO_CLIENT_SECRET });
  const tokens = new TokenManager(vault, oauth, clock, logger);
  const pool = new SdkWorkerPool({ size: env.ZOHO_GATEWAY_WORKERS, callTimeoutMs: env.ZOHO_CALL_TIMEOUT_MS, logger });
  const gateway = new SdkZohoGateway({ pool, tokens, cacheDir: join(dataDir, 'zoho-sdk'), callTimeoutMs: env.ZOHO_CALL_TIMEOUT_MS });
  const publicUrl = (env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/+$/, '');
  const mailer = overrides.mailer ?? (env.SMTP_URL ? new SmtpMailer(env.SMTP_URL) : new UnconfiguredMailer());
  if (!env.SMTP_URL && !overrides.mailer) logger.warn('SMTP_URL is not set: emails wait in the outbox until it is');
  const deps: AppDeps = {
    db,
    clock,
    logger,
    gateway,
    oauth,
    vault,
    cipher,
    config: {
      publicUrl,
      zohoClientId: env.ZOHO_CLIENT_ID,
      zohoAccountsUrl: env.ZOHO_ACCOUNTS_URL.replace(/\/+$/, ''),
      zohoSandboxUrl: env.ZOHO_SANDBOX_URL?.replace(/\/+$/, ''),
      adminToken: env.ADMIN_TOKEN,
      widgetOrigins: (env.WIDGET_ORIGINS ?? '').split(',').map((origin) => origin.trim()).filter(Boolean),
      widgetKeyVariable: env.ZOHO_WIDGET_KEY_VARIABLE,
      backendUrlVariable: env.ZOHO_BACKEND_URL_VARIABLE,
      widgetDir: resolve(env.WIDGET_DIR),
      inboundToken: env.INBOUND_WEBHOOK_TOKEN,
      mailboxPrivateHosts: env.MAILBOX_PRIVATE_HOSTS === 'allow',
      rateLimits: { oauth: env.RATE_LIMIT_OAUTH, webhook: env.RATE_LIMIT_WEBHOOK, unsubscribe: env.RATE_LIMIT_UNSUBSCRIBE, api: env.RATE_LIMIT_API, trustProxy: env.TRUST_PROXY, oauthLiveStates: env.OAUTH_LIVE_STATES },
    },
    engine: undefined as unknown as Engine,
  };
  deps.engine = new Engine({
    db,
    clock: engineClock,
    logger,
    gateway,
    cipher,
    mailer,
    composer: env.LLM_BASE_URL
      ? new LlmComposer({ baseUrl: env.LLM_BASE_URL, model: env.LLM_MODEL, apiKey: env.LLM_API_KEY }, new TemplateComposer(), logger)
      : new TemplateComposer(),
    publicUrl: () => deps.config.publicUrl,
    mailboxPrivateHosts: env.MAILBOX_PRIVATE_HOSTS === 'allow',
    inboundAuth: env.INBOUND_AUTH,
    zohoClock: overrides.clock ?? systemClock,
    retention: { rawMailDays: env.RETENTION_RAW_MAIL_DAYS, inboxDays: env.RETENTION_INBOX_DAYS, doneJobsDays: env.RETENTION_DONE_JOBS_DAYS },
    ...(overrides.dnsResolver ? { dnsResolver: overrides.dnsResolver } : {}),
    refiner: env.LLM_BASE_URL ? new LlmReplyRefiner({ baseUrl: env.LLM_BASE_URL, model: env.LLM_MODEL, apiKey: env.LLM_API_KEY }, logger) : undefined,
    renewChannel: async (orgId) => void (await renewChannelIfExpiring(deps, orgId)),
  }, { concurrency: env.JOB_CONCURRENCY, leaseMs: env.JOB_LEASE_SECONDS * 1000 });
  return {
    deps,
    async close() {
      await deps.engine.runner.stop();
      await pool.close();
      if (!overrides.store) await store.close();
    },
  };
}
