import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // End-to-end tests spawn the built CLI and a simulator; keep them off the unit-test clock.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: { TZ: 'UTC', NO_COLOR: '1' },
  },
});
