// exit-codes.ts -- the documented exit statuses of the pmem2 command

/**
 * The exit statuses of `pmem2`.
 *
 * @remarks
 * - `OK` (0): the command did what was asked (`info` printed its report, `map` mapped and
 *   unmapped the range).
 * - `PMEM2_ERROR` (1): libpmem2's logic refused: opening the source or mapping it failed with
 *   a `Pmem2Error` (its `code`, `errno`, `message` and `libpmem2Message` are printed).
 * - `USAGE` (2): the command line is wrong (unknown command or option, a missing path, a size
 *   that is not a non-negative integer, an unknown granularity).
 * - `INTERNAL` (70, `EX_SOFTWARE`): anything else, which is a bug in `pmem2`; please report it.
 *
 * @example
 * ```ts
 * import { ExitCode } from '@pmem2/cli';
 * ExitCode.USAGE; // 2
 * ```
 * @see libpmem2: pmem2_map_new(3)
 */
export const ExitCode = {
  OK: 0,
  PMEM2_ERROR: 1,
  USAGE: 2,
  INTERNAL: 70,
} as const;

/** One value of {@link ExitCode}. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
