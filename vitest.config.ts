import { defineConfig } from 'vitest/config';

// Two projects: the harness's own tests, and the fault-injection suites under suites/ (what
// `seam gate` runs; here they run against the sample connectors too). Both import the built
// code where they need processes (the CLI, the connectors), so `npm test` builds first.
export default defineConfig({
  test: {
    exclude: ['node_modules', 'dist'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/support/closing-line-reporter.ts'],
    env: { PACT_DO_NOT_TRACK: 'true' },
    projects: [
      // test/fixtures: suites that tests hand to `seam gate`, not tests of their own.
      { extends: true, test: { name: 'harness', include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'connectors/**/*.test.ts'], exclude: ['node_modules', 'dist', 'test/fixtures/**'] } },
      { extends: true, test: { name: 'suites', include: ['suites/**/*.test.ts'], testTimeout: 120_000 } },
    ],
  },
});
