// vitest.config.mjs -- the release checks: package metadata, tarball contents, the e2e's judges
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['test/**/*.test.mjs'], testTimeout: 60_000 } });
