// oracle.ts -- compiles a C program against the installed libpmem2 (the oracle the tests
// compare with), or says loudly why it cannot

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tempDir } from './temp.js';

/** libpmem2's public header; its absence means libpmem2-dev is not installed. */
export const LIBPMEM2_HEADER = '/usr/include/libpmem2.h';
/** libpmem2's header of codes, flags and enums (PMEM2_E_*, PMEM2_F_MEM_*). */
export const LIBPMEM2_BASE_H = '/usr/include/libpmem2/base.h';

/** Options of {@link buildOracle}. */
export interface OracleOptions {
  /** What the oracle checks, for the SKIPPED line ("mcsafe vs libpmem2 oracle comparison"). */
  readonly what: string;
  /** Extra gcc flags (before the source file). */
  readonly flags?: readonly string[];
}

/** Why no oracle can be built here, or `undefined` when it can. */
export function oracleMissing(): string | undefined {
  if (!existsSync(LIBPMEM2_HEADER)) {
    return `${LIBPMEM2_HEADER} is missing (apt-get install libpmem2-dev)`;
  }
  if (spawnSync('gcc', ['--version']).status !== 0) return 'gcc is not installed';
  return undefined;
}

/**
 * The one rule for a test that cannot run here: with PMEM2_REQUIRE_ORACLE=1 (CI) it throws,
 * failing the file; otherwise it prints `SKIPPED: <what> — <why>` (which run-tests.mjs repeats
 * in its summary) and the caller skips.
 */
export function reportSkip(what: string, why: string): void {
  const message = `SKIPPED: ${what} — ${why}`;
  if (process.env.PMEM2_REQUIRE_ORACLE === '1') throw new Error(message);
  console.warn(message);
}

/**
 * Whether `path`, a file of libpmem2-dev, is installed; when not, reports the skip of `what`
 * ({@link reportSkip}: a failure with PMEM2_REQUIRE_ORACLE=1).
 */
export function libpmem2FileOrSkip(path: string, what: string): boolean {
  if (existsSync(path)) return true;
  reportSkip(what, `${path} is missing (apt-get install libpmem2-dev)`);
  return false;
}

/**
 * Compiles `program` (a C file) with `gcc -O1 -Wall ... -lpmem2` into a temp dir removed
 * after the test file and returns the executable, or reports the skip ({@link reportSkip}) and
 * returns `undefined` when libpmem2-dev or gcc is missing or the build fails.
 */
export function buildOracle(program: string, options: OracleOptions): string | undefined {
  let why = oracleMissing();
  if (why === undefined) {
    const binary = join(tempDir('pmem2-oracle-'), basename(program, '.c'));
    try {
      execFileSync(
        'gcc',
        ['-O1', '-Wall', ...(options.flags ?? []), program, '-o', binary, '-lpmem2'],
        { stdio: 'pipe' },
      );
      return binary;
    } catch (error) {
      why = `gcc could not build the libpmem2 oracle: ${String(error)}`;
    }
  }
  reportSkip(options.what, why);
  return undefined;
}
