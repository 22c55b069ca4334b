// vitest.ts -- the test-kit part of every package's vitest config

import { fileURLToPath } from 'node:url';

/** Vitest `test` options the kit adds. */
export interface KitTestOptions {
  readonly setupFiles: string[];
  readonly globalSetup: string[];
}

/**
 * Adds the kit's setup file (temp dirs removed after each test file) and its temp-dir guard
 * (private TMPDIR per run, checked empty at the end) to a vitest `test` config, and gives
 * hooks the tests' own `testTimeout` unless `hookTimeout` is set: a `beforeAll` that packs
 * and installs tarballs is as slow as a test on a busy machine (vitest's default is 10 s).
 */
export function withTestKit<T extends object>(
  test: T,
): T & KitTestOptions & { readonly hookTimeout?: number } {
  const { testTimeout } = test as { readonly testTimeout?: number };
  return {
    ...(testTimeout === undefined ? {} : { hookTimeout: testTimeout }),
    ...test,
    setupFiles: [fileURLToPath(new URL('./setup.js', import.meta.url))],
    globalSetup: [fileURLToPath(new URL('./tmp-guard.js', import.meta.url))],
  };
}
