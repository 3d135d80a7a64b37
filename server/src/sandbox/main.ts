import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadSandboxEnv } from '../env.js';
import { startSandbox } from './start-sandbox.js';

/** `npm run sandbox`: the Zoho sandbox on its own, state kept in DATA_DIR. */
export async function runSandboxFromEnv(): Promise<void> {
  const env = loadSandboxEnv();
  mkdirSync(env.DATA_DIR, { recursive: true });
  const sandbox = await startSandbox({
    port: env.SANDBOX_PORT,
    host: env.SANDBOX_HOST,
    dbPath: env.SANDBOX_DB ?? join(env.DATA_DIR, 'sandbox.sqlite'),
    ...(env.SANDBOX_PUBLIC_URL ? { publicUrl: env.SANDBOX_PUBLIC_URL } : {}),
  });
  console.log(`Zoho sandbox listening on ${sandbox.url}`);
  const shutdown = () => {
    void sandbox.stop().finally(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runSandboxFromEnv().catch((error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  });
}
