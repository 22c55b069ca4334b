// source.ts -- Source: pmem2_source_from_fd / _from_anon / _size / _alignment / _get_fd / _delete

import { closeSync } from 'node:fs';
import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
import { allocateFile } from './allocate.js';
import { type McsafeIo, mcsafeTransfer } from './mcsafe.js';
import { numaNode } from './numa.js';
import type { NvdimmFacts } from './nvdimm-facts.js';
import { namingPath } from './path-error.js';
import { toSizeT } from './size-t.js';
import {
  checkSourceFd,
  deletedHandleError,
  type FdFacts,
  openSourcePath,
} from './source-checks.js';
import { fileSourceSize, sourceAlignment } from './source-size.js';
import type { FromPathOptions, SourceType } from './source-types.js';
import { type SysfsOptions, sysfsRoot } from './sysfs-root.js';
import { deviceId, deviceUsc } from './usc.js';

export type { FromPathOptions, SourceType } from './source-types.js';

/**
 * The data source of a mapping: an open file (regular file or device DAX) or anonymous memory.
 *
 * @remarks
 * Linux only: `fcntl(F_GETFL)` is read from `/proc/self/fdinfo/<fd>`, the page size from
 * `/proc/self/auxv`, and device DAX and NVDIMM facts from sysfs (libpmem2 asks libndctl; the
 * sysfs root can be redirected for tests, see {@link sysfsRoot}). Pure TypeScript: no native
 * code. A source from {@link Source.fromFd} does not own its fd, exactly like libpmem2: keep the
 * fd open while the source and its mappings are used. A source from {@link Source.fromPath}
 * owns its fd and closes it in {@link Source.delete}. After `delete()` every method throws.
 *
 * @example
 * ```ts
 * import { rmSync, writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { Source } from '@pmem2/source';
 * const path = join(tmpdir(), `source-${process.pid}`);
 * writeFileSync(path, Buffer.alloc(16384));
 * const src = Source.fromPath(path);
 * try {
 *   src.type; // 'regular'
 *   src.size(); // 16384
 *   src.alignment() % 4096; // 0
 * } finally {
 *   src.delete(); // closes the fd fromPath opened
 *   rmSync(path);
 * }
 * ```
 * @see libpmem2: pmem2_source_from_fd(3), pmem2_source_from_anon(3), pmem2_source_delete(3)
 */
export class Source implements Disposable, McsafeIo, NvdimmFacts {
  /**
   * The kind of source: `'regular'`, `'devdax'` or `'anon'` (see {@link SourceType}), fixed
   * when the source is created.
   *
   * @example
   * ```ts
   * import { rmSync, writeFileSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { Source } from '@pmem2/source';
   * const path = join(tmpdir(), `source-type-${process.pid}`);
   * writeFileSync(path, Buffer.alloc(16384));
   * const src = Source.fromPath(path);
   * try {
   *   src.type; // 'regular'
   *   Source.fromAnon(4096).type; // 'anon'
   *   // a device DAX such as /dev/dax0.0 gives 'devdax'
   * } finally {
   *   src.delete();
   *   rmSync(path);
   * }
   * ```
   * @see libpmem2: pmem2_source_from_fd(3)
   */
  readonly type: SourceType;
  /**
   * The sysfs root this source reads device facts from: `/` normally, resolved once at
   * creation by {@link sysfsRoot} (an extension, used by `@pmem2/map` for deep flush and by tests).
   *
   * @example
   * ```ts
   * import { Source } from '@pmem2/source';
   * Source.fromAnon(4096).sysfsRoot; // '/'
   * ```
   * @see libpmem2: pmem2_deep_flush(3)
   */
  readonly sysfsRoot: string;
  readonly #file: FdFacts | undefined;
  readonly #anonSize: bigint;
  #deleted = false;

  private constructor(type: SourceType, root: string, file: FdFacts | undefined, size: bigint) {
    this.type = type;
    this.sysfsRoot = root;
    this.#file = file;
    this.#anonSize = size;
  }

  /**
   * Creates a source from an open file descriptor, with libpmem2's checks in its order.
   *
   * @remarks
   * The fd must be open `O_RDONLY` or `O_RDWR` on a regular file or a device DAX character
   * device. The source does not own the fd: it never closes it, and the fd must stay open
   * while the source is used. The file type, `st_dev` and `st_rdev` are recorded now.
   *
   * @param fd - an open file descriptor, such as the result of `fs.openSync(path, 'r+')`.
   * @param options - `sysfsRoot`, a testing aid (see {@link sysfsRoot}).
   * @returns the new source.
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_INVALID_FILE_HANDLE` when `fd` is negative, closed, or
   *   opened `O_WRONLY` (or fstat says EBADF); `PMEM2_E_INVALID_FILE_TYPE` for a directory, a
   *   FIFO, a socket, a block device or a character device that is not device DAX; `-errno`
   *   when fcntl or fstat fail otherwise, or the sysfs `subsystem` link of a character device
   *   cannot be resolved.
   * @throws TypeError when `fd` is not an integer.
   * @example
   * ```ts
   * import { closeSync, openSync, rmSync, writeFileSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { Source } from '@pmem2/source';
   * const path = join(tmpdir(), `from-fd-${process.pid}`);
   * writeFileSync(path, Buffer.alloc(8192));
   * const fd = openSync(path, 'r+');
   * try {
   *   const src = Source.fromFd(fd);
   *   src.getFd() === fd; // true
   *   src.size(); // 8192
   *   src.delete(); // leaves fd open: the caller owns it
   *   Source.fromFd(-1); // throws PMEM2_E_INVALID_FILE_HANDLE
   * } finally {
   *   closeSync(fd);
   *   rmSync(path);
   * }
   * ```
   * @see libpmem2: pmem2_source_from_fd(3)
   */
  static fromFd(fd: number, options: SysfsOptions = {}): Source {
    if (typeof fd !== 'number' || !Number.isInteger(fd)) {
      throw new TypeError(`fd must be an integer file descriptor, got ${String(fd)}`);
    }
    return Source.#fromFd(fd, false, sysfsRoot(options));
  }

  /**
   * Creates a source of anonymous memory of `size` bytes.
   *
   * @remarks
   * A size of 0 is accepted, as in libpmem2; mapping it fails with `PMEM2_E_SOURCE_EMPTY`.
   *
   * @param size - the size in bytes: a non-negative safe integer or a bigint up to 2^64 − 1.
   * @returns the new source.
   * @throws TypeError when `size` is not an integer (or a number above 2^53 − 1);
   *   RangeError when it is negative or above 2^64 − 1. libpmem2 itself only fails with -ENOMEM.
   * @example
   * ```ts
   * import { Source } from '@pmem2/source';
   * const src = Source.fromAnon(1 << 20);
   * src.size(); // 1048576
   * ```
   * @see libpmem2: pmem2_source_from_anon(3)
   */
  static fromAnon(size: number | bigint): Source {
    return new Source('anon', sysfsRoot(), undefined, toSizeT(size, 'anonymous source size'));
  }

  /**
   * Opens `path` and creates a source that owns the file descriptor (an extension of libpmem2).
   *
   * @remarks
   * Opens with `O_RDWR` (or `O_RDONLY` with `readOnly: true`), plus `O_NONBLOCK` so that a
   * FIFO is refused instead of blocking the open, and Node's usual `O_CLOEXEC`; then runs every
   * check of {@link Source.fromFd}. The fd is closed by {@link Source.delete} or
   * `[Symbol.dispose]`, and at once when a check fails.
   *
   * @param path - the file to map: a regular file or a device DAX such as `/dev/dax0.0`.
   * @param options - `readOnly`, and `sysfsRoot` (a testing aid, see {@link sysfsRoot}).
   * @returns the new source.
   * @throws {@link @pmem2/errors!Pmem2Error} `-errno` (`ENOENT`, `EACCES`, `EISDIR`, …) when the file cannot be
   *   opened, with the path in the message and `"open: <strerror>"` as libpmem2Message; every
   *   error of {@link Source.fromFd}.
   * @throws TypeError when `path` is not a string.
   * @example
   * ```ts
   * import { rmSync, writeFileSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { Source } from '@pmem2/source';
   * const path = join(tmpdir(), `from-path-${process.pid}`);
   * writeFileSync(path, Buffer.alloc(16384));
   * const src = Source.fromPath(path, { readOnly: true });
   * try {
   *   src.size(); // 16384
   *   Source.fromPath(join(tmpdir(), 'no-such-file')); // throws ENOENT
   * } finally {
   *   src.delete();
   *   rmSync(path);
   * }
   * ```
   * @see libpmem2: pmem2_source_from_fd(3)
   */
  static fromPath(path: string, options: FromPathOptions = {}): Source {
    if (typeof path !== 'string') {
      throw new TypeError(`path must be a string, got ${typeof path}`);
    }
    const fd = openSourcePath(path, options.readOnly === true);
    try {
      return Source.#fromFd(fd, true, sysfsRoot(options));
    } catch (error) {
      closeSync(fd);
      throw namingPath(error, fd, path);
    }
  }

  static #fromFd(fd: number, owned: boolean, root: string): Source {
    const { type, file } = checkSourceFd(fd, owned, root);
    return new Source(type, root, file, 0n);
  }

  /**
   * The `st_dev` recorded by {@link Source.fromFd}: the device of the filesystem holding a
   * regular file (an extension; `@pmem2/map` uses it for deep flush and bad blocks).
   *
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_FILE_DESCRIPTOR_NOT_SET` for anonymous sources;
   *   `PMEM2_E_INVALID_FILE_HANDLE` after {@link Source.delete}.
   * @example
   * ```ts
   * import { rmSync, statSync, writeFileSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { Source } from '@pmem2/source';
   * const path = join(tmpdir(), `source-dev-${process.pid}`);
   * writeFileSync(path, Buffer.alloc(16384));
   * const src = Source.fromPath(path);
   * try {
   *   src.dev === statSync(path, { bigint: true }).dev; // true
   * } finally {
   *   src.delete();
   *   rmSync(path);
   * }
   * ```
   * @see libpmem2: pmem2_source_from_fd(3)
   */
  get dev(): bigint {
    return this.#fileFacts('device numbers').dev;
  }

  /**
   * The `st_rdev` recorded by {@link Source.fromFd}: the device number of a device DAX
   * character device (an extension; `@pmem2/map` uses it for device DAX).
   *
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_FILE_DESCRIPTOR_NOT_SET` for anonymous sources;
   *   `PMEM2_E_INVALID_FILE_HANDLE` after {@link Source.delete}.
   * @example
   * ```ts
   * import { rmSync, writeFileSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { Source } from '@pmem2/source';
   * const path = join(tmpdir(), `source-rdev-${process.pid}`);
   * writeFileSync(path, Buffer.alloc(16384));
   * const src = Source.fromPath(path);
   * try {
   *   src.rdev; // 0n
   *   // for a device DAX such as /dev/dax0.0 it is the device number, e.g. 64512n (252:0)
   *   Source.fromAnon(4096).rdev; // throws PMEM2_E_FILE_DESCRIPTOR_NOT_SET
   * } finally {
   *   src.delete();
   *   rmSync(path);
   * }
   * ```
   * @see libpmem2: pmem2_source_from_fd(3)
   */
  get rdev(): bigint {
    return this.#fileFacts('device numbers').rdev;
  }

  /**
   * The size of the source in bytes, read again on every call, as a number.
   *
   * @remarks
   * Anonymous: the size given to {@link Source.fromAnon}. Regular file: `st_size` of a fresh
   * fstat. Device DAX: fstat, then `/sys/dev/char/<M:m>/size`. The same value as
   * {@link Source.sizeBigInt}, for sizes that a number holds exactly (below 2^53); use
   * `sizeBigInt()` where an anonymous source may be larger.
   *
   * @returns the size in bytes.
   * @throws {@link @pmem2/errors!Pmem2Error} every error of {@link Source.sizeBigInt}.
   * @throws RangeError when the size exceeds 2^53 − 1 and cannot be a number exactly.
   * @example
   * ```ts
   * import { Source } from '@pmem2/source';
   * const src = Source.fromAnon(16 * 1024 * 1024);
   * src.size(); // 16777216
   * ```
   * @see libpmem2: pmem2_source_size(3)
   */
  size(): number {
    const size = this.sizeBigInt();
    if (size > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new RangeError(
        `the ${this.type} source size ${size} exceeds 2^53-1 and cannot be returned as a number; use sizeBigInt()`,
      );
    }
    return Number(size);
  }

  /**
   * The exact size of the source in bytes, read again on every call, as C's `size_t`.
   *
   * @remarks
   * What `pmem2_source_size` stores: anonymous sources may be as large as 2^64 − 1 bytes
   * (libpmem2 accepts such a size and only fails when it is mapped, with -ENOMEM from mmap), so
   * callers that pass the size on (such as `@pmem2/map`'s mapNew) need this form; otherwise it
   * is {@link Source.size}. Anonymous: the size given to {@link Source.fromAnon}. Regular file:
   * `st_size` of a fresh fstat. Device DAX: fstat, then `/sys/dev/char/<M:m>/size`.
   *
   * @returns the size in bytes, 0 ≤ size ≤ 2^64 − 1.
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_INVALID_FILE_HANDLE` when the fd was
   *   closed (fstat EBADF), fstat reports a negative size, or the source was deleted; `-errno`
   *   when fstat fails otherwise; for device DAX `PMEM2_E_DAX_REGION_NOT_FOUND` (no size
   *   attribute), `PMEM2_E_INVALID_SIZE_FORMAT`, `-ERANGE` or `-errno`.
   * @example
   * ```ts
   * import { Source } from '@pmem2/source';
   * const src = Source.fromAnon(2n ** 63n);
   * src.sizeBigInt(); // 9223372036854775808n
   * src.delete();
   * ```
   * @see libpmem2: pmem2_source_size(3)
   */
  sizeBigInt(): bigint {
    const file = this.#liveFile();
    return file === undefined ? this.#anonSize : fileSourceSize(file, this.type, this.sysfsRoot);
  }

  /**
   * The alignment that mapping offsets and lengths must respect, in bytes.
   *
   * @remarks
   * Anonymous and regular files: the system page size (asked from the kernel, usually 4096);
   * no fstat, so it works even after the fd was closed, as in libpmem2. Device DAX: the
   * namespace alignment from sysfs (`/sys/dev/char/<M:m>/device/align`, or `dax_region/align`).
   *
   * @returns a power of two.
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_INVALID_ALIGNMENT_VALUE` when the value is not a power
   *   of two; for device DAX `PMEM2_E_INVALID_ALIGNMENT_FORMAT` (missing or malformed
   *   attribute), `-ERANGE` or `-errno`; `PMEM2_E_INVALID_FILE_HANDLE` after delete.
   * @example
   * ```ts
   * import { Source } from '@pmem2/source';
   * Source.fromAnon(4096).alignment(); // 4096
   * ```
   * @see libpmem2: pmem2_source_alignment(3)
   */
  alignment(): number {
    return sourceAlignment(this.#liveFile(), this.type, this.sysfsRoot);
  }

  /**
   * The file descriptor of an fd source.
   *
   * @returns the fd given to {@link Source.fromFd} or opened by {@link Source.fromPath}.
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_FILE_DESCRIPTOR_NOT_SET` for anonymous sources;
   *   `PMEM2_E_INVALID_FILE_HANDLE` after {@link Source.delete}.
   * @example
   * ```ts
   * import { rmSync, writeFileSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { Source } from '@pmem2/source';
   * const path = join(tmpdir(), `get-fd-${process.pid}`);
   * writeFileSync(path, Buffer.alloc(16384));
   * const src = Source.fromPath(path);
   * try {
   *   typeof src.getFd(); // 'number'
   *   Source.fromAnon(4096).getFd(); // throws PMEM2_E_FILE_DESCRIPTOR_NOT_SET
   * } finally {
   *   src.delete();
   *   rmSync(path);
   * }
   * ```
   * @see libpmem2: pmem2_source_get_fd(3)
   */
  getFd(): number {
    return this.#fileFacts('a file descriptor').fd;
  }

  /**
   * Allocates the blocks of `[offset, offset + length)` of the source's file, growing the file
   * when the range ends past it, as posix_fallocate(3) does (PMDK allocates its pool files
   * this way). Mapping an allocated range means a full file system answers here, with
   * `-ENOSPC`, instead of later, as a page the mapping loses to a store (reported as
   * `PMEM2_E_IO_FAIL`). No byte of the file changes; a failure leaves the file its size.
   *
   * @remarks
   * Beyond libpmem2. fallocate(2) through `@pmem2/native` when it is installed; without it,
   * or where the file system answers EOPNOTSUPP, posix_fallocate's emulation (a zero written
   * into each block wherever a byte reads zero). Synchronous; the new size is not durable
   * until an `fs.fdatasyncSync` of the fd.
   *
   * @param offset - where the range starts: an integer from 0 to 2^63 - 1.
   * @param length - its length: an integer from 1 to 2^63 - 1.
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_FILE_DESCRIPTOR_NOT_SET` for an anonymous
   *   source; `PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED` for a device DAX or a directory; `EINVAL`
   *   for an offset or length out of range; `EFBIG` when the range passes 2^63 - 1; `-errno`
   *   of fallocate ("fallocate: <strerror>"), e.g. `ENOSPC` on a full file system;
   *   `PMEM2_E_INVALID_FILE_HANDLE` after {@link Source.delete}.
   * @example
   * ```ts
   * import { rmSync, statSync, writeFileSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { Source } from '@pmem2/source';
   * const path = join(tmpdir(), `allocate-${process.pid}`);
   * writeFileSync(path, '');
   * const src = Source.fromPath(path);
   * try {
   *   src.allocate(0, 1 << 20);
   *   statSync(path).size; // 1048576, every block allocated
   * } finally {
   *   src.delete();
   *   rmSync(path);
   * }
   * ```
   * @see posix_fallocate(3), fallocate(2) (libpmem2 has no such call; PMDK's pool creation does it)
   */
  allocate(offset: number | bigint, length: number | bigint): void {
    allocateFile(this.#fileFacts('file to allocate').fd, this.type, offset, length);
  }

  deviceId(): string {
    this.#assertLive();
    return deviceId(this);
  }

  deviceUsc(): bigint {
    this.#assertLive();
    return deviceUsc(this);
  }

  numaNode(): number {
    this.#assertLive();
    return numaNode(this);
  }

  preadMcsafe(buffer: ArrayBufferView, offset: number | bigint): void {
    this.#assertLive();
    mcsafeTransfer(this, 'read', buffer, offset);
  }

  pwriteMcsafe(buffer: ArrayBufferView, offset: number | bigint): void {
    this.#assertLive();
    mcsafeTransfer(this, 'write', buffer, offset);
  }

  /**
   * Releases the source. A source from {@link Source.fromPath} closes its fd; one from
   * {@link Source.fromFd} leaves the fd open, as libpmem2. Calling it again does nothing.
   * Mappings made from the source stay valid.
   *
   * @throws never.
   * @example
   * ```ts
   * import { Source } from '@pmem2/source';
   * const src = Source.fromAnon(4096);
   * src.delete();
   * ```
   * @see libpmem2: pmem2_source_delete(3)
   */
  delete(): void {
    if (this.#deleted) return;
    this.#deleted = true;
    if (this.#file?.owned === true) closeSync(this.#file.fd);
  }

  /**
   * Same as {@link Source.delete}, so that `using` releases the source.
   *
   * @throws never.
   * @example
   * ```ts
   * import { rmSync, writeFileSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { Source } from '@pmem2/source';
   * const path = join(tmpdir(), `dispose-${process.pid}`);
   * writeFileSync(path, Buffer.alloc(16384));
   * // `using src = Source.fromPath(path)` calls this at the end of the block (Node 24, or
   * // TypeScript's downlevel `using`); on Node 20 call it, or delete(), yourself
   * const src = Source.fromPath(path);
   * try {
   *   src.size(); // 16384
   * } finally {
   *   src[Symbol.dispose]();
   *   rmSync(path);
   * }
   * src.getFd(); // throws PMEM2_E_INVALID_FILE_HANDLE
   * ```
   * @see libpmem2: pmem2_source_delete(3)
   */
  [Symbol.dispose](): void {
    this.delete();
  }

  #assertLive(): void {
    if (this.#deleted) {
      const closed = this.#file?.owned === true ? ' and its fd closed' : '';
      throw deletedHandleError(
        `this ${this.type} source was deleted${closed}; create a new Source`,
      );
    }
  }

  #liveFile(): FdFacts | undefined {
    this.#assertLive();
    return this.#file;
  }

  #fileFacts(what: string): FdFacts {
    const file = this.#liveFile();
    if (file === undefined) {
      throw new Pmem2Error(
        PMEM2_E.FILE_DESCRIPTOR_NOT_SET,
        `an anonymous source has no ${what}; only sources from Source.fromFd or Source.fromPath do`,
        { libpmem2Message: 'File descriptor is not set, source type does not support fd' },
      );
    }
    return file;
  }
}
