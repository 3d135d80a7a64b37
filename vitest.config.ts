import { availableParallelism } from 'node:os';
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
    // Two files at once even on two cores: most suites wait on sockets, SMTP and child processes
    // (331 s one at a time, 238 s two at a time on this 2-core machine).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
