// helpers.ts -- runs child scripts of test/children (from the package directory, so that
// `@pmem2/*` resolve) on top of @pmem2/test-kit

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChildResult, tempDir as kitTempDir, runNode } from '@pmem2/test-kit';

export { answerOf } from '@pmem2/test-kit';

/** The package directory (children run there so `@pmem2/*` resolve). */
export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the child scripts live. */
export const childrenDir = join(packageDir, 'test', 'children');

/** Whether `pnpm test:soak` asked for the full endurance sizes. */
export const soak = process.env.PMEM2_SOAK === '1';

/** Options of {@link runChild}. */
export interface ChildOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly execArgv?: readonly string[];
  readonly timeout?: number;
}

/** Runs `node [execArgv] test/children/<script> ...args` and waits for it. */
export function runChild(
  script: string,
  args: readonly string[] = [],
  options: ChildOptions = {},
): ChildResult {
  return runNode([join(childrenDir, script), ...args], {
    cwd: packageDir,
    env: options.env,
    nodeFlags: options.execArgv,
    timeout: options.timeout,
  });
}

/**
 * A fresh directory `pmem2-reliability-<prefix>-*` under os.tmpdir() (children's leak checks
 * look for that marker), removed after the test file.
 */
export function tempDir(prefix: string): string {
  return kitTempDir(`pmem2-reliability-${prefix}-`);
}
