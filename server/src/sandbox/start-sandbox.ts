import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { openDb } from '../db/open-db.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { createSandboxApp } from './app.js';
import { dcBaseUrl } from './context.js';
import type { SandboxDeps } from './context.js';
import { FaultInjector } from './faults.js';
import { UsageLimiter } from './limits.js';
import { Notifier } from './notifications.js';
import { sandboxMigrations } from './store/schema.js';

export interface SandboxOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** A SQLite file, or ':memory:' (the default) for tests. */
  dbPath?: string;
  clock?: Clock;
  /** The origin clients should use, when it differs from the address it listens on. */
  publicUrl?: string;
  /** The widget the CRM record page shows by default. */
  widgetUrl?: string;
  uiLinks?: { label: string; url: string }[];
}

export interface RunningSandbox {
  url: string;
  deps: SandboxDeps;
  stop(): Promise<void>;
}

/** Starts the Zoho sandbox on a real HTTP socket. */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  const db = openDb(options.dbPath ?? ':memory:', sandboxMigrations);
  const clock = options.clock ?? systemClock;
  let url = options.publicUrl ?? '';
  const baseUrl = () => url;
  const deps: SandboxDeps = {
    db,
    clock,
    baseUrl,
    notifier: new Notifier(db, clock, (dc) => dcBaseUrl(baseUrl(), dc)),
    limiter: new UsageLimiter(db, clock),
    faults: new FaultInjector(),
    widgetUrl: options.widgetUrl,
    uiLinks: options.uiLinks,
  };
  const app = createSandboxApp(deps);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const instance = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () => resolve(instance));
    instance.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  if (!options.publicUrl) url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  return {
    url,
    deps,
    async stop() {
      deps.faults.clear();
      await deps.notifier.idle();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      db.close();
    },
  };
}
