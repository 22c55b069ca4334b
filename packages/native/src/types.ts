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
  /** An sfence (or dsb) drain was issued at the end. */
  readonly drained: boolean;
  /** msync(MS_SYNC) was called. */
  readonly msynced: boolean;
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
   * pmem2_map_delete's system part: clears the record, detaches the buffer (every view reads
   * as length 0), then munmaps, or mends the range back to PROT_NONE inside a reservation.
   * A second call returns PMEM2_E_MAPPING_NOT_FOUND.
   */
  mapDelete(map: MapHandle): Status;

  /** pmem2_persist_fn per the recorded granularity (PAGE: msync; CACHE_LINE: flush+sfence; BYTE: sfence). */
  persist(map: MapHandle, offset: number, length: number): Status;
  /** pmem2_flush_fn per the recorded granularity. */
  flush(map: MapHandle, offset: number, length: number): Status;
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
}
