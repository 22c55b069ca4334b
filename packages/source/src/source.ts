// source.ts -- Source: pmem2_source_from_fd / _from_anon / _size / _alignment / _get_fd / _delete

import { type BigIntStats, closeSync, constants, fstatSync, openSync } from 'node:fs';
import { constants as os } from 'node:os';
import { PMEM2_E, Pmem2Error, strerror } from '@pmem2/errors';
import { deviceDaxAlignment, deviceDaxSize } from './device-dax.js';
import { fdStatusFlags } from './fd-flags.js';
import { fileTypeFromStat } from './file-type.js';
import { mcsafeTransfer } from './mcsafe.js';
import { requireErrno } from './node-errno.js';
import { numaNode } from './numa.js';
import { pageSize } from './page-size.js';
import { namingPath } from './path-error.js';
import { toSizeT } from './size-t.js';
import { type SysfsOptions, sysfsRoot } from './sysfs-root.js';
import { deviceId, deviceUsc } from './usc.js';

/**
 * What a {@link Source} maps: a regular file, a device DAX character device, or anonymous
 * memory.
 *
 * @remarks
 * `'directory'` mirrors libpmem2's `PMEM2_FTYPE_DIR`; `pmem2_source_from_fd` refuses
 * directories, so no source ever has it. `'anon'` is `PMEM2_SOURCE_ANON`.
 *
 * @example
 * ```ts
 * import { Source, type SourceType } from '@pmem2/source';
 * const type: SourceType = Source.fromAnon(4096).type; // 'anon'
 * ```
 * @see libpmem2: pmem2_source_from_fd(3)
 */
export type SourceType = 'regular' | 'directory' | 'devdax' | 'anon';

/**
 * Options of {@link Source.fromPath}.
 *
 * @example
 * ```ts
 * import { rmSync, writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { type FromPathOptions, Source } from '@pmem2/source';
 * const path = join(tmpdir(), `from-path-options-${process.pid}`);
 * writeFileSync(path, Buffer.alloc(16384));
 * const options: FromPathOptions = { readOnly: true };
 * const src = Source.fromPath(path, options);
 * try {
 *   src.pwriteMcsafe(Buffer.from('x'), 0); // throws EBADF
 * } finally {
 *   src.delete();
 *   rmSync(path);
 * }
 * ```
 * @see libpmem2: pmem2_source_from_fd(3)
 */
export interface FromPathOptions extends SysfsOptions {
  /** Open the file `O_RDONLY` instead of `O_RDWR` (default `false`). */
  readonly readOnly?: boolean;
}

const O_ACCMODE = 3;

/** Facts recorded when an fd source is created (`struct pmem2_source` for PMEM2_SOURCE_FD). */
interface FdFacts {
  readonly fd: number;
  readonly owned: boolean;
  readonly dev: bigint;
  readonly rdev: bigint;
}

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
export class Source implements Disposable {
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
    const access = options.readOnly === true ? constants.O_RDONLY : constants.O_RDWR;
    let fd: number;
    try {
      fd = openSync(path, access | constants.O_NONBLOCK);
    } catch (error) {
      const errno = requireErrno(error);
      const mode = options.readOnly === true ? 'read-only' : 'read-write';
      throw Pmem2Error.fromErrno(
        errno,
        'open',
        `cannot open "${path}" ${mode}: ${strerror(errno)}; check that it exists and that you may ${options.readOnly === true ? 'read' : 'read and write'} it`,
      );
    }
    try {
      return Source.#fromFd(fd, true, sysfsRoot(options));
    } catch (error) {
      closeSync(fd);
      throw namingPath(error, fd, path);
    }
  }

  static #fromFd(fd: number, owned: boolean, root: string): Source {
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
      const ebadf = status.errno === os.errno.EBADF;
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
    return new Source(type, root, { fd, owned, dev: stats.dev, rdev: stats.rdev }, 0n);
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
    if (file === undefined) return this.#anonSize;
    const stats = fstatOrThrow(file.fd);
    if (this.type === 'devdax') return deviceDaxSize(file.rdev, this.sysfsRoot);
    if (stats.size < 0n) {
      throw new Pmem2Error(
        PMEM2_E.INVALID_FILE_HANDLE,
        `fstat(${file.fd}) reports a negative size ${stats.size}`,
        { libpmem2Message: `kernel says size of regular file is negative (${stats.size})` },
      );
    }
    return stats.size;
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
    const file = this.#liveFile();
    const alignment =
      file !== undefined && this.type === 'devdax'
        ? deviceDaxAlignment(file.rdev, this.sysfsRoot)
        : BigInt(pageSize());
    if (alignment === 0n || (alignment & (alignment - 1n)) !== 0n) {
      const text = `alignment (${alignment}) has to be a power of two`;
      throw new Pmem2Error(
        PMEM2_E.INVALID_ALIGNMENT_VALUE,
        `the device DAX alignment ${alignment} read from sysfs is not a power of two; check the namespace (ndctl list -X)`,
        { libpmem2Message: text },
      );
    }
    return toSafeNumber(alignment, 'alignment');
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
   * The device id of the NVDIMMs under the source: their unique ids (`nmem*\/nfit/id`)
   * concatenated, read from the sysfs region that holds the file or device DAX.
   *
   * @returns the concatenated unique ids (empty for a region without DIMMs).
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_NOSUPP` for anonymous sources, for files not on an
   *   NVDIMM region, or a DIMM without a unique id; `PMEM2_E_INVALID_DEV_FORMAT` or `-errno`
   *   from the region lookup; `PMEM2_E_INVALID_FILE_HANDLE` after delete.
   * @example
   * ```ts
   * import { Source } from '@pmem2/source';
   * // a device DAX, or a file on an fsdax filesystem, gives a string such as
   * // '8089-a2-1740-00000c9f8089-a2-1740-00000ca0'; memory that is not on an NVDIMM has none
   * Source.fromAnon(4096).deviceId(); // throws PMEM2_E_NOSUPP
   * ```
   * @see libpmem2: pmem2_source_device_id(3)
   */
  deviceId(): string {
    this.#assertLive();
    return deviceId(this);
  }

  /**
   * The unsafe shutdown count of the NVDIMMs under the source: the sum of their
   * `nmem*\/nfit/dirty_shutdown` counters.
   *
   * @returns the sum, as a bigint (C's `uint64_t`).
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_NOSUPP` for anonymous sources, for files not on an
   *   NVDIMM region, or a DIMM without a counter; `PMEM2_E_INVALID_DEV_FORMAT` or `-errno`
   *   from the region lookup; `PMEM2_E_INVALID_FILE_HANDLE` after delete.
   * @example
   * ```ts
   * import { Source } from '@pmem2/source';
   * // on pmem, save src.deviceUsc() (a bigint such as 7n) with your data and compare it on the
   * // next start: a larger count means an unsafe shutdown; memory not on an NVDIMM has none
   * Source.fromAnon(4096).deviceUsc(); // throws PMEM2_E_NOSUPP
   * ```
   * @see libpmem2: pmem2_source_device_usc(3)
   */
  deviceUsc(): bigint {
    this.#assertLive();
    return deviceUsc(this);
  }

  /**
   * The NUMA node of the NVDIMM region under the source (its sysfs `numa_node`).
   *
   * @returns the node number; −2 when the region has no `numa_node` attribute, −1 when it
   *   cannot be read (libndctl's NUMA_NO_ATTR and NUMA_NO_NODE).
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_NOSUPP` for anonymous sources;
   *   `PMEM2_E_DAX_REGION_NOT_FOUND` ("unknown region") for files not on an NVDIMM region;
   *   `PMEM2_E_INVALID_DEV_FORMAT` or `-errno` from the region lookup;
   *   `PMEM2_E_INVALID_FILE_HANDLE` after delete.
   * @example
   * ```ts
   * import { Source } from '@pmem2/source';
   * // on pmem this is the node of the NVDIMM region, such as 0; anonymous memory has none
   * Source.fromAnon(4096).numaNode(); // throws PMEM2_E_NOSUPP
   * ```
   * @see libpmem2: pmem2_source_numa_node(3)
   */
  numaNode(): number {
    this.#assertLive();
    return numaNode(this);
  }

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
  preadMcsafe(buffer: ArrayBufferView, offset: number | bigint): void {
    this.#assertLive();
    mcsafeTransfer(this, 'read', buffer, offset);
  }

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
      throw new Pmem2Error(
        PMEM2_E.INVALID_FILE_HANDLE,
        `this ${this.type} source was deleted${this.#file?.owned === true ? ' and its fd closed' : ''}; create a new Source`,
        { libpmem2Message: '' },
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

function fstatOrThrow(fd: number): BigIntStats {
  try {
    return fstatSync(fd, { bigint: true });
  } catch (error) {
    const errno = requireErrno(error);
    const text = `fstat: ${strerror(errno)}`;
    const ebadf = errno === os.errno.EBADF;
    throw new Pmem2Error(
      ebadf ? PMEM2_E.INVALID_FILE_HANDLE : -errno,
      ebadf
        ? `fd ${fd} is not an open file descriptor (${text}); was it closed?`
        : `fstat(${fd}) failed: ${text}`,
      { libpmem2Message: text, syscall: 'fstat' },
    );
  }
}

function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`${what} ${value} exceeds 2^53-1 and cannot be returned as a number`);
  }
  return Number(value);
}
