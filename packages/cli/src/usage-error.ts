// usage-error.ts -- a mistake on the pmem2 command line (exit status 2)

/**
 * Thrown by the argument parsers of `pmem2` for a command line that cannot be run: the
 * `message` is the one line printed on stderr, without a stack trace.
 *
 * @example
 * ```ts
 * import { UsageError } from '@pmem2/cli';
 * const e = new UsageError('missing <path>');
 * e.message; // 'missing <path>'
 * ```
 * @see libpmem2: pmem2_perror(3)
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
