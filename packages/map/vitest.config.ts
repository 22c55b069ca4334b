import { withTestKit } from '@pmem2/test-kit/vitest';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: withTestKit({ include: ['test/**/*.test.ts'], testTimeout: 30_000 }),
});
