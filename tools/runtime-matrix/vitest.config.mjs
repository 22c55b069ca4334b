// vitest.config.mjs -- unit tests of the matrix runner's pure parts (no runtimes are fetched)
import { withTestKit } from '@pmem2/test-kit/vitest';
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: withTestKit({ include: ['test/**/*.test.mjs'] }) });
