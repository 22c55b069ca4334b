import { withTestKit } from '@pmem2/test-kit/vitest';
import { defineConfig } from 'vitest/config';

const kit = withTestKit({ include: ['test/**/*.test.ts'], testTimeout: 30_000 });

export default defineConfig({
  test: { ...kit, setupFiles: [...kit.setupFiles, 'test/setup.ts'] },
});
