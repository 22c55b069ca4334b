import { withTestKit } from '@pmem2/test-kit/vitest';
import { defineConfig } from 'vitest/config';

// Every test spawns node on the built binary (and loads the native addon): allow for a busy machine.
export default defineConfig({
  test: withTestKit({ include: ['test/**/*.test.ts'], testTimeout: 60_000 }),
});
