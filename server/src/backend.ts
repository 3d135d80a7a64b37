import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { buildDeps } from './compose.js';
import type { AppEnv } from './env.js';
import { renewExpiringChannels } from './services/org-setup.js';

const RENEWAL_INTERVAL_MS = 60 * 60 * 1000;

/** Runs the backend: the HTTP app plus its periodic work (channel renewal). */
export async function startBackend(env: AppEnv) {
  const { deps, close } = buildDeps(env);
  const app = createApp(deps);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const instance = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, () => resolve(instance));
    instance.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  deps.engine.ensureSweeps();
  deps.engine.runner.start();
  const renew = () => void renewExpiringChannels(deps).catch((error: unknown) => deps.logger.error('channel renewal failed', { error }));
  const timer = setInterval(renew, RENEWAL_INTERVAL_MS);
  timer.unref();
  renew();
  return {
    url: `http://${env.HOST}:${address.port}`,
    publicUrl: deps.config.publicUrl,
    deps,
    async stop() {
      clearInterval(timer);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await close();
    },
  };
}
