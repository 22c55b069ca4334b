// vitest.config.ts -- the reliability suite: children do the risky work, two files at a time
import { withTestKit } from '@pmem2/test-kit/vitest';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: withTestKit({
    include: ['test/**/*.test.ts'],
    maxWorkers: 2,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  }),
});
