import { ConfigError, loadAppEnv, loadDemoEnv, wantsBackend } from './env.js';
import { startBackend } from './backend.js';
import { runDemo } from './demo/run-demo.js';

/**
 * `npm start`. With a Zoho client configured (ZOHO_CLIENT_ID) it runs the backend against that
 * Zoho — the sandbox when ZOHO_ACCOUNTS_URL points at one — and nothing else. Without one it runs
 * the demo: the sandbox CRM with demo data, the backend authorized to it, and a mail view.
 */
async function main(): Promise<void> {
  if (!wantsBackend()) {
    const env = loadDemoEnv();
    const demo = await runDemo(env, { reset: process.argv.includes('--reset') });
    console.log(`Sales assistant demo running: a sandbox CRM with demo data, the assistant "Nova", time ${env.TIME_SCALE}× faster${env.TIME_SCALE === 1440 ? ' (a day a minute)' : ''}.`);
    console.log(`Open the CRM: ${demo.crmUrl}`);
    console.log(`The settings tab: ${demo.crmUrl}/tab (also "Sales Assistant settings" in the CRM header)`);
    console.log(`(open a Contact, assign it to Nova; the header's "Mail (demo)" link shows the emails and lets you reply as the lead. State is kept in ${env.DATA_DIR}; npm start -- --reset starts over.)`);
    const stopDemo = () => void demo.stop().finally(() => process.exit(0));
    process.once('SIGINT', stopDemo);
    process.once('SIGTERM', stopDemo);
    return;
  }
  const env = loadAppEnv();
  const flag = process.argv.indexOf('--role');
  const role = flag === -1 ? env.ROLE : process.argv[flag + 1];
  if (role !== 'all' && role !== 'web' && role !== 'worker') throw new ConfigError(`--role must be all, web or worker (got ${String(role)}).`);
  const backend = await startBackend(env, role);
  if (backend.url) console.log(`Backend listening on ${backend.url} (public URL ${backend.publicUrl}); authorize at ${backend.publicUrl}/oauth/zoho/start${role === 'web' ? ' (web only: workers run the jobs)' : ''}`);
  else console.log('Backend worker running (jobs and IMAP IDLE; no HTTP)');
  const shutdown = () => void backend.stop().finally(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
