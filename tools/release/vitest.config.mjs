// vitest.config.mjs -- the release checks: package metadata, tarball contents, the e2e's judges
import { withTestKit } from '@pmem2/test-kit/vitest';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: withTestKit({ include: ['test/**/*.test.mjs'], testTimeout: 60_000 }),
});
