import { withTestKit } from '@pmem2/test-kit/vitest';
import { defineConfig } from 'vitest/config';

// An example runs in its own Node process; the RingLog ones take seconds on a loaded machine.
export default defineConfig({
  test: withTestKit({ include: ['test/**/*.test.ts'], testTimeout: 60_000 }),
});
