// path-error.ts -- an error about the fd Source.fromPath opened, said about the path instead

import { isPmem2Error, Pmem2Error } from '@pmem2/errors';

/**
 * `error` with `fd <fd>` in its message replaced by the quoted path the fd was opened from
 * (a caller of `Source.fromPath` never saw the fd); any other error is returned as it is.
 */
export function namingPath(error: unknown, fd: number, path: string): unknown {
  const fdName = new RegExp(`\\bfd ${fd}\\b`, 'g');
  if (!isPmem2Error(error) || !fdName.test(error.message)) return error;
  return new Pmem2Error(error.errno, error.message.replace(fdName, JSON.stringify(path)), {
    libpmem2Message: error.libpmem2Message,
    ...(error.syscall !== undefined && { syscall: error.syscall }),
    cause: error.cause,
  });
}
