// index.js -- builds the fault-injection shim and runs scripts under it
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, 'shim.c');
const output = join(here, '.cache', 'pmem2-fault-shim.so');

/** Compiles shim.c (once, or again when it changed) and returns the path of the .so. */
export function buildShim() {
  let fresh = false;
  try {
    fresh = statSync(output).mtimeMs >= statSync(source).mtimeMs;
  } catch {
    fresh = false;
  }
  if (!fresh) {
    mkdirSync(dirname(output), { recursive: true });
    execFileSync('cc', [
      '-std=gnu11',
      '-O1',
      '-Wall',
      '-Wextra',
      '-Werror',
      '-shared',
      '-fPIC',
      '-o',
      output,
      source,
      '-ldl',
    ]);
  }
  return output;
}

/** The path whose open() arms the shim; open it from the script under test. */
export const ARM_PATH = '/pmem2-fault/arm';

/** Runs `node --input-type=module -e code` with the shim preloaded and the fault configured. */
export function runWithFault(fault, code, options = {}) {
  const env = {
    ...process.env,
    ...options.env,
    LD_PRELOAD: buildShim(),
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
