// file-types.ts -- the binding functions that work on a file descriptor, not a mapping:
// fcntl flags, fallocate and the FS_IOC_FIEMAP extents @pmem2/source reads

import type { Status } from './types.js';

/** One extent of a file from {@link NativeBinding.fiemap} (a `struct fiemap_extent`), in bytes. */
export interface FileExtent {
  /** Where the extent starts in the file (`fe_logical`). */
  readonly logical: bigint;
  /** Where it starts on the block device (`fe_physical`). */
  readonly physical: bigint;
  /** Its length (`fe_length`). */
  readonly length: bigint;
}

/** The file-descriptor part of {@link NativeBinding}: system calls on an fd that @pmem2/source makes. */
export interface FileBinding {
  /** fcntl(fd, F_GETFL): the flags (>= 0), or -errno. */
  fcntlGetFl(fd: number): number;
  /**
   * fallocate(2): `fallocate(fd, mode, offset, length)`, the system call libpmem2's
   * pmem2_badblock_clear makes twice for a regular file (`FALLOC_FL_PUNCH_HOLE |
   * FALLOC_FL_KEEP_SIZE`, then `FALLOC_FL_KEEP_SIZE`); `@pmem2/source` calls it.
   *
   * @remarks
   * Returns 0, or -errno of the call (text "fallocate: <strerror>" in libpmem2). A negative fd
   * answers -EBADF without a system call; an offset or length that is negative, does not fit
   * 64 bits or exceeds 2^63 - 1 (off_t) answers PMEM2_E_MAP_RANGE. `mode` is the FALLOC_FL_*
   * bit set (KEEP_SIZE = 0x01, PUNCH_HOLE = 0x02). A non-number fd or mode, or a non-bigint
   * offset or length, throws TypeError.
   *
   * @example
   * ```ts
   * import { closeSync, openSync, unlinkSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { binding } from '@pmem2/native';
   * const path = join(tmpdir(), `punch-me-${process.pid}`);
   * const fd = openSync(path, 'w+');
   * binding.fallocate(fd, 0, 0n, 65536n); // 0
   * binding.fallocate(fd, 0x03, 0n, 4096n); // 0
   * binding.fallocate(-1, 0, 0n, 4096n); // -9
   * closeSync(fd);
   * unlinkSync(path);
   * ```
   * @see libpmem2: pmem2_badblock_clear(3), fallocate(2)
   */
  fallocate(fd: number, mode: number, offset: bigint, length: bigint): Status;
  /**
   * The FS_IOC_FIEMAP ioctl over the whole file: its extents in file order, every field in
   * bytes and 64-bit exact, as libpmem2's pmem2_extents_create_get reads them for bad blocks.
   *
   * @remarks
   * Asks with FIEMAP_FLAG_SYNC (delayed allocations get their blocks first) from offset 0 to
   * FIEMAP_MAX_OFFSET, in batches, until the extent flagged FIEMAP_EXTENT_LAST (or none is
   * left); a file with no blocks gives []. Unlike libpmem2, which asks for `[0, st_size)`,
   * extents past the end of the file (preallocated with KEEP_SIZE) are included; callers keep
   * the ones they need. Returns -errno when the ioctl fails (text "fiemap ioctl() for fd=<fd>
   * failed: <strerror>" in libpmem2; -EOPNOTSUPP on filesystems without FIEMAP, -EBADF for a
   * closed fd) and -EBADF for a negative fd. A non-number fd throws TypeError.
   *
   * @example
   * ```ts
   * import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { binding } from '@pmem2/native';
   * const path = join(tmpdir(), `extents-of-me-${process.pid}`);
   * const fd = openSync(path, 'w+');
   * writeSync(fd, Buffer.alloc(8192, 1));
   * const extents = binding.fiemap(fd); // an array of { logical, physical, length } on ext4
   * closeSync(fd);
   * unlinkSync(path);
   * ```
   * @see libpmem2: pmem2_badblock_context_new(3) (extent_linux.c), ioctl_fiemap(2)
   */
  fiemap(fd: number): FileExtent[] | Status;
}
