// fd-flags.ts -- fcntl(fd, F_GETFL) for Linux, read from /proc/self/fdinfo/<fd>

import { ERRNO } from '@pmem2/errors';
import { readFdinfoText } from './fdinfo-text.js';
import { requireErrno } from './node-errno.js';

/** The outcome of {@link fdStatusFlags}: the flags, or the errno fcntl would set. */
export type FdFlagsResult = { readonly flags: number } | { readonly errno: number };

/**
 * The file status flags of `fd`, like `fcntl(fd, F_GETFL)`: the octal `flags:` field of
 * `/proc/self/fdinfo/<fd>`. A missing entry means the fd is not open (EBADF).
 *
 * @remarks Linux only. The field may also hold O_CLOEXEC, which F_GETFL omits; only the
 * access mode (`flags & O_ACCMODE`) is used by this package.
 */
export function fdStatusFlags(fd: number): FdFlagsResult {
  let text: string;
  try {
    text = readFdinfoText(fd);
  } catch (error) {
    const errno = requireErrno(error);
    return { errno: errno === ERRNO.ENOENT ? ERRNO.EBADF : errno };
  }
  const match = /^flags:\s*([0-7]+)$/m.exec(text);
  if (match?.[1] === undefined) {
    throw new Error(`/proc/self/fdinfo/${fd} has no "flags:" line; is /proc a Linux procfs?`);
  }
  return { flags: Number.parseInt(match[1], 8) };
}
