// Vitest settings for the end-to-end and browser suites: real wrangler dev, real sockets, real Chromium.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts', 'browser/**/*.test.ts'],
    // Each file starts its own wrangler dev (two workerd processes); one file at a time spares the 2 cores.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
