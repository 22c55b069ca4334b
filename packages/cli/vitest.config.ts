import { defineConfig } from 'vitest/config';

// Every test spawns node on the built binary (and loads the native addon): allow for a busy machine.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 60_000 } });
