import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The long three-host campaign runs in `npm run test:crash` only (its short run is
    // test/multiprocess/three-hosts.test.ts).
    exclude: ['**/node_modules/**', 'test/crash/kill-hosts.test.ts'],
    reporters: ['default', 'json', './test/support/progress-reporter.ts'],
    outputFile: { json: 'reports/vitest.json' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
