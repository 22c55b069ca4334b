// mcsafe.ts -- pmem2_source_pread_mcsafe / pmem2_source_pwrite_mcsafe (libpmem2: mcsafe_ops_posix.c)

import { readSync, writeSync } from 'node:fs';
import { ERRNO, PMEM2_E, Pmem2Error, strerror } from '@pmem2/errors';
import { requireErrno } from './node-errno.js';
import { toSizeT, wrapSizeT } from './size-t.js';
import type { Source } from './source.js';

/** Linux's MAX_RW_COUNT: one read(2)/write(2) moves at most this many bytes. */
const MAX_RW_COUNT = 0x7ffff000;
const OFF_T_MAX = 2n ** 63n - 1n;

/** Which of the two operations runs. */
export type McsafeOperation = 'read' | 'write';

/**
 * The mcsafe reads and writes of a {@link Source} (libpmem2: mcsafe_ops_posix.c): I/O that
 * reports a bad block as an error instead of a crash.
 *
 * @example
 * ```ts
 * import { type McsafeIo, Source } from '@pmem2/source';
 * const io: McsafeIo = Source.fromAnon(4096);
 * io.preadMcsafe(Buffer.alloc(1), 0); // throws PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED
 * ```
 * @see libpmem2: pmem2_source_pread_mcsafe(3), pmem2_source_pwrite_mcsafe(3)
 */
export interface McsafeIo {
  /**
   * Reads `buffer.byteLength` bytes at `offset` of the source into `buffer`, reporting a bad
   * block as an error instead of a crash.
   *
   * @remarks
   * libpmem2's checks, in its order: the source must come from a file (not
   * {@link Source.fromAnon}); the length must fit between `offset` and the end of the source,
   * computed in C's wrapping `size_t` arithmetic (so an offset past the end passes the check, as
   * in libpmem2, and reads nothing); then one pread(2), whose short count is ignored as in C (bytes
   * past the end of the file stay as they were in `buffer`). A read that hits a bad block fails
   * with EIO, reported as `PMEM2_E_IO_FAIL`. Device DAX: libpmem2 maps the device and copies under
   * a SIGBUS handler, which pure JavaScript cannot install, so this package answers
   * `PMEM2_E_NOSUPP` after the checks; map the device with `@pmem2/map` instead.
   *
   * @param buffer - where the bytes go; any `ArrayBufferView` (its `byteLength` is the size).
   * @param offset - the offset in the source, a `size_t` (number or bigint).
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED` for anonymous
   *   sources; every error of {@link Source.sizeBigInt}; `PMEM2_E_LENGTH_OUT_OF_RANGE` when the
   *   read goes beyond the end; `PMEM2_E_NOSUPP` for device DAX; `PMEM2_E_IO_FAIL` when pread
   *   fails with EIO (a bad block); `-errno` ("pread: <strerror>") when it fails otherwise
   *   (`-EINVAL` for an offset above 2^63 − 1, a negative `off_t` in C);
   *   `PMEM2_E_INVALID_FILE_HANDLE` after {@link Source.delete}.
   * @throws TypeError or RangeError when `offset` is not a `size_t`.
   * @example
   * ```ts
   * import { rmSync, writeFileSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { Source } from '@pmem2/source';
   * const path = join(tmpdir(), `pread-mcsafe-${process.pid}`);
   * writeFileSync(path, 'hello, pmem');
   * const src = Source.fromPath(path);
   * try {
   *   const buffer = Buffer.alloc(4);
   *   src.preadMcsafe(buffer, 7);
   *   buffer.toString(); // 'pmem'
   *   src.preadMcsafe(Buffer.alloc(8), 7); // throws PMEM2_E_LENGTH_OUT_OF_RANGE
   * } finally {
   *   src.delete();
   *   rmSync(path);
   * }
   * ```
   * @see libpmem2: pmem2_source_pread_mcsafe(3)
   */
  preadMcsafe(buffer: ArrayBufferView, offset: number | bigint): void;

  /**
   * Writes `buffer` at `offset` of the source, reporting a bad block as an error instead of a
   * crash.
   *
   * @remarks
   * The checks of {@link Source.preadMcsafe}, in the same order, then one pwrite(2) whose short
   * count is ignored, as in C. An offset past the end passes libpmem2's wrapping length check,
   * so the write lands there and grows the file, as in C. An fd opened read-only fails with
   * `-EBADF` ("pwrite: Bad file descriptor"). Device DAX answers `PMEM2_E_NOSUPP` (see
   * {@link Source.preadMcsafe}).
   *
   * @param buffer - the bytes to write; any `ArrayBufferView`.
   * @param offset - the offset in the source, a `size_t` (number or bigint).
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED` for anonymous
   *   sources; every error of {@link Source.sizeBigInt}; `PMEM2_E_LENGTH_OUT_OF_RANGE` when the
   *   write goes beyond the end; `PMEM2_E_NOSUPP` for device DAX; `PMEM2_E_IO_FAIL` when pwrite
   *   fails with EIO (a bad block); `-errno` ("pwrite: <strerror>") when it fails otherwise
   *   (`-EBADF` on a read-only fd, `-EINVAL` for an offset above 2^63 − 1);
   *   `PMEM2_E_INVALID_FILE_HANDLE` after {@link Source.delete}.
   * @throws TypeError or RangeError when `offset` is not a `size_t`; RangeError for an offset
   *   between 2^53 and 2^63 − 1, which node:fs cannot pass to pwrite(2).
   * @example
   * ```ts
   * import { readFileSync, rmSync, writeFileSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { Source } from '@pmem2/source';
   * const path = join(tmpdir(), `pwrite-mcsafe-${process.pid}`);
   * writeFileSync(path, 'hello, disk');
   * const src = Source.fromPath(path);
   * try {
   *   src.pwriteMcsafe(Buffer.from('pmem'), 7);
   *   readFileSync(path, 'utf8'); // 'hello, pmem'
   *   Source.fromAnon(4096).pwriteMcsafe(Buffer.from('x'), 0); // throws PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED
   * } finally {
   *   src.delete();
   *   rmSync(path);
   * }
   * ```
   * @see libpmem2: pmem2_source_pwrite_mcsafe(3)
   */
  pwriteMcsafe(buffer: ArrayBufferView, offset: number | bigint): void;
}

/**
 * Runs one mcsafe read or write of `buffer` at `offset` of `source` with libpmem2's checks in
 * its order: the source type, the length against the source size (in wrapping `size_t`
 * arithmetic, so an offset past the end passes as in C), then one pread(2)/pwrite(2) whose short
 * count is ignored, as in C.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} see {@link Source.preadMcsafe}.
 */
export function mcsafeTransfer(
  source: Source,
  operation: McsafeOperation,
  buffer: ArrayBufferView,
  offset: number | bigint,
): void {
  const position = toSizeT(offset, `${operation} offset`);
  if (source.type === 'anon') {
    throw new Pmem2Error(
      PMEM2_E.SOURCE_TYPE_NOT_SUPPORTED,
      `mcsafe ${operation}s need a file: an anonymous source has none; map it and use the mapping's memory instead`,
      {
        libpmem2Message:
          "operation doesn't support provided source type, only sources created from file descriptor or file handle are supported",
      },
    );
  }
  const length = BigInt(buffer.byteLength);
  const maxLength = wrapSizeT(source.sizeBigInt() - position);
  if (length > maxLength) {
    throw new Pmem2Error(
      PMEM2_E.LENGTH_OUT_OF_RANGE,
      `a ${operation} of ${length} bytes at offset ${position} goes beyond the end of the ${source.type} source (${maxLength} bytes are left); shorten it or grow the source`,
      {
        libpmem2Message: `size of read ${length} from offset ${position} goes beyond the file length ${maxLength}`,
      },
    );
  }
  if (source.type === 'devdax') {
    throw new Pmem2Error(
      PMEM2_E.NOSUPP,
      `mcsafe ${operation}s of device DAX are not supported by this pure-TypeScript package: libpmem2 maps the device and copies under a SIGBUS handler, which JavaScript cannot install; map the device with @pmem2/map instead`,
      { libpmem2Message: '' },
    );
  }
  systemCall(source.getFd(), operation, buffer, position);
}

function systemCall(
  fd: number,
  operation: McsafeOperation,
  buffer: ArrayBufferView,
  position: bigint,
): void {
  const syscall = operation === 'read' ? 'pread' : 'pwrite';
  if (position > OFF_T_MAX) {
    // C passes the offset as off_t: a negative one, which the kernel refuses with EINVAL
    throw ioFailure(ERRNO.EINVAL, syscall, operation, position);
  }
  if (operation === 'write' && position > BigInt(Number.MAX_SAFE_INTEGER)) {
    // node:fs takes a write position only as a number (a bigint would mean "current position")
    throw new RangeError(
      `write offset ${position} is above 2^53-1: node:fs cannot pass it to pwrite(2) exactly`,
    );
  }
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const length = Math.min(bytes.byteLength, MAX_RW_COUNT);
  try {
    if (operation === 'read') readSync(fd, bytes, 0, length, position);
    else writeSync(fd, bytes, 0, length, Number(position));
  } catch (error) {
    throw ioFailure(requireErrno(error), syscall, operation, position);
  }
}

function ioFailure(
  errno: number,
  syscall: 'pread' | 'pwrite',
  operation: McsafeOperation,
  position: bigint,
): Pmem2Error {
  if (errno === ERRNO.EIO) {
    return new Pmem2Error(
      PMEM2_E.IO_FAIL,
      `${syscall} at offset ${position} hit a physical I/O error (EIO): the range probably holds a bad block; see BadBlockContext`,
      {
        libpmem2Message: `physical I/O error occurred on ${operation} operation, possible bad block`,
        syscall,
      },
    );
  }
  return Pmem2Error.fromErrno(
    errno,
    syscall,
    `${syscall} at offset ${position} failed: ${syscall}: ${strerror(errno)}`,
  );
}
