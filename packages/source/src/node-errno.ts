// node-errno.ts -- the positive errno of an error thrown by node:fs

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
