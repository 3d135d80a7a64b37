import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { buildDeps } from './compose.js';
import { MailboxWatcher } from './mail/mailbox-watcher.js';
import type { AppEnv } from './env.js';

/** Runs the backend: the HTTP app plus the engine's job runner (which also does the periodic work). */
export async function startBackend(env: AppEnv) {
  const { deps, close } = buildDeps(env);
  const app = createApp(deps);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const instance = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, () => resolve(instance));
    instance.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  // Without PUBLIC_URL the backend is reached where it listens (PORT=0 picks the port only now).
  if (!env.PUBLIC_URL) deps.config.publicUrl = `http://${env.HOST}:${address.port}`;
  deps.engine.ensureRecurringWork();
  deps.engine.runner.start();
  // IMAP IDLE where servers offer it: new mail asks for a poll at once.
  const watcher = env.MAIL_IDLE ? new MailboxWatcher(deps.db, deps.cipher, deps.logger, (orgId, assistantId) => deps.engine.pollMailboxSoon(orgId, assistantId), deps.config.mailboxPrivateHosts) : undefined;
  if (watcher) {
    deps.mailboxesChanged = () => watcher.refresh();
    watcher.refresh();
  }
  return {
    url: `http://${env.HOST}:${address.port}`,
    publicUrl: deps.config.publicUrl,
    deps,
    async stop() {
      watcher?.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await close();
    },
  };
}
