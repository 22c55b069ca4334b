// vitest.config.ts -- the kit's own tests, under the kit's setup and temp-dir guard
import { defineConfig } from 'vitest/config';
import { withTestKit } from './dist/vitest.js';

export default defineConfig({ test: withTestKit({ include: ['test/**/*.test.ts'] }) });
