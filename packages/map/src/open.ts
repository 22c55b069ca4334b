// open.ts -- beyond libpmem2: mapFile, the one-call open (or create) and map of a file by path

import { closeSync, constants, fstatSync, ftruncateSync, openSync, unlinkSync } from 'node:fs';
import { Config, describeValue, Granularity, Protection, Sharing, toSize } from '@pmem2/config';
import { ERRNO, isPmem2Error, PMEM2_E, Pmem2Error, strerror } from '@pmem2/errors';
import { Source } from '@pmem2/source';
import { ownedResources } from './internal.js';
import { mapNew } from './map-posix.js';
import type { Pmem2Map } from './pmem2-map.js';

const EINVAL = -ERRNO.EINVAL;

/**
 * Closes the fd of a mapFile mapping that was collected without `delete()` (the native
 * finalizer unmaps its memory); a `delete()` unregisters it first, so an fd number is never
 * closed twice.
 */
const fdBackstop = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed: nothing to release
  }
});

/**
 * What {@link mapFile} opens and maps; every field is optional.
 *
 * @see libpmem2: pmem2_config_new(3), pmem2_map_new(3)
 */
export interface MapFileOptions {
  /**
   * The size the file must have, in bytes: a missing file is created with it, a shorter one
   * grown to it (the new bytes read as zeros), a longer one left as it is. The new bytes are
   * allocated (`Source.allocate`: posix_fallocate, as libpmem's `pmem_map_file` creates
   * files), so a full file system fails here with `ENOSPC` rather than losing a page to a
   * store later; see `sparse`. Without it the file must exist and is mapped as it is. Needs a
   * writable file.
   */
  readonly size?: number | bigint;
  /**
   * Grow the file with `ftruncate` alone, leaving the new bytes unallocated (a sparse file,
   * libpmem's `PMEM_FILE_SPARSE`); false by default. A store to a page the file system then
   * cannot allocate reads back zeros, and the next persist reports `PMEM2_E_IO_FAIL`.
   */
  readonly sparse?: boolean;
  /** `Protection` bits; `Protection.READ | Protection.WRITE` by default. */
  readonly protection?: number;
  /** `Sharing.SHARED` (the default: stores reach the file) or `Sharing.PRIVATE`. */
  readonly sharing?: Sharing;
  /**
   * The coarsest store granularity the caller accepts; `Granularity.PAGE` by default, which
   * accepts every granularity (PAGE is the coarsest), so the mapping gets the finest one the
   * platform offers: read it from `map.storeGranularity`. Ask for `CACHE_LINE` or `BYTE` to
   * fail (`PMEM2_E_GRANULARITY_NOT_SUPPORTED`) where that cannot be had.
   */
  readonly granularity?: Granularity;
  /** Where the mapping starts in the file (a multiple of the source alignment); 0 by default. */
  readonly offset?: number | bigint;
  /** How many bytes to map; 0 (the default) maps from `offset` to the end of the file. */
  readonly length?: number | bigint;
  /** The permission bits of a file the call creates, before the umask; 0o666 by default. */
  readonly mode?: number;
}

/** What a failed mapFile must undo, in reverse order of doing it. */
interface Opened {
  fd: number;
  created: boolean;
  /** The size before a grow, or -1 when the size was not changed. */
  grownFrom: number;
}

/**
 * Opens (or creates) the file at `path` and maps it in one call: `Source.fromPath` +
 * `Config` + {@link mapNew} with an options object, the shape of Bun.mmap or memmap2's
 * builder. Not in libpmem2. The returned mapping owns its source: its `delete()` (or `using`)
 * also closes the file.
 *
 * @remarks
 * The file is created (mode `options.mode`, `O_EXCL`, so it is known to be ours) only when
 * it is missing and `options.size` is given. The fd is opened read-write unless the mapping
 * can do without (no `size`, and read-only or private). Everything else is `mapNew`'s, with
 * libpmem2's checks and errors. If any step fails, nothing is left behind: no fd, no mapping,
 * a file the call created is removed again, and a file it grew is truncated back.
 *
 * Why `Granularity.PAGE` by default: it is the coarsest requirement, so it never refuses,
 * and `mapNew` always picks the finest granularity available (BYTE on eADR or for private
 * mappings, CACHE_LINE with MAP_SYNC, PAGE on the page cache). Code that relies on
 * CACHE_LINE or BYTE persistence should ask for it, to fail early where it is missing.
 *
 * @param path - the file: a regular file or a device DAX (`/dev/dax0.0`, which is never created).
 * @param options - see {@link MapFileOptions}.
 * @returns a mapping that owns its source; its `storeGranularity` is the effective one.
 * @throws {@link @pmem2/errors!Pmem2Error} `EINVAL` for a `path` that is not a non-empty string,
 *   `options` that is not an object, a `mode` that is not an integer in 0 … 0o7777, or a
 *   `sparse` that is not a boolean; `PMEM2_E_MAP_RANGE` for a `size` that is not a size_t
 *   below 2^53; `-errno` (`open: …`, `fstat: …`, `fallocate: …`, `ftruncate: …`) when the
 *   file cannot be opened, created, allocated or grown (`ENOSPC`: the file system is full);
 *   every error of `Config`'s setters, `Source.fromFd` and {@link mapNew}.
 * @example
 * ```ts
 * import { rmSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { mapFile } from '@pmem2/map';
 * const path = join(tmpdir(), `map-file-${process.pid}`);
 * const map = mapFile(path, { size: 1 << 20 }); // creates a 1 MiB file
 * try {
 *   map.memcpy(0, new TextEncoder().encode('hello'));
 *   map.storeGranularity; // 2 (PAGE) on the page cache, finer on persistent memory
 * } finally {
 *   map.delete(); // unmaps and closes the file
 * }
 * const again = mapFile(path, { protection: 0x40000000 }); // Protection.READ: read-only
 * new TextDecoder().decode(again.read(0, 5)); // 'hello'
 * again.delete();
 * rmSync(path);
 * ```
 * @see libpmem2: pmem2_source_from_fd(3), pmem2_config_new(3), pmem2_map_new(3)
 */
export function mapFile(path: string, options: MapFileOptions = {}): Pmem2Map {
  checkArguments(path, options);
  const size = options.size === undefined ? undefined : fileSize(options.size);
  const protection = options.protection ?? (Protection.READ | Protection.WRITE) >>> 0;
  const sharing = options.sharing ?? Sharing.SHARED;
  const config = new Config()
    .setRequiredStoreGranularity(options.granularity ?? Granularity.PAGE)
    .setProtection(protection)
    .setSharing(sharing)
    .setOffset(options.offset ?? 0)
    .setLength(options.length ?? 0);
  const writable =
    size !== undefined || ((protection & Protection.WRITE) !== 0 && sharing === Sharing.SHARED);
  const opened = openOrCreate(path, writable, size !== undefined, options.mode ?? 0o666);
  let source: Source | undefined;
  try {
    source = Source.fromFd(opened.fd);
    if (size !== undefined) grow(opened, source, path, size, options.sparse === true);
    const map = mapNew(config, source);
    const owned = source;
    fdBackstop.register(map, opened.fd, map);
    ownedResources.set(map, () => {
      fdBackstop.unregister(map);
      owned.delete();
      closeSync(opened.fd);
    });
    return map;
  } catch (error) {
    source?.delete();
    undo(opened, path);
    throw error;
  }
}

// The type checks of mapFile's own arguments (the setters check the rest), without coercion.
function checkArguments(path: unknown, options: unknown): void {
  if (typeof path !== 'string' || path === '') {
    throw new Pmem2Error(
      EINVAL,
      `mapFile: path must be a non-empty string, but ${describeValue(path)} is not`,
    );
  }
  if (typeof options !== 'object' || options === null) {
    throw new Pmem2Error(
      EINVAL,
      `mapFile: options must be an object (MapFileOptions), but ${describeValue(options)} is not`,
    );
  }
  const { mode, sparse } = options as MapFileOptions;
  if (sparse !== undefined && typeof sparse !== 'boolean') {
    throw new Pmem2Error(
      EINVAL,
      `mapFile: sparse must be true or false, but ${describeValue(sparse)} is not`,
    );
  }
  if (mode !== undefined && !(Number.isInteger(mode) && mode >= 0 && mode <= 0o7777)) {
    throw new Pmem2Error(
      EINVAL,
      `mapFile: mode must be an integer from 0 to 0o7777 (e.g. 0o600), but ${describeValue(mode)} is not`,
    );
  }
}

// options.size as a number: ftruncate and fstat work in numbers.
function fileSize(value: number | bigint): number {
  const size = toSize(value, 'size', PMEM2_E.MAP_RANGE);
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new Pmem2Error(
      PMEM2_E.MAP_RANGE,
      `mapFile: size ${size} is above 2^53-1, more than a file here can be grown to`,
    );
  }
  return Number(size);
}

// The errno of a failed node:fs call, as a Pmem2Error naming the call and the path.
function fsError(error: unknown, syscall: string, what: string): Pmem2Error {
  const errno = (error as { errno?: unknown }).errno;
  if (typeof errno !== 'number') throw error;
  const positive = Math.abs(errno);
  return Pmem2Error.fromErrno(positive, syscall, `mapFile: ${what}: ${strerror(positive)}`);
}

// Opens the file; creates it (O_EXCL) when it is missing and may be created.
function openOrCreate(path: string, writable: boolean, mayCreate: boolean, mode: number): Opened {
  const access = (writable ? constants.O_RDWR : constants.O_RDONLY) | constants.O_NONBLOCK;
  try {
    return { fd: openSync(path, access), created: false, grownFrom: -1 };
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'ENOENT';
    if (!missing || !mayCreate) {
      throw fsError(
        error,
        'open',
        `cannot open "${path}" ${writable ? 'read-write' : 'read-only'}`,
      );
    }
  }
  try {
    const fd = openSync(path, access | constants.O_CREAT | constants.O_EXCL, mode);
    return { fd, created: true, grownFrom: -1 };
  } catch (error) {
    throw fsError(error, 'open', `cannot create "${path}"`);
  }
}

// Grows a shorter file to `size` (never shrinks), remembering the size to restore: the new
// bytes allocated for a regular file unless `sparse`, else only ftruncate.
function grow(opened: Opened, source: Source, path: string, size: number, sparse: boolean): void {
  let current: number;
  try {
    current = fstatSync(opened.fd).size;
  } catch (error) {
    throw fsError(error, 'fstat', `cannot stat "${path}"`);
  }
  if (current >= size) return;
  opened.grownFrom = current;
  if (!sparse && source.type === 'regular') {
    allocateGrowth(source, path, current, size);
    return;
  }
  try {
    ftruncateSync(opened.fd, size);
  } catch (error) {
    opened.grownFrom = -1;
    throw fsError(error, 'ftruncate', `cannot grow "${path}" from ${current} to ${size} bytes`);
  }
}

// Source.allocate of [current, size), its error restated for the path.
function allocateGrowth(source: Source, path: string, current: number, size: number): void {
  try {
    source.allocate(current, size - current);
  } catch (error) {
    if (!isPmem2Error(error) || error.errno >= 0 || error.errno < -4095) throw error;
    const errno = -error.errno;
    const full =
      errno === ERRNO.ENOSPC
        ? '; the file system is full: free space on it, or pass sparse: true to map the file unallocated'
        : '';
    throw Pmem2Error.fromErrno(
      errno,
      'fallocate',
      `mapFile: cannot allocate "${path}" from ${current} to ${size} bytes: ${strerror(errno)}${full}`,
    );
  }
}

// Undoes what openOrCreate and grow did: the file as it was, and no fd.
function undo(opened: Opened, path: string): void {
  try {
    if (opened.created) unlinkSync(path);
    else if (opened.grownFrom >= 0) ftruncateSync(opened.fd, opened.grownFrom);
  } finally {
    closeSync(opened.fd);
  }
}
