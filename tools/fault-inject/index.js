// index.js -- builds the fault-injection shim and runs scripts under it
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, 'shim.c');
const cacheDir = join(here, '.cache');

/**
 * Compiles shim.c (once per version of its text) and returns the path of the .so.
 *
 * The .so is named after a hash of shim.c, so an existing file is always a complete build of
 * this text, and it is compiled under a private temporary name and renamed into place: test
 * processes that build at the same time (turbo runs several packages' fault tests at once)
 * never preload a half-written file ("cannot be preloaded (file too short): ignored", after
 * which no fault is injected at all).
 */
export function buildShim() {
  const digest = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 16);
  const output = join(cacheDir, `pmem2-fault-shim-${digest}.so`);
  if (existsSync(output)) return output;
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${output}.${process.pid}.tmp`;
  try {
    execFileSync('cc', [
      '-std=gnu11',
      '-O1',
      '-Wall',
      '-Wextra',
      '-Werror',
      '-shared',
      '-fPIC',
      '-o',
      partial,
      source,
      '-ldl',
    ]);
    renameSync(partial, output);
  } finally {
    rmSync(partial, { force: true });
  }
  return output;
}

/** The path whose open() arms the shim; open it from the script under test. */
export const ARM_PATH = '/pmem2-fault/arm';

/**
 * Runs `node --input-type=module -e code` with the shim preloaded and the fault configured.
 * The shim goes first in LD_PRELOAD, before whatever the environment preloads already (e.g.
 * libasan for a sanitized addon, which then needs ASAN_OPTIONS=verify_asan_link_order=0), so
 * that the addon's calls reach the shim with their return address in the addon.
 */
export function runWithFault(fault, code, options = {}) {
  const inherited = { ...process.env, ...options.env };
  const env = {
    ...inherited,
    LD_PRELOAD: [buildShim(), inherited.LD_PRELOAD].filter(Boolean).join(' '),
    PMEM2_FAULT_FUNC: fault.func,
    PMEM2_FAULT_NTH: String(fault.nth ?? 1),
    PMEM2_FAULT_ERRNO: String(fault.errno),
  };
  if (fault.path !== undefined) env.PMEM2_FAULT_PATH = fault.path;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: options.cwd ?? process.cwd(),
    env,
    encoding: 'utf8',
    timeout: options.timeout ?? 60_000,
  });
  return {
    status: result.status,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}
