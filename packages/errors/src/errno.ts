// errno.ts -- errno names, strerror texts and pmem2_err_to_errno

import { constants } from 'node:os';
import { PMEM2_E } from './codes.js';
import { LINUX_ERRNO } from './strerror-table.js';

/**
 * The errno values of this system by name, positive (`ERRNO.EINVAL` is 22 on Linux): the one
 * table of errno numbers every `@pmem2` package uses. libpmem2 returns them negated, so a
 * `Pmem2Error` for a failed system call has `errno === -ERRNO.<name>`.
 *
 * @example
 * ```ts
 * import { ERRNO } from '@pmem2/errors';
 * ERRNO.EINVAL; // 22
 * -ERRNO.ENOMEM; // -12, libpmem2's return value for ENOMEM
 * ```
 * @see errno(3)
 */
export const ERRNO: Readonly<typeof constants.errno> = constants.errno;

const OS_ERRNO_NAME: ReadonlyMap<number, string> = new Map(
  Object.entries(ERRNO).map(([name, value]) => [value, name]),
);

/**
 * Returns the symbolic name of a (positive or negative) errno value, such as `'EACCES'` for
 * 13 or −13. Unknown values give `'E<n>'`.
 *
 * @example
 * ```ts
 * import { errnoName } from '@pmem2/errors';
 * errnoName(-13); // 'EACCES'
 * ```
 * @see errno(3)
 */
export function errnoName(errno: number): string {
  const n = Math.abs(errno);
  return LINUX_ERRNO.get(n)?.[0] ?? OS_ERRNO_NAME.get(n) ?? `E${n}`;
}

/**
 * Returns glibc's `strerror(3)` text for a (positive or negative) errno value, exactly as
 * libpmem2 prints it after a colon (`"mmap: Permission denied"`).
 *
 * @example
 * ```ts
 * import { strerror } from '@pmem2/errors';
 * strerror(9); // 'Bad file descriptor'
 * ```
 * @see strerror(3)
 */
export function strerror(errno: number): string {
  const n = Math.abs(errno);
  return LINUX_ERRNO.get(n)?.[1] ?? `Unknown error ${n}`;
}

/**
 * Returns the errno value of a (positive) errno name such as `'ENOMEM'`, or `undefined`.
 *
 * @example
 * ```ts
 * import { errnoValue } from '@pmem2/errors';
 * errnoValue('ENOMEM'); // 12
 * ```
 * @see errno(3)
 */
export function errnoValue(name: string): number | undefined {
  return (ERRNO as Readonly<Record<string, number>>)[name];
}

/**
 * Converts a libpmem2 return value to a positive errno, as `pmem2_err_to_errno` does:
 * `PMEM2_E_NOSUPP` → `ENOTSUP`, any other `PMEM2_E_*` → `EINVAL`, `-errno` → `errno`, 0 → 0.
 *
 * @throws RangeError for a positive value (libpmem2 aborts the process there).
 * @example
 * ```ts
 * import { errToErrno, PMEM2_E } from '@pmem2/errors';
 * errToErrno(PMEM2_E.NOSUPP); // 95 (ENOTSUP)
 * errToErrno(-12);            // 12 (ENOMEM)
 * ```
 * @see libpmem2: pmem2_err_to_errno(3)
 */
export function errToErrno(err: number): number {
  if (!Number.isSafeInteger(err) || err > 0) {
    throw new RangeError(
      `pmem2_err_to_errno takes a libpmem2 return value (0 or negative), got ${String(err)}`,
    );
  }
  if (err === PMEM2_E.NOSUPP) return ERRNO.ENOTSUP;
  if (err <= PMEM2_E.UNKNOWN) return ERRNO.EINVAL;
  return err === 0 ? 0 : -err;
}
