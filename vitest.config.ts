import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Five projects. `npm test` runs `sqlite` (every suite on SQLite, the embedded default) and
 * `postgres` (the storage and engine suites and the in-process tier again on PostgreSQL, in a
 * private cluster that test/postgres-setup.ts starts; TEST_DIALECT tells test/helpers/store.ts).
 * `npm run test:all` (what CI runs) adds `postgres-e2e` (the real-socket, real-SMTP, real-IMAP layer
 * on PostgreSQL too) and the two soaks: kill -9 fifty times on SQLite, three processes on one
 * PostgreSQL with three kills. Each suite runs once per dialect; `npm test` stays a few minutes.
 */
export const POSTGRES_SUITES = [
  'test/server/store.test.ts',
  'test/server/job-runner.test.ts',
  'test/server/leases.test.ts',
  'test/server/retention.test.ts',
  'test/server/webhooks.test.ts',
  'test/server/engine-e2e.test.ts',
  'test/server/engine-edges.test.ts',
  'test/server/crm-details.test.ts',
  'test/server/referrals.test.ts',
  'test/server/record-widget-api.test.ts',
  'test/server/inbound-auth.test.ts',
  'test/server/mailbox-hosts.test.ts',
  'test/server/api-security.test.ts',
  'test/server/org-setup.test.ts',
  'test/server/token-manager.test.ts',
  'test/server/app-basics.test.ts',
  'test/postgres/**/*.test.ts',
  // The in-process tier (test/helpers/in-process.ts): routes and engine without sockets, sandbox or SDK workers.
  'test/inprocess/**/*.test.ts',
];

/** The end-to-end layer, on PostgreSQL as well in `npm run test:all`. */
export const POSTGRES_E2E_SUITES = [
  // Their scenarios run on PostgreSQL in `npm test` through the in-process tier (test/inprocess:
  // the re-assignment guard, takeover, the sweep, a lost answer and a 429); the
  // processes killed on PostgreSQL are the crash soak's.
  'test/server/engine-behaviour.test.ts',
  'test/server/engine-crash.test.ts',
  'test/server/replies-e2e.test.ts',
  'test/server/imap-replies.test.ts',
  'test/server/connector.test.ts',
  'test/server/oauth-flow.test.ts',
  'test/server/zoho-gateway.test.ts',
  'test/server/rate-limits.test.ts',
];

/** Minutes each: real processes killed over and over (they run in `npm run test:all`). */
const SQLITE_SOAKS = ['test/server/kill-cycles.test.ts'];
const POSTGRES_SOAKS = ['test/postgres/crash.test.ts'];

const shared = {
  environment: 'node',
  // Suites that drive Zoho's SDK share its process-global state, so files run one at a time
  // per worker and tests inside a file run in order.
  testTimeout: 20_000,
  hookTimeout: 20_000,
} as const;

export default defineConfig({
  test: {
    fileParallelism: true,
    pool: 'forks',
    // Two files at once even on two cores: most suites wait on sockets, SMTP and child processes.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      { test: { ...shared, name: 'sqlite', include: ['test/**/*.test.ts'], exclude: ['test/postgres/**', ...SQLITE_SOAKS], globalSetup: ['test/global-setup.ts'] } },
      { test: { ...shared, name: 'postgres', include: POSTGRES_SUITES, exclude: POSTGRES_SOAKS, globalSetup: ['test/postgres-setup.ts'], env: { TEST_DIALECT: 'postgres' } } },
      { test: { ...shared, name: 'postgres-e2e', include: POSTGRES_E2E_SUITES, globalSetup: ['test/postgres-setup.ts'], env: { TEST_DIALECT: 'postgres' } } },
      { test: { ...shared, name: 'soak-sqlite', include: SQLITE_SOAKS } },
      { test: { ...shared, name: 'soak-postgres', include: POSTGRES_SOAKS, globalSetup: ['test/postgres-setup.ts'], env: { TEST_DIALECT: 'postgres' } } },
    ],
  },
});
