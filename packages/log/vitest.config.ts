import { withTestKit } from '@pmem2/test-kit/vitest';
import { defineConfig } from 'vitest/config';

// The crash suite forks and SIGKILLs hundreds of writers: allow it its minute.
export default defineConfig({
  test: withTestKit({ include: ['test/**/*.test.ts'], testTimeout: 180_000 }),
});
