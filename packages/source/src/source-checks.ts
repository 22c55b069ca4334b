// source-checks.ts -- pmem2_source_from_fd's checks, in libpmem2's order, and the open(2) of
// Source.fromPath; the fstat every size query repeats; the error of a deleted handle

import { type BigIntStats, constants, fstatSync, openSync } from 'node:fs';
import { ERRNO, PMEM2_E, Pmem2Error, strerror } from '@pmem2/errors';
import { fdStatusFlags } from './fd-flags.js';
import { fileTypeFromStat } from './file-type.js';
import { requireErrno } from './node-errno.js';
import type { SourceType } from './source-types.js';

const O_ACCMODE = 3;

/** Facts recorded when an fd source is created (`struct pmem2_source` for PMEM2_SOURCE_FD). */
export interface FdFacts {
  readonly fd: number;
  readonly owned: boolean;
  readonly dev: bigint;
  readonly rdev: bigint;
}

/**
 * Runs pmem2_source_from_fd's checks on `fd` (negative, fcntl F_GETFL, O_WRONLY, fstat, file
 * type, directory) and returns the source type and the facts to record.
 */
export function checkSourceFd(
  fd: number,
  owned: boolean,
  root: string,
): { type: SourceType; file: FdFacts } {
  if (fd < 0) {
    throw new Pmem2Error(
      PMEM2_E.INVALID_FILE_HANDLE,
      `fd ${fd} is negative; pass an open file descriptor`,
      { libpmem2Message: '' },
    );
  }
  const status = fdStatusFlags(fd);
  if ('errno' in status) {
    const text = `fcntl: ${strerror(status.errno)}`;
    const ebadf = status.errno === ERRNO.EBADF;
    throw new Pmem2Error(
      ebadf ? PMEM2_E.INVALID_FILE_HANDLE : -status.errno,
      ebadf
        ? `fd ${fd} is not an open file descriptor (${text})`
        : `fcntl(${fd}, F_GETFL) failed: ${text}`,
      { libpmem2Message: text, syscall: 'fcntl' },
    );
  }
  if ((status.flags & O_ACCMODE) === constants.O_WRONLY) {
    throw new Pmem2Error(
      PMEM2_E.INVALID_FILE_HANDLE,
      `fd ${fd} is open O_WRONLY; open the file with O_RDONLY or O_RDWR ('r' or 'r+')`,
      { libpmem2Message: 'fd must be open with O_RDONLY or O_RDWR' },
    );
  }
  const stats = fstatOrThrow(fd);
  const type = fileTypeFromStat(stats, root);
  if (type === 'directory') {
    throw new Pmem2Error(
      PMEM2_E.INVALID_FILE_TYPE,
      `fd ${fd} is a directory; a source must be a regular file or device DAX`,
      { libpmem2Message: 'cannot set fd to directory in pmem2_source_from_fd' },
    );
  }
  return { type, file: { fd, owned, dev: stats.dev, rdev: stats.rdev } };
}

/**
 * Opens `path` for Source.fromPath: O_RDWR (O_RDONLY when `readOnly`) | O_NONBLOCK, so that a
 * FIFO is refused instead of blocking; a failure is `-errno` naming the path.
 */
export function openSourcePath(path: string, readOnly: boolean): number {
  const access = readOnly ? constants.O_RDONLY : constants.O_RDWR;
  try {
    return openSync(path, access | constants.O_NONBLOCK);
  } catch (error) {
    const errno = requireErrno(error);
    const mode = readOnly ? 'read-only' : 'read-write';
    throw Pmem2Error.fromErrno(
      errno,
      'open',
      `cannot open "${path}" ${mode}: ${strerror(errno)}; check that it exists and that you may ${readOnly ? 'read' : 'read and write'} it`,
    );
  }
}

/** fstat(2) of `fd` with libpmem2's errors: EBADF is PMEM2_E_INVALID_FILE_HANDLE, else -errno. */
export function fstatOrThrow(fd: number): BigIntStats {
  try {
    return fstatSync(fd, { bigint: true });
  } catch (error) {
    const errno = requireErrno(error);
    const text = `fstat: ${strerror(errno)}`;
    const ebadf = errno === ERRNO.EBADF;
    throw new Pmem2Error(
      ebadf ? PMEM2_E.INVALID_FILE_HANDLE : -errno,
      ebadf
        ? `fd ${fd} is not an open file descriptor (${text}); was it closed?`
        : `fstat(${fd}) failed: ${text}`,
      { libpmem2Message: text, syscall: 'fstat' },
    );
  }
}

/**
 * The error of a call on a deleted source or bad block context: `PMEM2_E_INVALID_FILE_HANDLE`
 * with `text` (libpmem2 has no message: its handle would be freed memory).
 */
export function deletedHandleError(text: string): Pmem2Error {
  return new Pmem2Error(PMEM2_E.INVALID_FILE_HANDLE, text, { libpmem2Message: '' });
}
