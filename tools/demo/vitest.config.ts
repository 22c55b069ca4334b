import { defineConfig } from 'vitest/config';

// The demo test runs the whole demo (fork, SIGKILL, fdatasync loops): allow for slow disks.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 120_000 } });
