import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    environment: 'node',
    // Suites that drive Zoho's SDK share its process-global state, so files run one at a time
    // per worker and tests inside a file run in order.
    fileParallelism: true,
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
