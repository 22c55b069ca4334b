// vitest.ts -- the test-kit part of every package's vitest config

import { fileURLToPath } from 'node:url';

/** Vitest `test` options the kit adds. */
export interface KitTestOptions {
  readonly setupFiles: string[];
  readonly globalSetup: string[];
}

/**
 * Adds the kit's setup file (temp dirs removed after each test file) and its temp-dir guard
 * (private TMPDIR per run, checked empty at the end) to a vitest `test` config.
 */
export function withTestKit<T extends object>(test: T): T & KitTestOptions {
  return {
    ...test,
    setupFiles: [fileURLToPath(new URL('./setup.js', import.meta.url))],
    globalSetup: [fileURLToPath(new URL('./tmp-guard.js', import.meta.url))],
  };
}
