import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    // The machine has 2 cores; heavier suites (browser, models) set their own timeouts.
    testTimeout: 30_000,
    // expect.poll's 1 s default ran out twice in browser tests while the 2 cores were busy (a click, then a page
    // that had not navigated yet): waiting longer only slows a test that would fail anyway
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
