// Worker-level tests run inside workerd with the real bindings of wrangler.jsonc.
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.jsonc' },
      miniflare: {
        bindings: {
          ADMIN_TOKEN: 'test-admin-token',
          AUTH_SECRET: 'test-auth-secret',
          DEV_MODE: 'true',
          ALLOWED_ORIGINS: 'https://app.example',
        },
      },
    }),
  ],
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
