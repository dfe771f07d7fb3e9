import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Makes the run folder and the test user, and ends every process the run started, even after failures.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start real sshd and Chromium processes: keep the 2-core machine from thrashing.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
