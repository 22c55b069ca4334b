// vitest.config.mjs -- unit tests of the matrix runner's pure parts (no runtimes are fetched)
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['test/**/*.test.mjs'] } });
