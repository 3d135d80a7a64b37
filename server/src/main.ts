import { ConfigError, loadAppEnv, wantsBackend } from './env.js';
import { startBackend } from './backend.js';
import { runSandboxFromEnv } from './sandbox/main.js';

/**
 * `npm start`. With a Zoho client configured (ZOHO_CLIENT_ID) it runs the backend against that
 * Zoho — the sandbox when ZOHO_ACCOUNTS_URL points at one — and nothing else. Without one it
 * starts the local Zoho sandbox.
 */
async function main(): Promise<void> {
  if (!wantsBackend()) {
    await runSandboxFromEnv();
    return;
  }
  const env = loadAppEnv();
  const backend = await startBackend(env);
  console.log(`Backend listening on ${backend.url} (public URL ${backend.publicUrl}); authorize at ${backend.publicUrl}/oauth/zoho/start`);
  const shutdown = () => void backend.stop().finally(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
