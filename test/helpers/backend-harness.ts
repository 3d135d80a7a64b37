import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from '../../server/src/app.js';
import { buildDeps } from '../../server/src/compose.js';
import { loadAppEnv } from '../../server/src/env.js';
import type { DnsResolver } from '../../server/src/mail/authentication.js';
import type { AppDeps } from '../../server/src/http/context.js';
import { createLogger } from '../../server/src/lib/logger.js';
import { type TestSandbox, startTestSandbox } from './sandbox-client.js';
import { startSmtpSink } from './smtp-sink.js';
import { freshPostgresDatabase, testDialect } from './store.js';

export const ADMIN_TOKEN = 'operator-token-for-tests-0123456789abcdef';

export interface TestBackend {
  sandbox: TestSandbox;
  smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  url: string;
  deps: AppDeps;
  dbPath: string;
  /** DATABASE_PATH or DATABASE_URL: what another process needs to open the same database. */
  databaseEnv: Record<string, string>;
  logLines: string[];
  client: { client_id: string; client_secret: string };
  stop(): Promise<void>;
}

/**
 * The real backend on a loopback port, wired to a sandbox as its Zoho, with a file database (or,
 * in the PostgreSQL test project, a fresh database in the private cluster).
 */
export async function startTestBackend(options: { sandbox?: TestSandbox; env?: Record<string, string>; dbPath?: string; dnsResolver?: DnsResolver } = {}): Promise<TestBackend> {
  const sandbox = options.sandbox ?? (await startTestSandbox());
  const dataDir = mkdtempSync(join(tmpdir(), 'backend-'));
  const dbPath = options.dbPath ?? join(dataDir, 'app.sqlite');
  const smtp = await startSmtpSink();
  const client = (await sandbox.admin<{ client_id: string; client_secret: string }>('POST', '/sandbox/clients', { name: 'Sales Assistant (tests)' })).body;
  const databaseEnv: Record<string, string> =
    options.env?.DATABASE_URL ? { DATABASE_URL: options.env.DATABASE_URL } : testDialect() === 'postgres' ? { DATABASE_URL: await freshPostgresDatabase() } : { DATABASE_PATH: dbPath };
  const env = loadAppEnv({
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_PATH: dbPath,
    ...databaseEnv,
    ZOHO_CLIENT_ID: client.client_id,
    ZOHO_CLIENT_SECRET: client.client_secret,
    ZOHO_ACCOUNTS_URL: sandbox.url,
    ZOHO_SANDBOX_URL: sandbox.url,
    ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
    ADMIN_TOKEN,
    // One SDK worker thread per test backend (production runs two): each thread loads Zoho's SDK, about
    // half a second of CPU, and suites start a backend per test. The lanes have their own tests (zoho-gateway.test.ts).
    ZOHO_GATEWAY_WORKERS: '1',
    SMTP_URL: smtp.url,
    // The suites drive the backend far faster than a person from one address; the limits have their own tests.
    RATE_LIMIT_API: '0',
    RATE_LIMIT_WEBHOOK: '0',
    RATE_LIMIT_OAUTH: '0',
    RATE_LIMIT_UNSUBSCRIBE: '0',
    // Most suites read replies they wrote themselves; test/server/inbound-auth.test.ts requires authentication.
    INBOUND_AUTH: 'off',
    ...options.env,
  });
  const logLines: string[] = [];
  const { deps, close } = await buildDeps(env, { clock: sandbox.clock, logger: createLogger('debug', (line) => logLines.push(line)), ...(options.dnsResolver ? { dnsResolver: options.dnsResolver } : {}) });
  const app = createApp(deps);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const instance = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(instance));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  deps.config.publicUrl = url;
  await sandbox.admin('POST', '/sandbox/clients', { client_id: client.client_id, redirect_uris: [`${url}/oauth/zoho/callback`] });
  return {
    sandbox,
    smtp,
    url,
    deps,
    dbPath,
    databaseEnv,
    logLines,
    client,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await close();
      await smtp.close();
      if (!options.sandbox) await sandbox.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The browser's part of the OAuth dance: start on the backend (keeping its cookie), choose the
 * user on the sandbox's consent page, and follow the redirect back to the callback.
 */
export async function authorizeInBrowser(
  backend: TestBackend,
  options: { userEmail: string; approve?: boolean; tamper?: (callback: URL) => URL; cookie?: string | null; startQuery?: string },
): Promise<{ status: number; html: string; callback: URL; cookie: string; headers: Headers }> {
  const start = await fetch(`${backend.url}/oauth/zoho/start${options.startQuery ?? ''}`, { redirect: 'manual' });
  if (start.status !== 302) throw new Error(`start answered ${start.status}`);
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0]!;
  const consent = await fetch(start.headers.get('location')!, {
    method: 'POST',
    body: new URLSearchParams({ user_email: options.userEmail, approve: options.approve === false ? 'false' : 'true' }),
    redirect: 'manual',
  });
  if (consent.status !== 302) throw new Error(`consent answered ${consent.status}: ${await consent.text()}`);
  let callback = new URL(consent.headers.get('location')!);
  if (options.tamper) callback = options.tamper(callback);
  const sentCookie = options.cookie === undefined ? cookie : options.cookie;
  const response = await fetch(callback, { headers: sentCookie ? { cookie: sentCookie } : {}, redirect: 'manual' });
  return { status: response.status, html: await response.text(), callback, cookie, headers: response.headers };
}

/** The settings tab's "Sign in as administrator": Zoho's login, then the session the page posts back. */
export async function signInAsAdmin(backend: TestBackend, userEmail: string, origin = backend.sandbox.url): Promise<{ token: string; html: string; status: number }> {
  const result = await authorizeInBrowser(backend, { userEmail, startQuery: `?purpose=admin&origin=${encodeURIComponent(origin)}` });
  const token = /"token":"([^"]+)"/.exec(result.html)?.[1] ?? '';
  return { token, html: result.html, status: result.status };
}
