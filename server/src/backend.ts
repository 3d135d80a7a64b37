import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { buildDeps } from './compose.js';
import { MailboxWatcher } from './mail/mailbox-watcher.js';
import type { AppEnv } from './env.js';

export type Role = AppEnv['ROLE'];

/**
 * Runs the backend: the HTTP app (role `web`), the engine's job runner and IMAP IDLE (role
 * `worker`), or both (`all`). Several processes may share one database: a web process queues
 * work that any worker takes (workers poll every second; a web process's own runner is woken at
 * once), and exactly one worker idles on each mailbox (a lease).
 */
export async function startBackend(env: AppEnv, role: Role = env.ROLE) {
  const { deps, close } = await buildDeps(env);
  let server: ReturnType<typeof serve> | undefined;
  let url: string | null = null;
  if (role !== 'worker') {
    const app = createApp(deps);
    const listening = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const instance = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, () => resolve(instance));
      instance.once('error', reject);
    });
    server = listening;
    const address = listening.address() as AddressInfo;
    url = `http://${env.HOST}:${address.port}`;
    // Without PUBLIC_URL the backend is reached where it listens (PORT=0 picks the port only now).
    if (!env.PUBLIC_URL) deps.config.publicUrl = url;
  }
  let watcher: MailboxWatcher | undefined;
  if (role !== 'web') {
    await deps.engine.ensureRecurringWork();
    deps.engine.runner.start();
    // IMAP IDLE where servers offer it: new mail asks for a poll at once.
    const pollSoon = (orgId: string, assistantId: string) => {
      deps.engine.pollMailboxSoon(orgId, assistantId).catch((error: unknown) => deps.logger.warn('queueing a mailbox poll failed', { orgId, assistantId, error }));
    };
    watcher = env.MAIL_IDLE ? new MailboxWatcher(deps.db, deps.cipher, deps.logger, pollSoon, deps.config.mailboxPrivateHosts) : undefined;
    if (watcher) {
      const idle = watcher;
      // A refresh that cannot reach the database is logged; the watcher's renewal rounds try again.
      deps.mailboxesChanged = () => idle.refresh().catch((error: unknown) => deps.logger.warn('mailbox watcher refresh failed', { error }));
      await deps.mailboxesChanged();
    }
  }
  return {
    role,
    url,
    publicUrl: deps.config.publicUrl,
    deps,
    async stop() {
      await watcher?.stop();
      if (server) {
        const listening = server;
        await new Promise<void>((resolve) => listening.close(() => resolve()));
      }
      await close();
    },
  };
}
