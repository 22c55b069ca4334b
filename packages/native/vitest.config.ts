import { withTestKit } from '@pmem2/test-kit/vitest';
import { defineConfig } from 'vitest/config';

// Children (env overrides, crash tests, the packed-tarball install) need more than 5 s on a busy machine.
export default defineConfig({
  test: withTestKit({ include: ['test/**/*.test.ts'], testTimeout: 120_000 }),
});
