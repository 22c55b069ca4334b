// bad-blocks.ts -- BadBlockContext: pmem2_badblock_context_new / _next / _clear / _delete from sysfs

import { type BigIntStats, fstatSync } from 'node:fs';
import { isPmem2Error, PMEM2_E, Pmem2Error, strerror } from '@pmem2/errors';
import {
  type ByteRange,
  isFsdaxNamespace,
  larger,
  namespaceBadBlocks,
  namespaceBounds,
  regionBadBlocks,
  smaller,
} from './bad-block-list.js';
import { fileBadBlocks } from './file-bad-blocks.js';
import { fileExtents } from './file-extents.js';
import { nativeFileOps } from './native-file-ops.js';
import { requireErrno } from './node-errno.js';
import { type NamespaceDevice, regionNamespaceOf } from './region-namespace.js';
import type { Source } from './source.js';
import { deletedHandleError } from './source-checks.js';

/**
 * A bad block of a source, in bytes: for a regular file, relative to the start of the file
 * and widened to whole filesystem blocks; for device DAX, relative to the start of the device.
 *
 * @example
 * ```ts
 * import type { BadBlock } from '@pmem2/source';
 * const badBlock: BadBlock = { offset: 4096n, length: 512n };
 * badBlock.offset + badBlock.length; // 4608n
 * ```
 * @see libpmem2: pmem2_badblock_next(3)
 */
export interface BadBlock {
  /** Where it starts, in bytes (`struct pmem2_badblock`'s `offset`). */
  readonly offset: bigint;
  /** How long it is, in bytes. */
  readonly length: bigint;
}

const INT64_MAX = 2n ** 63n - 1n;
const FALLOC_FL_KEEP_SIZE = 0x01;
const FALLOC_FL_PUNCH_HOLE = 0x02;

/**
 * Iterates over the bad blocks of a file or device DAX source, as libpmem2 does through libndctl
 * — read here from sysfs.
 *
 * @remarks
 * The source is located in its NVDIMM region as `pmem2_region_namespace` does (see
 * {@link regionOf}). An fsdax namespace (sysfs `mode` = `memory`, as libndctl decides) lists its
 * bad blocks in `/sys/block/<pmemN>/badblocks`; any other namespace and device DAX use the
 * region's `badblocks`, kept to the namespace's bounds (`resource`/`size` of the pfn, nd_dax or
 * namespace device). Both count 512-byte sectors.
 * For a regular file the device's bad blocks are then mapped through the file's extents, which
 * libpmem2 asks with the FS_IOC_FIEMAP ioctl; node:fs has no ioctl, so this package asks the
 * optional peer `@pmem2/native` for it, and without that runs `filefrag -v` (e2fsprogs) on the
 * fd, failing with `PMEM2_E_NOSUPP` when it is missing. A
 * source on no NVDIMM (any file off pmem) gets an empty context, whose {@link BadBlockContext.next}
 * reports `PMEM2_E_NO_BAD_BLOCK_FOUND` at once, exactly like libpmem2.
 *
 * @example
 * ```ts
 * import { rmSync, writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { BadBlockContext, Source } from '@pmem2/source';
 * const path = join(tmpdir(), `bad-blocks-${process.pid}`);
 * writeFileSync(path, Buffer.alloc(4096));
 * const src = Source.fromPath(path);
 * const context = BadBlockContext.new(src);
 * try {
 *   context.next(); // throws PMEM2_E_NO_BAD_BLOCK_FOUND
 * } finally {
 *   context.delete();
 *   src.delete();
 *   rmSync(path);
 * }
 * ```
 * @see libpmem2: pmem2_badblock_context_new(3), pmem2_badblock_next(3)
 */
export class BadBlockContext implements Disposable {
  readonly #fd: number;
  readonly #device: NamespaceDevice | null;
  readonly #type: 'regular' | 'devdax';
  readonly #badBlocks: () => Iterator<BadBlock>;
  #iterator: Iterator<BadBlock> | undefined;
  #deleted = false;

  private constructor(
    fd: number,
    device: NamespaceDevice | null,
    type: 'regular' | 'devdax',
    badBlocks: () => Iterator<BadBlock>,
  ) {
    this.#fd = fd;
    this.#device = device;
    this.#type = type;
    this.#badBlocks = badBlocks;
  }

  /**
   * Creates a bad block context for a source.
   *
   * @remarks
   * Finds the region and namespace now, reads the namespace bounds (raw, sector and device DAX
   * namespaces) and the extents of a regular file on pmem; the bad block list itself is read at
   * the first {@link BadBlockContext.next}.
   *
   * @param source - a file or device DAX source.
   * @returns the new context.
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_NOSUPP` for anonymous sources ("Anonymous
   *   source does not support bad blocks"), and for a regular file on pmem whose extents cannot
   *   be read without `@pmem2/native` (no filefrag, or no FIEMAP); with `@pmem2/native`,
   *   `-errno` of the FIEMAP ioctl ("fiemap ioctl() for fd=<fd> failed: <strerror>");
   *   `PMEM2_E_CANNOT_READ_BOUNDS` when the namespace's
   *   `resource` or `size` is missing; `-ENOENT` when the region's `resource` is; `-EINVAL` for
   *   an empty file on pmem (FIEMAP of nothing); `-errno` when fstat fails; the errors of
   *   {@link regionOf}; `PMEM2_E_INVALID_FILE_HANDLE` for a deleted source.
   * @example
   * ```ts
   * import { BadBlockContext, Source } from '@pmem2/source';
   * BadBlockContext.new(Source.fromAnon(4096)); // throws PMEM2_E_NOSUPP
   * ```
   * @see libpmem2: pmem2_badblock_context_new(3)
   */
  static new(source: Source): BadBlockContext {
    if (source.type === 'anon') {
      throw new Pmem2Error(
        PMEM2_E.NOSUPP,
        'an anonymous source is not on any device, so it has no bad blocks',
        { libpmem2Message: 'Anonymous source does not support bad blocks' },
      );
    }
    const fd = source.getFd();
    const type = source.type === 'devdax' ? 'devdax' : 'regular';
    const device = regionNamespaceOf(source);
    if (device === null) return new BadBlockContext(fd, null, type, () => [][Symbol.iterator]());
    const deviceBlocks = isFsdaxNamespace(device)
      ? () => namespaceBadBlocks(device, source.sysfsRoot)
      : regionBadBlocksInNamespace(device);
    if (type === 'devdax')
      return new BadBlockContext(fd, device, type, () => deviceBlocks().values());
    const stats = fstatOrThrow(fd);
    const extents = fileExtents(fd, stats.size);
    return new BadBlockContext(fd, device, type, () =>
      fileBadBlocks(deviceBlocks(), extents, stats.blksize),
    );
  }

  /**
   * The next bad block of the source.
   *
   * @returns the bad block, in bytes from the start of the file (or device).
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_NO_BAD_BLOCK_FOUND` when there are no more
   *   (with "Cannot find any matching device, no bad blocks found" when the source is on no
   *   NVDIMM, and no message otherwise, as libpmem2); `PMEM2_E_INVALID_FILE_HANDLE` after
   *   {@link BadBlockContext.delete}.
   * @example
   * ```ts
   * import { rmSync, writeFileSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { BadBlockContext, Source, isNoBadBlockFound } from '@pmem2/source';
   * const path = join(tmpdir(), `bad-blocks-next-${process.pid}`);
   * writeFileSync(path, Buffer.alloc(4096));
   * const src = Source.fromPath(path);
   * const context = BadBlockContext.new(src);
   * const found = [];
   * try {
   *   for (;;) found.push(context.next());
   * } catch (error) {
   *   if (!isNoBadBlockFound(error)) throw error;
   * } finally {
   *   context.delete();
   *   src.delete();
   *   rmSync(path);
   * }
   * found.length; // 0
   * ```
   * @see libpmem2: pmem2_badblock_next(3)
   */
  next(): BadBlock {
    this.#assertLive();
    if (this.#device === null) {
      throw new Pmem2Error(
        PMEM2_E.NO_BAD_BLOCK_FOUND,
        `the ${this.#type === 'devdax' ? 'device DAX' : 'file'} is on no NVDIMM region, so it has no bad blocks`,
        { libpmem2Message: 'Cannot find any matching device, no bad blocks found' },
      );
    }
    this.#iterator ??= this.#badBlocks();
    const step = this.#iterator.next();
    if (step.done === true) {
      throw new Pmem2Error(PMEM2_E.NO_BAD_BLOCK_FOUND, 'no more bad blocks', {
        libpmem2Message: '',
      });
    }
    return step.value;
  }

  /**
   * Clears a bad block: for a regular file, punches a hole over it and allocates new blocks
   * there, as libpmem2 does — with the optional peer `@pmem2/native`, since node:fs has no
   * fallocate(2).
   *
   * @remarks
   * For a regular file libpmem2 checks that offset and length fit in `off_t`, then calls
   * `fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length)` and
   * `fallocate(fd, FALLOC_FL_KEEP_SIZE, offset, length)` on the source's fd: the range reads as
   * zeros afterwards and the file keeps its size. It does so for any regular file, on pmem or
   * not, and so does this method. Those two system calls come from `@pmem2/native` (loaded on
   * first use); without it this throws `PMEM2_E_NOSUPP` after the range checks — install
   * `@pmem2/native`, or rewrite the range, or use `ndctl clear-errors`. A device DAX bad block
   * is cleared by libpmem2 with the NVDIMM bus's ARS "clear error" command (an ioctl through
   * libndctl), which neither node:fs nor `@pmem2/native` offers: `PMEM2_E_NOSUPP`, use
   * `ndctl clear-errors`.
   *
   * @param badBlock - a bad block from {@link BadBlockContext.next}.
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_OFFSET_OUT_OF_RANGE` /
   *   `PMEM2_E_LENGTH_OUT_OF_RANGE` for a regular file's block whose offset or length is
   *   negative or exceeds 2^63 − 1 ("bad block's offset is greater than INT64_MAX", "bad block's
   *   length is greater than INT64_MAX"); `-errno` when either fallocate fails ("fallocate:
   *   <strerror>", e.g. `-EOPNOTSUPP` on a filesystem that cannot punch holes, `-EBADF` when the
   *   source's fd was closed, `-EINVAL` for a zero length); `PMEM2_E_NOSUPP` for a regular file
   *   without `@pmem2/native` and for device DAX; `PMEM2_E_INVALID_FILE_HANDLE` after
   *   {@link BadBlockContext.delete}.
   * @example
   * ```ts
   * import { rmSync, statSync, writeFileSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { BadBlockContext, Source } from '@pmem2/source';
   * const path = join(tmpdir(), `bad-blocks-clear-${process.pid}`);
   * writeFileSync(path, Buffer.alloc(16384, 1));
   * const src = Source.fromPath(path);
   * const context = BadBlockContext.new(src);
   * try {
   *   context.clear({ offset: 4096n, length: 4096n }); // with @pmem2/native: bytes 4096..8191 are 0
   * } finally {
   *   context.delete();
   *   src.delete();
   *   rmSync(path);
   * }
   * ```
   * @see libpmem2: pmem2_badblock_clear(3)
   */
  clear(badBlock: BadBlock): void {
    this.#assertLive();
    if (this.#type === 'devdax') {
      throw new Pmem2Error(
        PMEM2_E.NOSUPP,
        `cannot clear the device DAX bad block at ${badBlock.offset} (${badBlock.length} bytes): libpmem2 sends the NVDIMM bus an ARS clear-error command (an ioctl), which neither node:fs nor @pmem2/native offers; use \`ndctl clear-errors\``,
        { libpmem2Message: '' },
      );
    }
    if (badBlock.offset < 0n || badBlock.offset > INT64_MAX) {
      throw new Pmem2Error(
        PMEM2_E.OFFSET_OUT_OF_RANGE,
        `bad block offset ${badBlock.offset} is outside 0..2^63-1, the file offsets fallocate takes`,
        { libpmem2Message: "bad block's offset is greater than INT64_MAX" },
      );
    }
    if (badBlock.length < 0n || badBlock.length > INT64_MAX) {
      throw new Pmem2Error(
        PMEM2_E.LENGTH_OUT_OF_RANGE,
        `bad block length ${badBlock.length} is outside 0..2^63-1, the file lengths fallocate takes`,
        { libpmem2Message: "bad block's length is greater than INT64_MAX" },
      );
    }
    const { ops, why } = nativeFileOps();
    if (ops === null) {
      throw new Pmem2Error(
        PMEM2_E.NOSUPP,
        `cannot clear the bad block at ${badBlock.offset} (${badBlock.length} bytes): libpmem2 punches a hole and re-allocates the range with fallocate(2), which node:fs does not offer and ${why}; install @pmem2/native (or rewrite the range, or use \`ndctl clear-errors\`)`,
        { libpmem2Message: '' },
      );
    }
    this.#fallocate(
      ops.fallocate,
      FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
      badBlock,
      'punch a hole over',
    );
    this.#fallocate(ops.fallocate, FALLOC_FL_KEEP_SIZE, badBlock, 'allocate new blocks for');
  }

  /** One of clear()'s fallocate calls; -errno becomes libpmem2's "fallocate: <strerror>". */
  #fallocate(
    fallocate: (fd: number, mode: number, offset: bigint, length: bigint) => number,
    mode: number,
    badBlock: BadBlock,
    what: string,
  ): void {
    const status = fallocate(this.#fd, mode, badBlock.offset, badBlock.length);
    if (status !== 0) {
      throw Pmem2Error.fromErrno(
        status,
        'fallocate',
        `cannot ${what} the bad block at ${badBlock.offset} (${badBlock.length} bytes) of fd ${this.#fd}: fallocate: ${strerror(status)}`,
      );
    }
  }

  /**
   * Releases the context. Calling it again does nothing; other methods then throw.
   *
   * @throws never.
   * @example
   * ```ts
   * import { rmSync, writeFileSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { BadBlockContext, Source } from '@pmem2/source';
   * const path = join(tmpdir(), `bad-blocks-delete-${process.pid}`);
   * writeFileSync(path, Buffer.alloc(4096));
   * const src = Source.fromPath(path);
   * const context = BadBlockContext.new(src);
   * context.delete();
   * context.next(); // throws PMEM2_E_INVALID_FILE_HANDLE
   * src.delete();
   * rmSync(path);
   * ```
   * @see libpmem2: pmem2_badblock_context_delete(3)
   */
  delete(): void {
    this.#deleted = true;
    this.#iterator = undefined;
  }

  /**
   * Same as {@link BadBlockContext.delete}, so that `using` releases the context.
   *
   * @throws never.
   * @example
   * ```ts
   * import { rmSync, writeFileSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { BadBlockContext, Source } from '@pmem2/source';
   * const path = join(tmpdir(), `bad-blocks-dispose-${process.pid}`);
   * writeFileSync(path, Buffer.alloc(4096));
   * const src = Source.fromPath(path);
   * const context = BadBlockContext.new(src);
   * context[Symbol.dispose]();
   * src.delete();
   * rmSync(path);
   * ```
   * @see libpmem2: pmem2_badblock_context_delete(3)
   */
  [Symbol.dispose](): void {
    this.delete();
  }

  #assertLive(): void {
    if (this.#deleted) {
      throw deletedHandleError(
        'this bad block context was deleted; create a new one with BadBlockContext.new',
      );
    }
  }
}

/**
 * Tells whether an error is the end of a bad block iteration (`PMEM2_E_NO_BAD_BLOCK_FOUND`).
 *
 * @param error - anything caught.
 * @returns true for a Pmem2Error with that code.
 * @example
 * ```ts
 * import { isNoBadBlockFound } from '@pmem2/source';
 * isNoBadBlockFound(new Error('other')); // false
 * ```
 * @see libpmem2: pmem2_badblock_next(3)
 */
export function isNoBadBlockFound(error: unknown): boolean {
  return isPmem2Error(error) && error.errno === PMEM2_E.NO_BAD_BLOCK_FOUND;
}

/** The region's bad blocks that touch the namespace, clipped to it and namespace-relative. */
function regionBadBlocksInNamespace(device: NamespaceDevice): () => ByteRange[] {
  const { begin, size } = namespaceBounds(device);
  const end = BigInt.asUintN(64, begin + size - 1n);
  return () =>
    regionBadBlocks(device).flatMap((block) => {
      const blockEnd = BigInt.asUintN(64, block.offset + block.length - 1n);
      if (block.offset > end || begin > blockEnd) return [];
      const from = larger(block.offset, begin);
      const to = smaller(blockEnd, end);
      return [{ offset: from - begin, length: to - from + 1n }];
    });
}

function fstatOrThrow(fd: number): BigIntStats {
  try {
    return fstatSync(fd, { bigint: true });
  } catch (error) {
    const errno = requireErrno(error);
    const text = `fstat ${fd}: ${strerror(errno)}`;
    throw new Pmem2Error(-errno, `cannot read the extents of fd ${fd}: ${text}`, {
      libpmem2Message: text,
      syscall: 'fstat',
    });
  }
}
