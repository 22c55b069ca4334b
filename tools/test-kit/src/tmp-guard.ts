// tmp-guard.ts -- vitest globalSetup: the run gets private temp directories (TMPDIR, and
// PMEM2_TEST_SHM under /dev/shm), and the run fails if anything is left in them at the end

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Makes the run's directories and points TMPDIR (os.tmpdir() of the test workers and of every
 * child they start) and PMEM2_TEST_SHM at them; returns the teardown, which removes them and
 * throws naming every entry a test left behind.
 */
export default function setup(): () => void {
  const previous = { TMPDIR: process.env.TMPDIR, PMEM2_TEST_SHM: process.env.PMEM2_TEST_SHM };
  const dirs = [mkdtempSync(join(tmpdir(), 'pmem2-test-run-'))];
  if (existsSync('/dev/shm')) dirs.push(mkdtempSync(join('/dev/shm', 'pmem2-test-run-')));
  const [tmp, shm] = dirs;
  process.env.TMPDIR = tmp;
  if (shm !== undefined) process.env.PMEM2_TEST_SHM = shm;
  // `vitest list` and interrupted runs skip the teardown: the directories still go at exit
  const removeDirs = () => {
    for (const dir of dirs) removeRunDir(dir);
  };
  process.once('exit', removeDirs);
  return () => {
    process.off('exit', removeDirs);
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    // Node >= 22 keeps its module compile cache in TMPDIR: the runtime's, not a test's
    const left = dirs.flatMap((dir) =>
      readdirSync(dir)
        .filter((entry) => entry !== 'node-compile-cache')
        .map((entry) => join(dir, entry)),
    );
    removeDirs();
    if (left.length > 0) {
      // vitest reports a teardown error but keeps its exit status: set the status, then throw
      process.exitCode = 1;
      throw new Error(
        `the tests left ${left.length} temp entries behind (every test removes what it makes): ${left.join(', ')}`,
      );
    }
  };
}

/**
 * Removes a run directory, also when a test's `chattr +a` file was left in it (a run that never
 * reached the test's afterAll): the attribute is cleared, then the removal retried.
 */
function removeRunDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    spawnSync('chattr', ['-R', '-a', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
}
