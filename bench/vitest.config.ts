import { defineConfig } from 'vitest/config';

/**
 * The benchmarks run under Vitest only for its TypeScript loading: each file is one process
 * (forks), files run one after another so that no two benchmarks share the CPU, and the time
 * limits are the benchmarks' own bounds. `npm test` never includes bench/ (see ../vitest.config.ts).
 */
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['bench/**/*.bench.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 20 * 60_000,
    hookTimeout: 60_000,
    env: { TZ: 'UTC', NO_COLOR: '1' },
  },
});
