import { ConfigError } from './env.js';
import { runSandboxFromEnv } from './sandbox/main.js';

/**
 * `npm start`. Until the backend lands, starting the product means starting the Zoho sandbox it
 * runs against by default.
 */
runSandboxFromEnv().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
