// vitest.config.ts -- the matrix and the randomized run share one worker: both use the probe
import { withTestKit } from '@pmem2/test-kit/vitest';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: withTestKit({
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
  }),
});
