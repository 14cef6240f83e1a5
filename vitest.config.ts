import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // packages/web's DOM tests name their environment in a docblock (`// @vitest-environment happy-dom`).
    include: ['packages/*/src/**/*.test.{ts,tsx}', 'packages/*/test/**/*.test.ts'],
    // Time is data: tests must not depend on the machine's zone.
    env: { TZ: 'Pacific/Chatham' },
    // The browser tests share one build of the web app, made before any of them runs.
    globalSetup: ['packages/web/test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
