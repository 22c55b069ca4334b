// node-errno.ts -- the positive errno of an error thrown by node:fs, and realpath(3) with
// libpmem2's error

import { realpathSync } from 'node:fs';
import { Pmem2Error, strerror } from '@pmem2/errors';

/** The positive errno of a `node:fs` error, or `undefined` for anything else. */
export function errnoOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('errno' in error)) return undefined;
  const errno = (error as { errno: unknown }).errno;
  return typeof errno === 'number' ? Math.abs(errno) : undefined;
}

/** Re-throws an error that did not come from a failed system call. */
export function requireErrno(error: unknown): number {
  const errno = errnoOf(error);
  if (errno === undefined) throw error;
  return errno;
}

/**
 * realpath(3) of `path`; a failure is `-errno` with libpmem2's text `realpath "<path>":
 * <strerror>`, and `why` says what could not be done (`cannot resolve <path>`).
 */
export function realpathOrThrow(path: string, why: string): string {
  try {
    return realpathSync.native(path);
  } catch (error) {
    const errno = requireErrno(error);
    const text = `realpath "${path}": ${strerror(errno)}`;
    throw new Pmem2Error(-errno, `${why}: ${text}`, { libpmem2Message: text, syscall: 'realpath' });
  }
}
