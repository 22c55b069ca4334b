import { withTestKit } from '@pmem2/test-kit/vitest';
import { defineConfig } from 'vitest/config';

// The demo test runs the whole demo (fork, SIGKILL, fdatasync loops): allow for slow disks.
export default defineConfig({
  test: withTestKit({ include: ['test/**/*.test.ts'], testTimeout: 120_000 }),
});
