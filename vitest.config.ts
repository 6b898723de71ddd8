import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    // The machine has 2 cores; heavier suites (browser, models) set their own timeouts.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
