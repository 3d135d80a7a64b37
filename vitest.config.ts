import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * The storage and engine suites run twice: on SQLite (with everything else) and on PostgreSQL, in
 * a private cluster that test/postgres-setup.ts starts (TEST_DIALECT tells test/helpers/store.ts).
 */
export const POSTGRES_SUITES = ['test/server/store.test.ts', 'test/postgres/**/*.test.ts'];

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
      { test: { ...shared, name: 'sqlite', include: ['test/**/*.test.ts'], exclude: ['test/postgres/**'], globalSetup: ['test/global-setup.ts'] } },
      { test: { ...shared, name: 'postgres', include: POSTGRES_SUITES, globalSetup: ['test/postgres-setup.ts'], env: { TEST_DIALECT: 'postgres' } } },
    ],
  },
});
