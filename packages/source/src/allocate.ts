// allocate.ts -- Source.allocate: posix_fallocate(3) over a regular file (beyond libpmem2; PMDK
// allocates its pool files this way), so that a full file system is ENOSPC before mapping,
// not a page lost to a store later

import { fstatSync, ftruncateSync, readSync, writeSync } from 'node:fs';
import { ERRNO, PMEM2_E, Pmem2Error, strerror } from '@pmem2/errors';
import { nativeFileOps } from './native-file-ops.js';
import { requireErrno } from './node-errno.js';
import type { SourceType } from './source-types.js';

const OFF_T_MAX = 2n ** 63n - 1n;
const EOPNOTSUPP = ERRNO.EOPNOTSUPP;

/** `value` as a bigint file offset or length in [min, 2^63 - 1]; else EINVAL naming `what`. */
function fileRange(value: number | bigint, min: bigint, what: string): bigint {
  const n =
    typeof value === 'bigint' ? value : Number.isSafeInteger(value) ? BigInt(value) : undefined;
  if (n === undefined || n < min || n > OFF_T_MAX) {
    throw new Pmem2Error(
      -ERRNO.EINVAL,
      `allocate: the ${what} ${String(value)} is not an integer from ${min} to 2^63 - 1`,
    );
  }
  return n;
}

/**
 * What posix_fallocate(3) does where the file system has no fallocate: in each block of the
 * range, a byte that reads 0 (or lies past the end) is written 0, so every block is allocated
 * and no byte changes. 0, or the positive errno of the read or write that failed.
 */
function touchBlocks(fd: number, offset: bigint, length: bigint): number {
  const block = BigInt(fstatSync(fd).blksize || 4096);
  const byte = new Uint8Array(1);
  const end = offset + length;
  try {
    // the last byte of each block from the one holding `offset`, and the range's last byte
    for (let at = offset - (offset % block) + block - 1n; ; at += block) {
      const last = at >= end - 1n;
      const position = Number(last ? end - 1n : at); // exact: files end far below 2^53
      const read = readSync(fd, byte, 0, 1, position);
      if (read === 0 || byte[0] === 0) writeSync(fd, new Uint8Array(1), 0, 1, position);
      if (last) return 0;
    }
  } catch (error) {
    return requireErrno(error);
  }
}

/**
 * Allocates `[offset, offset + length)` of a regular file's `fd`, growing the file when the
 * range ends past it: fallocate(2) through `@pmem2/native` when it is installed, else (or
 * where the file system answers EOPNOTSUPP) posix_fallocate's emulation. A failure leaves the
 * file its size.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} as `Source.allocate`.
 */
export function allocateFile(
  fd: number,
  type: SourceType,
  offset: number | bigint,
  length: number | bigint,
): void {
  if (type !== 'regular') {
    throw new Pmem2Error(
      PMEM2_E.SOURCE_TYPE_NOT_SUPPORTED,
      `allocate: a ${type === 'devdax' ? 'device DAX source is allocated by its namespace' : `${type} source has no blocks to allocate`}; only regular files can be allocated`,
    );
  }
  const from = fileRange(offset, 0n, 'offset');
  const size = fileRange(length, 1n, 'length');
  if (from + size > OFF_T_MAX) {
    throw new Pmem2Error(
      -ERRNO.EFBIG,
      `allocate: offset ${from} + length ${size} passes 2^63 - 1, the largest file offset`,
    );
  }
  const before = fstatSync(fd).size;
  const { ops } = nativeFileOps();
  let errno = ops === null ? EOPNOTSUPP : -ops.fallocate(fd, 0, from, size);
  if (errno === EOPNOTSUPP) errno = touchBlocks(fd, from, size);
  if (errno === 0) return;
  // nothing half-done: a failure leaves the file its size (the emulation grows it as it goes)
  if (fstatSync(fd).size > before) ftruncateSync(fd, before);
  const advice =
    errno === ERRNO.ENOSPC ? '; the file system is full: free space on it, or allocate less' : '';
  throw Pmem2Error.fromErrno(
    errno,
    'fallocate',
    `allocate: cannot allocate ${size} bytes at offset ${from} of fd ${fd}: ${strerror(-errno)}${advice}`,
  );
}
