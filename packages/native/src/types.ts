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
//   that undefined); writes into a mapping without PMEM2_PROT_WRITE (reads, and memmove,
//   without PMEM2_PROT_READ) return PMEM2_E_NO_ACCESS instead of faulting. memcpy/memset
//   into a write-only mapping store without any flush instruction over its lines (those are
//   permission-checked as loads) and persist with msync (PAGE, CACHE_LINE) or a drain (BYTE).
// - A mapping's granularity, and with it its routine table (persist.c map_fns_for, the one
//   place that decides it), is chosen by mapNew once; no call changes it. mapNew reports its
//   persist kind: 'msync' also for CACHE_LINE on a CPU without a flush instruction
//   (persistInfo().flush === 'none').

import type { FileBinding } from './file-types.js';
import type { MapNewResult } from './map-new-result.js';
import type { ReservationBinding } from './reservation-types.js';
import type { ShareBinding } from './share-types.js';

declare const mapBrand: unique symbol;
declare const reservationBrand: unique symbol;

/** An opaque handle to a native mapping record. */
export interface MapHandle {
  readonly [mapBrand]: true;
}

/**
 * What a map's persist does, chosen once per map from its granularity and the CPU (the routine
 * table of persist.c, libpmem2's pmem2_set_flush_fns): `'msync'` (PAGE, or CACHE_LINE on a CPU
 * without a flush instruction), `'flush'` (CACHE_LINE: the flush instruction over the lines,
 * then the drain), `'fence'` (BYTE on x86_64: a store fence only, which JavaScript may issue
 * itself as a locked instruction such as `Atomics.add`), `'drain'` (BYTE elsewhere: the
 * architecture's drain, which only native code issues).
 */
export type PersistKind = 'msync' | 'flush' | 'fence' | 'drain';

/**
 * A map's argument-free persist, flush, crc32, persistRanges and flushRanges (see
 * {@link NativeBinding.mapPersistOps}): each reads the range from
 * {@link NativeBinding.persistArgs} (a batch: its pairs from {@link NativeBinding.rangesArgs})
 * and returns a status (crc32: the CRC, or a status below 0).
 */
export interface MapPersistOps {
  readonly kind: PersistKind;
  /** pmem2_persist_fn over `[persistArgs[0], persistArgs[0] + persistArgs[1])`. */
  persist(): Status;
  /** pmem2_flush_fn over the same range. */
  flush(): Status;
  /**
   * zlib's `crc32` of the same range continuing from the seed `persistArgs[2]`, as
   * {@link NativeBinding.crc32}: the CRC (0 to 2^32 - 1), or a status below 0.
   */
  crc32(): number;
  /**
   * {@link NativeBinding.persistRanges} over the first `persistArgs[0]` pairs of
   * {@link NativeBinding.rangesArgs}: each pair checked natively just before its flush, then
   * one drain. -EINVAL for a count that is not an integer from 0 to half of rangesArgs' length.
   */
  persistRanges(): Status;
  /** The same batch without the drain, as {@link NativeBinding.flushRanges}. */
  flushRanges(): Status;
  /** The index of the map's byte in {@link NativeBinding.fenceStops}. */
  readonly stop: number;
}

/** An opaque handle to a native virtual-memory reservation record. */
export interface ReservationHandle {
  readonly [reservationBrand]: true;
}

/** 0 on success, or a negative PMEM2_E_* value or -errno. */
export type Status = number;

/**
 * The advice codes of {@link NativeBinding.madvise} (advice.h): normal, sequential, random,
 * willneed, dontneed, hugepage, nohugepage, in that order.
 */
export type MapAdvice = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** The cache-flush instruction chosen at load time (libpmem2 x86_64/init.c, aarch64/init.c). */
export type FlushInstruction = 'clwb' | 'clflushopt' | 'clflush' | 'dc cvap' | 'dc cvac' | 'none';

/** The copy routine family chosen at load time (libpmem2 x86_64/init.c, memops_generic.c). */
export type MemcpyRoutine = 'movdir64b' | 'avx512f' | 'avx' | 'sse2' | 'generic' | 'libc';

/**
 * The CRC-32 routine chosen at load time for ranges of 64 bytes or more: carry-less multiply
 * on 256-bit registers (x86-64 VPCLMULQDQ with AVX2, for ranges of 256 bytes or more; the
 * 128-bit form below that and with `PMEM2_CRC32=pclmul`), carry-less multiply (x86-64
 * PCLMULQDQ), the ARMv8 CRC32 instructions, or zlib-class tables (the only routine below 64
 * bytes, and everywhere with `PMEM2_CRC32=tables`). All compute zlib's crc32.
 */
export type Crc32Routine = 'vpclmul' | 'pclmul' | 'armv8' | 'tables';

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
  /** Which routine `crc32` of a mapping runs (not part of libpmem2). */
  readonly crc32: Crc32Routine;
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
 * Which system call of a failed {@link NativeBinding.mapNew} failed (its `failedStep` slot):
 * `'placeholder'` is the anonymous placeholder mmap outside a reservation (libpmem2's
 * map_reserve, text `"mmap MAP_ANONYMOUS: <strerror>"`), `'mmap'` the mapping of the source
 * itself (file_map, text `"mmap: <strerror>"`; also a failed `fstat` of the fd, which that
 * mmap would report), `'placeholder-trim'` the munmap of the placeholder's unaligned head or
 * tail (map_reserve, text `"munmap: <strerror>"`), `'none'` when it failed before any system
 * call (a refused argument, a range past the end of the file, a refused granularity).
 */
export type MapNewStep = 'none' | 'placeholder' | 'mmap' | 'placeholder-trim';

/**
 * The rule of libpmem2's `get_min_granularity` (and pmem2_map_new's anonymous rule) that
 * decided a mapping's granularity: `'anonymous'` → BYTE, `'private'` → BYTE (even over
 * `PMEM2_FORCE_GRANULARITY`), `'forced'` → the forced value, `'no-map-sync'` → PAGE,
 * `'no-eadr'` → CACHE_LINE (MAP_SYNC taken), `'eadr'` → BYTE (MAP_SYNC taken and eADR).
 */
export type GranularityReason =
  | 'anonymous'
  | 'private'
  | 'forced'
  | 'no-map-sync'
  | 'no-eadr'
  | 'eadr';

/**
 * A range of a mapping whose pages were lost: a SIGBUS on it (the file was truncated, the
 * file system had no space for a hole, or the media is poisoned) was repaired by mapping
 * zeroed anonymous memory over it. It reads as zeros from then on; stores to it are lost.
 */
export interface LostRange {
  /** Offset of the first lost byte from the start of the mapping (page-aligned). */
  readonly offset: number;
  /** Length in bytes (whole pages). */
  readonly length: number;
  /**
   * `truncated`: the page lies at or past the file's size now; `no-space`: inside the file,
   * the file system could not provide it (ENOSPC, quota, or an I/O error); `media-error`: the
   * kernel reported hardware poison (BUS_MCEERR_AR/AO).
   */
  readonly cause: 'truncated' | 'no-space' | 'media-error';
}

/** The mapping granularity enum values (pmem2_granularity). */
export type GranularityValue = 0 | 1 | 2;

/** The binding object the addon exports. */
export interface NativeBinding extends ShareBinding, ReservationBinding, FileBinding {
  /** The N-API version the addon was built for. */
  readonly napiVersion: number;
  /** sysconf(_SC_PAGESIZE). */
  pageSize(): number;
  /** The load-time selection of flush and copy routines. */
  persistInfo(): PersistInfo;

  /**
   * The system part of pmem2_map_new after all of libpmem2's checks ran in TypeScript, in one
   * call: the range check against the file, the mapping, and the granularity decision.
   *
   * @remarks
   * For an fd, `fstat` first: `offset + length` past the end of a regular file answers
   * PMEM2_E_MAP_RANGE (its pages past the end would raise SIGBUS when touched). Then, without
   * a reservation, a PROT_READ private anonymous placeholder of `length + alignment` aligned
   * to max(alignment, 2 MiB or 1 GiB for >= 2 GiB); with one, the range at `rsvOffset` (the
   * C side re-checks page alignment, bounds and that no other native map occupies it). Then
   * mmap(MAP_FIXED) of fd (-1 = anonymous) at `offset`: shared file maps try
   * MAP_SHARED_VALIDATE|MAP_SYNC first and fall back to MAP_SHARED only on EINVAL/EOPNOTSUPP.
   *
   * The granularity is decided here, once, in libpmem2's order (anonymous → BYTE; private →
   * BYTE; `PMEM2_FORCE_GRANULARITY`; no MAP_SYNC → PAGE; no eADR → CACHE_LINE; else BYTE)
   * and never changes. `forceGranularity` is that variable's value, parsed as
   * {@link NativeBinding.forceGranularity} parses it (undefined or null: unset); pass
   * `process.env.PMEM2_FORCE_GRANULARITY`, since runtimes differ in whether `process.env`
   * assignments reach C's environment (Bun's do not; a worker's `process.env` is a copy).
   * Without a 12th argument (11 arguments) the process environment is read now with getenv.
   * Any other type throws TypeError. `eADR` (pmem2_auto_flush() ==
   * 1) is called only when its answer decides (a shared MAP_SYNC mapping with nothing
   * forced); null means no eADR; a throw propagates, with nothing mapped. A granularity
   * coarser than `requiredGranularity` answers PMEM2_E_GRANULARITY_NOT_SUPPORTED, with the
   * mapping undone. On failure nothing is left mapped and the status is returned; `result`
   * ({@link MapNewSlot}) is filled in every case that does not throw. `protection` is the
   * PMEM2_PROT_* bit set; a requiredGranularity outside 0-2 answers -EINVAL.
   *
   * @example
   * ```ts
   * import { binding, MapNewSlot, MAP_NEW_STEPS, newMapNewResult } from '@pmem2/native';
   * const result = newMapNewResult();
   * const st = binding.mapNew(-1, 0n, 2n ** 47n, 0xc0000000, false, 4096, null, 0n, 2, null, result,
   *   process.env.PMEM2_FORCE_GRANULARITY);
   * console.log(st); // -12
   * console.log(MAP_NEW_STEPS[result[MapNewSlot.failedStep]]); // 'placeholder'
   * ```
   * @see libpmem2: pmem2_map_new(3), pmem2_errormsg(3)
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
    requiredGranularity: GranularityValue,
    eADR: (() => boolean) | null,
    result: MapNewResult,
    forceGranularity?: string | null,
  ): MapHandle | Status;
  /**
   * The granularity rule of {@link NativeBinding.mapNew} alone, for a mapping described by
   * facts (`forced` is a granularity or -1 for none): fills the `granularity`, `reason` and
   * `persistKind` slots of `result`; 0, or -EINVAL for a `forced` outside -1..2. Decides
   * nothing for any mapping (what-if questions, such as the granularity without the force).
   *
   * @example
   * ```ts
   * import { binding, MapNewSlot, newMapNewResult } from '@pmem2/native';
   * const result = newMapNewResult();
   * binding.granularityDecide(false, false, -1, true, () => false, result); // 0
   * result[MapNewSlot.granularity]; // 1: MAP_SYNC without eADR is CACHE_LINE
   * ```
   * @see libpmem2: pmem2_map_get_store_granularity(3)
   */
  granularityDecide(
    anonymous: boolean,
    privateMapping: boolean,
    forced: GranularityValue | -1,
    mapSync: boolean,
    eADR: (() => boolean) | null,
    result: MapNewResult,
  ): Status;
  /**
   * libpmem2's parse_force_granularity of `value`, or (undefined) of `PMEM2_FORCE_GRANULARITY`
   * in the process environment now: `BYTE`, `CACHE_LINE`, `CACHELINE` or `PAGE` in any ASCII
   * case, at most 10 bytes; -1 for anything else. The process environment is what C's
   * getenv sees: in a worker thread `process.env` is a copy, and its assignments are not;
   * under Bun no `process.env` assignment reaches it. Pass `process.env`'s value to read that.
   *
   * @example
   * ```ts
   * import { binding } from '@pmem2/native';
   * binding.forceGranularity('cacheline'); // 1
   * binding.forceGranularity('cache-line'); // -1
   * ```
   * @see libpmem2: libpmem2(7) (PMEM2_FORCE_GRANULARITY)
   */
  forceGranularity(value?: string): GranularityValue | -1;
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
  /**
   * The lost ranges of a mapping, sorted by offset; empty when none. After a loss, the next
   * call on the mapping (persist, flush, msync, msyncAsync, memcpy, memmove, memset, read)
   * returns PMEM2_E_IO_FAIL once, and every call whose range overlaps a lost page does.
   * PMEM2_E_MAPPING_NOT_FOUND after delete.
   */
  mapLost(map: MapHandle): readonly LostRange[] | Status;
  /**
   * The count of pages the SIGBUS handler repaired in the whole process, any mapping of any
   * realm (one element over native memory; wraps at 2^32), or null where the runtime forbids
   * external buffers. While it reads 0 no call has a loss to report. Read it, never write it.
   */
  readonly faultRepairs: Uint32Array | null;

  /** pmem2_persist_fn per the mapping's persist kind (msync; flush + sfence; sfence). */
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
   * const map = binding.mapNew(-1, 0n, 4096n, 0xc0000000, false, 4096, null, 0n, 2, null,
   *   new Float64Array(6));
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
  /**
   * The three-element cell (offset, length, seed) that the functions of
   * {@link NativeBinding.mapPersistOps} read (the seed: crc32 only): one per environment
   * (thread), in native memory. null where the runtime forbids external buffers; then use
   * persist/flush/crc32 with arguments. The functions check the values as the argument
   * forms do (PMEM2_E_MAP_RANGE for anything but an in-range safe integer pair,
   * PMEM2_E_MAPPING_NOT_FOUND after delete, -EINVAL for a seed outside [0, 2^32)).
   */
  readonly persistArgs: Float64Array | null;
  /**
   * The (offset, length) pairs of a batch that {@link MapPersistOps.persistRanges} and
   * {@link MapPersistOps.flushRanges} read, their count in `persistArgs[0]`: 512 numbers
   * (256 pairs), one cell per environment (thread) in native memory, null where the runtime
   * forbids external buffers. Copying a batch in (`rangesArgs.set(ranges)`) and calling the
   * bound function costs less than passing the array: the handle's unwrap and
   * napi_get_typedarray_info cost about 50 ns. Each pair is checked as persistRanges checks it.
   */
  readonly rangesArgs: Float64Array | null;
  /**
   * One byte a mapping's fault slot (index {@link MapPersistOps.stop}), or null where the
   * runtime forbids external buffers: 0 exactly while the mapping is in the fault table and
   * never lost a page, 1 once the SIGBUS handler repaired one of its pages or it left the
   * table; the last byte is always 1. While a BYTE map's byte is 0, @pmem2/map fences its
   * persist in JavaScript; once it is 1, the persist goes native and reports the loss. A
   * loss on one mapping leaves every other mapping's byte 0. Read it, never write it.
   */
  readonly fenceStops: Uint8Array | null;
  /**
   * The map's persist kind and persist/flush/crc32/persistRanges/flushRanges functions bound to
   * it (the record rides in the function's data pointer, the range in persistArgs, a batch in
   * rangesArgs), so a call converts no argument and
   * unwraps no handle: about the cost of a call without arguments. They follow the record's
   * current routine table and keep the record alive while they are reachable.
   */
  mapPersistOps(map: MapHandle): MapPersistOps;
  /**
   * pmem2_flush_fn over every `(offset, length)` pair of `ranges`, then one pmem2_drain_fn:
   * a C loop of flushes and one drain. Each pair is checked natively just before its flush
   * (the check runs while the earlier lines are written back); the first refused pair
   * (PMEM2_E_MAP_RANGE) or failing msync stops the batch with its status, after the ranges
   * before it and without the drain. A lost page under a range wins (PMEM2_E_IO_FAIL).
   * -EINVAL for an odd length; a non-Float64Array throws TypeError. lastOp() tells what ran.
   */
  persistRanges(map: MapHandle, ranges: Float64Array): Status;
  /** pmem2_flush_fn over every pair of `ranges`, without the drain; as persistRanges. */
  flushRanges(map: MapHandle, ranges: Float64Array): Status;
  /**
   * The CRC-32 of `[offset, offset + length)` of the map continuing from `seed`, exactly
   * `zlib.crc32(bytes, seed)` (IEEE polynomial, reflected; with the routine
   * {@link PersistInfo.crc32} names): the CRC (0 to 2^32 - 1), or a status below 0: PMEM2_E_MAP_RANGE for a
   * range outside the map, -EINVAL for a seed that is not an integer in [0, 2^32),
   * PMEM2_E_NO_ACCESS without PROT_READ, PMEM2_E_IO_FAIL for a page lost under the range (the
   * SIGBUS guard's report), PMEM2_E_MAPPING_NOT_FOUND after delete.
   */
  crc32(map: MapHandle, offset: number, length: number, seed: number): number;
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

  /*
   * The calls beyond libpmem2 (advice.c). Each checks [offset, offset + length) against the
   * live mapping (PMEM2_E_MAP_RANGE, PMEM2_E_MAPPING_NOT_FOUND), then works on the whole pages
   * covering it: the start aligned down and the end aligned up, never outside the mapping. A
   * zero length makes no system call. Failures of the system call are -errno.
   */

  /**
   * madvise(2) over the page cover with a {@link MapAdvice} code (never a raw MADV_* value);
   * an unknown code is -EINVAL.
   *
   * @example
   * ```ts
   * import { binding } from '@pmem2/native';
   * const map = binding.mapNew(-1, 0n, 65536n, 0xc0000000, false, 4096, null, 0n, 2, null, new Float64Array(6));
   * if (typeof map !== 'number') {
   *   binding.madvise(map, 0, 65536, 1); // 0 (MADV_SEQUENTIAL)
   *   binding.madvise(map, 0, 65536, 99); // -22
   *   binding.mapDelete(map);
   * }
   * ```
   * @see madvise(2)
   */
  madvise(map: MapHandle, offset: number, length: number, advice: MapAdvice): Status;
  /**
   * Prefaults the page cover: MADV_POPULATE_WRITE (`write` 1) or MADV_POPULATE_READ (0);
   * where the kernel lacks them (EINVAL, before Linux 5.14) a loop touches every page under the
   * SIGBUS guard (PMEM2_E_IO_FAIL for lost pages), reading one byte, or adding 0 to it
   * atomically for `write`, which needs READ and WRITE protection (else -EINVAL stays).
   *
   * @see madvise(2) MADV_POPULATE_READ
   */
  populate(map: MapHandle, offset: number, length: number, write: 0 | 1): Status;
  /** msync(MS_ASYNC) over the page cover (Linux only checks the range; see Pmem2Map). */
  scheduleWriteback(map: MapHandle, offset: number, length: number): Status;
  /**
   * mincore(2) over the page cover into `vec` (one byte per page: 1 resident, 0 not); the
   * count of resident pages, or a negative status (-EINVAL when `vec` is shorter than the
   * page count).
   *
   * @see mincore(2)
   */
  mincore(map: MapHandle, offset: number, length: number, vec: Uint8Array): number;
  /** mlock(2) (`lock` 1) or munlock(2) (0) over the page cover. */
  mlock(map: MapHandle, offset: number, length: number, lock: 0 | 1): Status;
}
