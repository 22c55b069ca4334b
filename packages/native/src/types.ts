// types.ts -- the typed contract between @pmem2/native's C addon and the TypeScript packages
//
// Conventions (house style R4/R6):
// - JavaScript never passes an address. Mappings and reservations are native records reached
//   through opaque, type-tagged handles (napi_external + napi_type_tag_object).
// - Every offset and length is checked by the C side, overflow-safely, against the record.
// - Calls return 0 or a negative status: a PMEM2_E_* value (<= -100000) or -errno. The TS
//   packages turn statuses into Pmem2Error in one place. Only N-API plumbing failures (a wrong
//   argument type, which our own wrappers never pass) throw, as TypeError.
// - Offsets/lengths of hot-path calls are `number` (safe, non-negative integers; NaN, negative,
//   fractional or > 2^53 values are rejected with PMEM2_E_MAP_RANGE-style statuses by C, never
//   coerced). Offsets/sizes of mapNew and reservations are `bigint` (64-bit exact); a bigint
//   that is negative or does not fit 64 bits gives PMEM2_E_MAP_RANGE too.
// - A handle of the wrong kind (a reservation where a map is expected, any other value)
//   throws TypeError; a deleted map or reservation answers PMEM2_E_MAPPING_NOT_FOUND.
// - mem functions with flags outside PMEM2_F_MEM_VALID_FLAGS (0x3F) return -EINVAL (C leaves
//   that undefined); writes into a mapping without PMEM2_PROT_WRITE (reads without
//   PMEM2_PROT_READ) return PMEM2_E_NO_ACCESS instead of faulting.
// - persistInfo().flush === 'none' (a CPU with no known flush instruction) means persist and
//   flush fall back to msync even for CACHE_LINE; callers should then use PAGE granularity.

declare const mapBrand: unique symbol;
declare const reservationBrand: unique symbol;

/** An opaque handle to a native mapping record. */
export interface MapHandle {
  readonly [mapBrand]: true;
}

/** An opaque handle to a native virtual-memory reservation record. */
export interface ReservationHandle {
  readonly [reservationBrand]: true;
}

/** 0 on success, or a negative PMEM2_E_* value or -errno. */
export type Status = number;

/** The cache-flush instruction chosen at load time (libpmem2 x86_64/init.c, aarch64/init.c). */
export type FlushInstruction = 'clwb' | 'clflushopt' | 'clflush' | 'dc cvap' | 'dc cvac' | 'none';

/** The copy routine family chosen at load time (libpmem2 x86_64/init.c, memops_generic.c). */
export type MemcpyRoutine = 'movdir64b' | 'avx512f' | 'avx' | 'sse2' | 'generic' | 'libc';

/** CPU features read with cpuid (x86_64) or assumed (other architectures). */
export interface CpuFeatures {
  readonly clflush: boolean;
  readonly clflushopt: boolean;
  readonly clwb: boolean;
  readonly avx: boolean;
  readonly avx512f: boolean;
  readonly movdir64b: boolean;
}

/** What the addon selected at load time, honouring the PMEM_* environment variables. */
export interface PersistInfo {
  /** 'x64', 'arm64' or another process.arch value. */
  readonly arch: string;
  readonly cpu: CpuFeatures;
  /** The flush instruction; 'none' means only msync (page granularity) is available. */
  readonly flush: FlushInstruction;
  readonly memcpy: MemcpyRoutine;
  /** PMEM_MOVNT_THRESHOLD, default 256. */
  readonly movntThreshold: number;
  readonly wcWorkaround: boolean;
}

/** What the last mem/persist call on this thread actually did (for tests and diagnostics). */
export interface LastOp {
  /** 't' temporal stores, 'nt' non-temporal stores, 'none' nothing stored. */
  readonly store: 't' | 'nt' | 'none';
  /** Cache lines were flushed with the flush instruction. */
  readonly flushed: boolean;
  /**
   * An sfence was issued right after non-temporal stores (libpmem2's barrier_after_ntstores:
   * with clflush, or with the noflush/empty variants; clwb/clflushopt rely on the drain).
   * An addition to the original contract.
   */
  readonly ntFence: boolean;
  /** A drain was issued at the end: sfence on x86-64, dmb ishst on aarch64. */
  readonly drained: boolean;
  /** msync(MS_SYNC) was called. */
  readonly msynced: boolean;
}

/**
 * Which system call of the last failed {@link NativeBinding.mapNew} on this thread failed:
 * `'placeholder'` is the anonymous placeholder mmap outside a reservation (libpmem2's
 * map_reserve, text `"mmap MAP_ANONYMOUS: <strerror>"`), `'mmap'` the mapping of the source
 * itself (file_map, text `"mmap: <strerror>"`), `'placeholder-trim'` the munmap of the
 * placeholder's unaligned head or tail (map_reserve, text `"munmap: <strerror>"`), `'none'`
 * when the last mapNew failed before any system call (a refused argument) or succeeded.
 */
export type MapNewStep = 'none' | 'placeholder' | 'mmap' | 'placeholder-trim';

/** One extent of a file from {@link NativeBinding.fiemap} (a `struct fiemap_extent`), in bytes. */
export interface FileExtent {
  /** Where the extent starts in the file (`fe_logical`). */
  readonly logical: bigint;
  /** Where it starts on the block device (`fe_physical`). */
  readonly physical: bigint;
  /** Its length (`fe_length`). */
  readonly length: bigint;
}

/** The mapping granularity enum values (pmem2_granularity). */
export type GranularityValue = 0 | 1 | 2;

/** The binding object the addon exports. */
export interface NativeBinding {
  /** The N-API version the addon was built for. */
  readonly napiVersion: number;
  /** sysconf(_SC_PAGESIZE). */
  pageSize(): number;
  /** fcntl(fd, F_GETFL): the flags (>= 0), or -errno. */
  fcntlGetFl(fd: number): number;
  /** The load-time selection of flush and copy routines. */
  persistInfo(): PersistInfo;

  /**
   * pmem2_vm_reservation_new's system part: reserves `size` bytes (page multiple, checked) of
   * PROT_NONE address space aligned as libpmem2 does (2 MiB, 1 GiB for >= 2 GiB); with an
   * address, MAP_FIXED_NOREPLACE at it (EEXIST or a moved hint -> PMEM2_E_MAPPING_EXISTS).
   */
  reservationNew(size: bigint, address: bigint | null): ReservationHandle | Status;
  reservationAddress(rsv: ReservationHandle): bigint;
  reservationSize(rsv: ReservationHandle): bigint;
  /** Grows the reservation at its end (NOREPLACE); PMEM2_E_MAPPING_EXISTS when occupied. */
  reservationExtend(rsv: ReservationHandle, size: bigint): Status;
  /** Removes a prefix or suffix; the C side re-checks bounds and emptiness of the range. */
  reservationShrink(rsv: ReservationHandle, offset: bigint, size: bigint): Status;
  /**
   * Unmaps it (the whole padded range, where libpmem2 leaks the alignment padding);
   * PMEM2_E_VM_RESERVATION_NOT_EMPTY while maps live in it; PMEM2_E_MAPPING_NOT_FOUND when
   * already deleted (as every other call on a deleted reservation). A reservation handle that
   * is collected without delete is released by its finalizer once no map is inside.
   */
  reservationDelete(rsv: ReservationHandle): Status;

  /**
   * The system part of pmem2_map_new after all of libpmem2's checks ran in TypeScript:
   * without a reservation, a PROT_READ private anonymous placeholder of `length + alignment`
   * aligned to max(alignment, 2 MiB or 1 GiB for >= 2 GiB); with one, the range at
   * `rsvOffset` (the C side re-checks page alignment, bounds and that no other native map
   * occupies it). Then mmap(MAP_FIXED) of fd (-1 = anonymous) at `offset`: shared file maps
   * try MAP_SHARED_VALIDATE|MAP_SYNC first and fall back to MAP_SHARED only on
   * EINVAL/EOPNOTSUPP. On failure nothing is left mapped and the status is -errno.
   * `protection` is the PMEM2_PROT_* bit set.
   */
  mapNew(
    fd: number,
    offset: bigint,
    length: bigint,
    protection: number,
    privateMapping: boolean,
    alignment: number,
    rsv: ReservationHandle | null,
    rsvOffset: bigint,
  ): MapHandle | Status;
  /**
   * Which mmap of the last failed {@link NativeBinding.mapNew} on the calling thread failed,
   * so that the caller can print libpmem2's exact text for it; read it right after the
   * failed call (the next mapNew resets it).
   *
   * @example
   * ```ts
   * import { binding } from '@pmem2/native';
   * const st = binding.mapNew(-1, 0n, 2n ** 47n, 0xc0000000, false, 4096, null, 0n);
   * console.log(st); // -12
   * console.log(binding.mapNewFailedStep()); // 'placeholder'
   * ```
   * @see libpmem2: pmem2_map_new(3), pmem2_errormsg(3)
   */
  mapNewFailedStep(): MapNewStep;
  /** Whether MAP_SYNC took for this mapping. */
  mapSyncTaken(map: MapHandle): boolean;
  /** Records the effective granularity that persist/flush/mem functions follow. */
  mapSetGranularity(map: MapHandle, granularity: GranularityValue): Status;
  /** The mapping's base address (diagnostics only). 0n after delete. */
  mapAddress(map: MapHandle): bigint;
  /** The content length; 0 after delete. */
  mapSize(map: MapHandle): number;
  /**
   * The one external ArrayBuffer over the mapping (created on first call, then the same one).
   * Only for mappings with PMEM2_PROT_READ|PMEM2_PROT_WRITE: others get PMEM2_E_NO_ACCESS.
   * A runtime that forbids external buffers gets PMEM2_E_NOSUPP.
   */
  mapBuffer(map: MapHandle): ArrayBuffer | Status;
  /**
   * pmem2_map_delete's system part: waits (blocking) until no {@link NativeBinding.msyncAsync}
   * runs over the mapping, then munmaps, or mends the range back to PROT_NONE inside a
   * reservation; only when that succeeded it clears the record and detaches the buffer (every
   * view reads as length 0). On failure (-errno) the mapping, its buffer and its reservation
   * occupancy are untouched and a later call can succeed, as libpmem2 re-registers the map.
   * A call after a successful one returns PMEM2_E_MAPPING_NOT_FOUND.
   */
  mapDelete(map: MapHandle): Status;

  /** pmem2_persist_fn per the recorded granularity (PAGE: msync; CACHE_LINE: flush+sfence; BYTE: sfence). */
  persist(map: MapHandle, offset: number, length: number): Status;
  /** pmem2_flush_fn per the recorded granularity. */
  flush(map: MapHandle, offset: number, length: number): Status;
  /**
   * msync(MS_SYNC) of the page-aligned cover of `[offset, offset + length)` on the libuv thread
   * pool (napi_create_async_work), so that the event loop keeps running: the persist and flush
   * functions of PAGE granularity, without blocking.
   *
   * @remarks
   * The range is checked first (PMEM2_E_MAP_RANGE, PMEM2_E_MAPPING_NOT_FOUND after delete):
   * a refused call returns that status as a number and queues nothing. Otherwise it returns a
   * Promise that never rejects and resolves with msync's status (0 or -errno; -ECANCELED if the
   * environment was torn down before it ran). While it is pending the native record is pinned:
   * {@link NativeBinding.mapDelete} blocks until the msync returned, so the range is never
   * unmapped under it, and the record outlives a collected handle. `lastOp()` of the calling
   * thread is not changed.
   *
   * @example
   * ```ts
   * import { binding } from '@pmem2/native';
   * const map = binding.mapNew(-1, 0n, 4096n, 0xc0000000, false, 4096, null, 0n);
   * if (typeof map !== 'number') {
   *   const pending = binding.msyncAsync(map, 0, 4096);
   *   const status = typeof pending === 'number' ? pending : await pending;
   *   console.log(status); // 0
   *   binding.mapDelete(map);
   * }
   * ```
   * @see libpmem2: pmem2_get_persist_fn(3) (pmem2_persist_pages), msync(2)
   */
  msyncAsync(map: MapHandle, offset: number, length: number): Promise<Status> | Status;
  /** pmem2_drain_fn: sfence (no-op for PAGE is decided by the caller). */
  drain(): void;
  /** msync(MS_SYNC) of the page-aligned range (deep flush of regular files); lastOp().msynced. */
  msync(map: MapHandle, offset: number, length: number): Status;
  /** pmem2_memcpy_fn: copies all of `src` to `dstOffset`, honouring PMEM2_F_MEM_* flags. */
  memcpy(
    map: MapHandle,
    dstOffset: number,
    src: ArrayBufferView | ArrayBuffer,
    flags: number,
  ): Status;
  /** pmem2_memmove_fn within the mapping (overlap safe). */
  memmove(
    map: MapHandle,
    dstOffset: number,
    srcOffset: number,
    length: number,
    flags: number,
  ): Status;
  /** pmem2_memset_fn. */
  memset(map: MapHandle, dstOffset: number, value: number, length: number, flags: number): Status;
  /**
   * Copies mapping bytes out into `dst` (the safe accessor for read-only mappings).
   * Every call that touches mapped memory is guarded: a SIGBUS (file truncated under the
   * mapping) returns PMEM2_E_IO_FAIL instead of killing the process.
   */
  read(map: MapHandle, srcOffset: number, dst: ArrayBufferView): Status;
  /** What the last persist/flush/drain/msync/mem call on this thread did. */
  lastOp(): LastOp;

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
