// `npm run test:crash`: only the crash tests, with the full count of kill points and a total at the end.

import { defineConfig } from 'vitest/config';

// eslint-disable-next-line no-restricted-syntax -- vitest reads a config's default export
export default defineConfig({
  test: {
    include: ['test/crash/**/*.test.ts'],
    globalSetup: ['test/crash/kill-point-tally.ts'],
    reporters: ['default'],
    // 55 kill points of each of the 4 kinds: 220 in all, plus the server and three-host campaigns
    // (override with BURROW_CRASH_ITERATIONS).
    env: { BURROW_CRASH_ITERATIONS: process.env['BURROW_CRASH_ITERATIONS'] ?? '55' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
