// oracle.ts -- the oracle skip rule: no libpmem2 → skip loudly, unless PMEM2_REQUIRE_ORACLE=1

import { buildProbe, type ProbeBuild } from './probe-build.js';

/** The probe binary, or null when the tests that need it must be skipped. */
export interface Oracle {
  readonly binary: string | null;
}

/**
 * Builds the probe. Without libpmem2: throws if `PMEM2_REQUIRE_ORACLE=1`, otherwise warns
 * `SKIPPED: <what> — <why>` and returns `{binary: null}` so callers use `describe.runIf`.
 * `build` defaults to compiling probe.c; tests pass a stand-in.
 */
export function requireOracle(what: string, build: ProbeBuild = buildProbe()): Oracle {
  if (build.ok) return { binary: build.binary };
  if (process.env.PMEM2_REQUIRE_ORACLE === '1') {
    throw new Error(`${what} needs the real libpmem2 (PMEM2_REQUIRE_ORACLE=1): ${build.reason}`);
  }
  console.warn(`SKIPPED: ${what} — ${build.reason}`);
  return { binary: null };
}
