// pmem2-map.ts -- struct pmem2_map: getters, persist/flush/drain, mem functions, delete

import { Granularity, Protection, toSize } from '@pmem2/config';
import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
import { binding, type MapHandle } from '@pmem2/native';
import { type CheckedRange, checkRange } from './check-range.js';
import { type SourceFacts, writeDeepFlush } from './deep-flush.js';
import { formatPointer } from './format.js';
import { CONSTRUCT, reservationStates } from './internal.js';
import { checkMemFlags } from './mem-flags.js';
import { checkStatus, type NativeCallContext, nativeError, unwrapResult } from './native-call.js';
import { mappingRegistry } from './registry.js';
import type { VmReservation } from './vm-reservation.js';

/**
 * What mapNew hands a new {@link Pmem2Map} (the fields of libpmem2's `struct pmem2_map`).
 *
 * @see libpmem2: pmem2_map_new(3)
 */
export interface MapInit {
  readonly handle: MapHandle;
  readonly address: bigint;
  readonly size: number;
  readonly granularity: Granularity;
  /** The PMEM2_PROT_* bits, unsigned. */
  readonly protection: number;
  readonly reservation: VmReservation | null;
  /** What deep flush needs of the source (libpmem2 keeps a copy of the source). */
  readonly source: SourceFacts;
}

const READ_WRITE = (Protection.READ | Protection.WRITE) >>> 0;

// A CPU without a flush instruction persists CACHE_LINE mappings with msync too.
const CACHE_LINE_USES_MSYNC = binding.persistInfo().flush === 'none';

/**
 * A mapping created by {@link mapNew}: libpmem2's `struct pmem2_map`.
 *
 * @remarks
 * Memory access. A mapping with `Protection.READ | Protection.WRITE` (the default) exposes
 * its memory zero-copy as {@link Pmem2Map.buffer} (an external `ArrayBuffer`), with
 * {@link Pmem2Map.bytes} and {@link Pmem2Map.dataView} as shortcuts. A mapping without both
 * bits (read-only, write-only, exec-only or `PROT_NONE`) has no buffer, because a store
 * through a view of a read-only mapping, or any access to a `PROT_NONE` one, would kill the
 * process with SIGSEGV; read a readable mapping with the copying {@link Pmem2Map.read}.
 *
 * Safety rules:
 * - After {@link Pmem2Map.delete} the buffer is detached: every view has length 0, and new
 *   views cannot be made. Views never point at unmapped memory.
 * - If the file is truncated under a live mapping, touching the lost pages through a view
 *   raises SIGBUS, as in C; {@link Pmem2Map.read} and the mem functions are guarded and
 *   throw `PMEM2_E_IO_FAIL` instead.
 * - Stores through views are not persistent until {@link Pmem2Map.persist} (or
 *   flush + drain) covers them, exactly as for plain stores in C.
 * - A mapping that becomes unreachable without `delete()` is unmapped by a finalizer at an
 *   unspecified time; call `delete()` (or `using`) to release it deterministically.
 *
 * Every method (and getter) of a deleted mapping throws `PMEM2_E_MAPPING_NOT_FOUND`; in
 * libpmem2 using a deleted map is undefined behaviour.
 *
 * @example
 * ```ts
 * import { unlinkSync, writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { Config, Granularity } from '@pmem2/config';
 * import { Source } from '@pmem2/source';
 * import { mapNew } from '@pmem2/map';
 * const path = join(tmpdir(), `pmem2-example-${process.pid}`);
 * writeFileSync(path, Buffer.alloc(1 << 20));
 * const src = Source.fromPath(path);
 * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
 * try {
 *   map.bytes().set([1, 2, 3]);
 *   map.persist(0, 3);
 *   map.read(0, 3).join(','); // '1,2,3'
 * } finally {
 *   map.delete();
 *   src.delete();
 *   unlinkSync(path);
 * }
 * ```
 * @see libpmem2: pmem2_map_new(3), pmem2_map_delete(3)
 */
export class Pmem2Map implements Disposable, AsyncDisposable {
  readonly #handle: MapHandle;
  readonly #address: bigint;
  readonly #size: number;
  readonly #granularity: Granularity;
  readonly #protection: number;
  readonly #reservation: VmReservation | null;
  readonly #source: SourceFacts;
  /** The native promises of msyncs running on the thread pool (they never reject). */
  readonly #inFlight = new Set<Promise<number>>();
  #deleted = false;

  /**
   * Not for users: mappings come from {@link mapNew}.
   *
   * @throws TypeError when called from outside the package.
   * @example
   * ```ts
   * import { Pmem2Map } from '@pmem2/map';
   * // mappings come from mapNew(config, source); the constructor refuses everyone else
   * new Pmem2Map(Symbol('not the token') as never, {} as never); // throws TypeError
   * ```
   * @see libpmem2: pmem2_map_new(3)
   */
  constructor(token: typeof CONSTRUCT, init: MapInit) {
    if (token !== CONSTRUCT) throw new TypeError('Pmem2Map instances are created by mapNew()');
    this.#handle = init.handle;
    this.#address = init.address;
    this.#size = init.size;
    this.#granularity = init.granularity;
    this.#protection = init.protection;
    this.#reservation = init.reservation;
    this.#source = init.source;
  }

  /**
   * The size of the mapping in bytes: the content length, which need not be a multiple of
   * the page size (a 5000-byte file mapped to its end has size 5000).
   *
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAPPING_NOT_FOUND` after {@link Pmem2Map.delete}.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.size; // 1048576
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see libpmem2: pmem2_map_get_size(3)
   */
  get size(): number {
    this.#assertLive('size');
    return this.#size;
  }

  /**
   * The effective store granularity: what {@link Pmem2Map.persist} must do to make stores
   * persistent. It may be finer than the config's required granularity.
   *
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAPPING_NOT_FOUND` after {@link Pmem2Map.delete}.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.storeGranularity === Granularity.BYTE; // true
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see libpmem2: pmem2_map_get_store_granularity(3)
   */
  get storeGranularity(): Granularity {
    this.#assertLive('storeGranularity');
    return this.#granularity;
  }

  /**
   * The base address of the mapping, for diagnostics only (JavaScript cannot use it).
   *
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAPPING_NOT_FOUND` after {@link Pmem2Map.delete}.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.address % 4096n; // 0n
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see libpmem2: pmem2_map_get_address(3)
   */
  get address(): bigint {
    this.#assertLive('address');
    return this.#address;
  }

  /**
   * The mapped memory as a zero-copy `ArrayBuffer` (the same one on every access), for
   * mappings with `Protection.READ | Protection.WRITE`.
   *
   * @remarks
   * Detached by {@link Pmem2Map.delete}: views made from it then have length 0.
   *
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_NO_ACCESS` for a mapping without both READ and WRITE
   *   (use {@link Pmem2Map.read}); `PMEM2_E_NOSUPP` when the runtime forbids external
   *   buffers; `PMEM2_E_MAPPING_NOT_FOUND` after delete.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   new Uint32Array(map.buffer, 0, 2).set([1, 2]);
   *   map.buffer.byteLength; // 1048576
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see libpmem2: pmem2_map_get_address(3)
   */
  get buffer(): ArrayBuffer {
    this.#assertLive('buffer');
    if ((this.#protection & READ_WRITE) >>> 0 !== READ_WRITE) {
      throw new Pmem2Error(
        PMEM2_E.NO_ACCESS,
        `the mapping at ${formatPointer(this.#address)} is not readable and writable ` +
          `(protection 0x${this.#protection.toString(16)}), so it has no buffer: a store ` +
          'through it would crash the process; use map.read(offset, length) to copy bytes out',
      );
    }
    return unwrapResult(binding.mapBuffer(this.#handle), () =>
      this.#context('creating the buffer of', 'mmap'),
    );
  }

  /**
   * A `Uint8Array` over the whole mapping (zero-copy; see {@link Pmem2Map.buffer}).
   *
   * @throws {@link @pmem2/errors!Pmem2Error} as {@link Pmem2Map.buffer}.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.bytes().fill(0xff, 0, 64);
   *   map.bytes()[63]; // 255
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see libpmem2: pmem2_map_get_address(3)
   */
  bytes(): Uint8Array {
    return new Uint8Array(this.buffer);
  }

  /**
   * A `DataView` over the whole mapping (zero-copy; see {@link Pmem2Map.buffer}).
   *
   * @throws {@link @pmem2/errors!Pmem2Error} as {@link Pmem2Map.buffer}.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.dataView().setBigUint64(0, 42n, true);
   *   map.dataView().getBigUint64(0, true); // 42n
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see libpmem2: pmem2_map_get_address(3)
   */
  dataView(): DataView {
    return new DataView(this.buffer);
  }

  /**
   * Copies bytes out of the mapping: the safe accessor that works for read-only mappings.
   *
   * @param offset - where to start reading.
   * @param lengthOrTarget - how many bytes to read into a new `Uint8Array`, or the view to
   *   fill (its whole byte length is read).
   * @returns the bytes read (the given view, or a new `Uint8Array`).
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_NO_ACCESS` for a mapping without `Protection.READ`;
   *   `PMEM2_E_MAP_RANGE` for a range outside the mapping; `PMEM2_E_IO_FAIL` when the pages
   *   are gone (file truncated); `PMEM2_E_MAPPING_NOT_FOUND` after delete.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.bytes()[0] = 5;
   *   const header = map.read(0, 64);
   *   header[0]; // 5
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see libpmem2: pmem2_source_pread_mcsafe(3) (the same guard, on a mapping)
   */
  read(offset: number | bigint, length: number | bigint): Uint8Array;
  read<T extends ArrayBufferView>(offset: number | bigint, target: T): T;
  read(
    offset: number | bigint,
    lengthOrTarget: number | bigint | ArrayBufferView,
  ): ArrayBufferView {
    this.#assertLive('read');
    this.#requireProtection(Protection.READ, 'read');
    const length = ArrayBuffer.isView(lengthOrTarget)
      ? lengthOrTarget.byteLength
      : toSize(lengthOrTarget, 'length', PMEM2_E.MAP_RANGE);
    const range = checkRange(offset, length, this.#size, 'read');
    const target = ArrayBuffer.isView(lengthOrTarget)
      ? lengthOrTarget
      : new Uint8Array(range.length);
    const status = binding.read(this.#handle, range.offset, target);
    if (status !== 0) throw nativeError(status, this.#context('reading', 'read', range));
    return target;
  }

  /**
   * Makes `[offset, offset + length)` persistent, as the map's persist function does for its
   * granularity: PAGE → msync of the page-aligned range; CACHE_LINE → cache-line flush and
   * sfence; BYTE → sfence.
   *
   * @remarks
   * libpmem2 takes a pointer and does not check it (a range outside the map is undefined
   * behaviour, and a failing msync aborts the process); this method checks the range and
   * throws instead.
   *
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAP_RANGE` for a range outside the mapping;
   *   `PMEM2_E_NO_ACCESS` for a cache-line flush of a mapping without `Protection.READ`
   *   (the flush instruction would fault); `-errno` (`msync: …`) when msync fails;
   *   `PMEM2_E_MAPPING_NOT_FOUND` after delete.
   * @example
   * ```ts
   * import { unlinkSync, writeFileSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const path = join(tmpdir(), `pmem2-example-${process.pid}`);
   * writeFileSync(path, Buffer.alloc(1 << 20));
   * const src = Source.fromPath(path);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.bytes()[100] = 1;
   *   map.persist(100, 1);
   * } finally {
   *   map.delete();
   *   src.delete();
   *   unlinkSync(path);
   * }
   * ```
   * @see libpmem2: pmem2_get_persist_fn(3)
   */
  persist(offset: number | bigint, length: number | bigint): void {
    this.#flushOrPersist('persist', offset, length);
  }

  /**
   * Flushes `[offset, offset + length)` without the final drain: PAGE → msync (as persist);
   * CACHE_LINE → cache-line flush; BYTE → nothing. Call {@link Pmem2Map.drain} after one or
   * more flushes.
   *
   * @throws {@link @pmem2/errors!Pmem2Error} as {@link Pmem2Map.persist}.
   * @example
   * ```ts
   * import { unlinkSync, writeFileSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const path = join(tmpdir(), `pmem2-example-${process.pid}`);
   * writeFileSync(path, Buffer.alloc(1 << 20));
   * const src = Source.fromPath(path);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.bytes()[0] = 1;
   *   map.bytes()[4096] = 2;
   *   map.flush(0, 64);
   *   map.flush(4096, 64);
   *   map.drain();
   * } finally {
   *   map.delete();
   *   src.delete();
   *   unlinkSync(path);
   * }
   * ```
   * @see libpmem2: pmem2_get_flush_fn(3)
   */
  flush(offset: number | bigint, length: number | bigint): void {
    this.#flushOrPersist('flush', offset, length);
  }

  /**
   * {@link Pmem2Map.persist} without blocking the event loop: at PAGE granularity (and
   * CACHE_LINE on a CPU without a flush instruction) the msync runs on the libuv thread pool;
   * CACHE_LINE and BYTE complete synchronously (a cache-line flush and sfence take
   * microseconds) and return a settled promise.
   *
   * @remarks
   * Checks run at the call: a bad range or a deleted mapping gives a rejected promise, and
   * nothing runs. While an msync is in flight the native mapping is pinned: {@link
   * Pmem2Map.delete} called meanwhile waits (blocking) for the running msync to return before
   * it unmaps, and the promise still settles with that msync's result; await the promise, or
   * use `await using` / {@link Pmem2Map.[Symbol.asyncDispose]}, to delete without blocking.
   * Stores made after the call are not guaranteed to be covered: persist after the last
   * store you need durable. Concurrent calls are allowed and run in parallel.
   *
   * @returns a promise that resolves when `[offset, offset + length)` is persistent.
   * @throws {@link @pmem2/errors!Pmem2Error} (as a rejection) `PMEM2_E_MAP_RANGE` for a range
   *   outside the mapping; `PMEM2_E_NO_ACCESS` for a cache-line flush of a mapping without
   *   `Protection.READ`; `-errno` (`msync: …`) when msync fails;
   *   `PMEM2_E_MAPPING_NOT_FOUND` after delete.
   * @example
   * ```ts
   * import { writeFileSync, unlinkSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const path = join(tmpdir(), `persist-async-${process.pid}`);
   * writeFileSync(path, Buffer.alloc(1 << 20));
   * const src = Source.fromPath(path);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.bytes().fill(7, 0, 4096);
   *   await map.persistAsync(0, 4096); // the event loop keeps running meanwhile
   * } finally {
   *   map.delete();
   *   src.delete();
   *   unlinkSync(path);
   * }
   * ```
   * @see libpmem2: pmem2_get_persist_fn(3)
   */
  persistAsync(offset: number | bigint, length: number | bigint): Promise<void> {
    return this.#flushOrPersistAsync('persist', offset, length);
  }

  /**
   * {@link Pmem2Map.flush} without blocking the event loop: PAGE → msync on the libuv thread
   * pool (as {@link Pmem2Map.persistAsync}); CACHE_LINE → cache-line flush, synchronously;
   * BYTE → nothing. Call {@link Pmem2Map.drain} after the flushes settled.
   *
   * @remarks
   * Pinning, delete and checks as {@link Pmem2Map.persistAsync}.
   *
   * @returns a promise that resolves when the flush of `[offset, offset + length)` is done.
   * @throws {@link @pmem2/errors!Pmem2Error} (as a rejection) as
   *   {@link Pmem2Map.persistAsync}.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.bytes()[0] = 1;
   *   await Promise.all([map.flushAsync(0, 1), map.flushAsync(4096, 1)]);
   *   map.drain();
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see libpmem2: pmem2_get_flush_fn(3)
   */
  flushAsync(offset: number | bigint, length: number | bigint): Promise<void> {
    return this.#flushOrPersistAsync('flush', offset, length);
  }

  /**
   * Waits for earlier flushes to complete: sfence for CACHE_LINE and BYTE, nothing for PAGE
   * (msync already waited).
   *
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAPPING_NOT_FOUND` after delete.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.bytes()[0] = 1;
   *   map.flush(0, 64);
   *   map.drain();
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see libpmem2: pmem2_get_drain_fn(3)
   */
  drain(): void {
    this.#assertLive('drain');
    if (this.#granularity !== Granularity.PAGE) binding.drain();
  }

  /**
   * Flushes `[offset, offset + length)` all the way to the media, beyond the persistence
   * domain: libpmem2's `pmem2_deep_flush`.
   *
   * @remarks
   * By granularity: PAGE → nothing (persist already ran msync); CACHE_LINE and BYTE → for a
   * regular file, msync of the page-aligned range (not restarted on EINTR); for a device DAX,
   * a persist of the range, then `1` written to the region's sysfs `deep_flush` attribute
   * (skipped when it reads `0`; failures to open, read or write it are ignored, as in
   * libpmem2); anonymous memory → `PMEM2_E_NOSUPP`. A private file mapping (BYTE) takes the
   * msync path. For a BYTE device DAX mapping the persist is a drain only (eADR flushes CPU
   * caches), where libpmem2 also flushes the cache lines.
   *
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_DEEP_FLUSH_RANGE` `"requested deep flush rage ptr %p
   *   size %zu exceeds map range %p"` (sic; the second `%p` is the mapping's address here);
   *   `PMEM2_E_NOSUPP` `"Anonymous source does not support deep flush"`;
   *   `PMEM2_E_DAX_REGION_NOT_FOUND` `"unknown region"` for a device DAX on no region;
   *   `-errno` (`msync: …`); `PMEM2_E_MAPPING_NOT_FOUND` after delete.
   * @example
   * ```ts
   * import { unlinkSync, writeFileSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const path = join(tmpdir(), `pmem2-example-${process.pid}`);
   * writeFileSync(path, Buffer.alloc(1 << 20));
   * const src = Source.fromPath(path);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.bytes().fill(1, 0, 4096);
   *   map.persist(0, 4096);
   *   map.deepFlush(0, 4096);
   * } finally {
   *   map.delete();
   *   src.delete();
   *   unlinkSync(path);
   * }
   * ```
   * @see libpmem2: pmem2_deep_flush(3)
   */
  deepFlush(offset: number | bigint, length: number | bigint): void {
    this.#assertLive('deepFlush');
    const start = toSize(offset, 'offset', PMEM2_E.DEEP_FLUSH_RANGE);
    const count = toSize(length, 'length', PMEM2_E.DEEP_FLUSH_RANGE);
    if (start + count > BigInt(this.#size)) {
      const text =
        `requested deep flush rage ptr ${formatPointer(this.#address + start)} size ${count} ` +
        `exceeds map range ${formatPointer(this.#address)}`;
      throw new Pmem2Error(
        PMEM2_E.DEEP_FLUSH_RANGE,
        `deep flush of offset ${start} + length ${count} passes the end of the ` +
          `${this.#size}-byte mapping; keep offset + length <= map.size`,
        { libpmem2Message: text },
      );
    }
    if (this.#granularity === Granularity.PAGE) return;
    const range = { offset: Number(start), length: Number(count) };
    if (this.#source.type === 'anon') {
      const text = 'Anonymous source does not support deep flush';
      throw new Pmem2Error(
        PMEM2_E.NOSUPP,
        `${text}: anonymous memory has no media; persist() is all it needs`,
        { libpmem2Message: text },
      );
    }
    if (this.#source.type === 'devdax') {
      checkStatus(binding.persist(this.#handle, range.offset, range.length), () =>
        this.#context('persist of', 'msync', range),
      );
      const region = this.#source.region;
      if (typeof region !== 'number') {
        throw new Pmem2Error(PMEM2_E.DAX_REGION_NOT_FOUND, region?.message, {
          libpmem2Message: region?.libpmem2Message ?? 'unknown region',
        });
      }
      writeDeepFlush(region, this.#source.sysfsRoot);
      return;
    }
    checkStatus(binding.msync(this.#handle, range.offset, range.length), () =>
      this.#context('deep flush of', 'msync', range),
    );
  }

  /**
   * Copies all of `source` to `dstOffset` and makes it persistent (per the granularity),
   * honouring {@link MemFlags}. `source` may be a view of another mapping.
   *
   * @param flags - an OR of {@link MemFlags}; 0 by default.
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAP_RANGE` when the copy passes the end;
   *   `PMEM2_E_NO_ACCESS` for a mapping without READ and WRITE; `EINVAL` for invalid flags;
   *   `PMEM2_E_IO_FAIL` when the pages are gone; `-errno` (`msync: …`) for PAGE granularity;
   *   `PMEM2_E_MAPPING_NOT_FOUND` after delete.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.memcpy(0, new TextEncoder().encode('hello'));
   *   new TextDecoder().decode(map.read(0, 5)); // 'hello'
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see libpmem2: pmem2_get_memcpy_fn(3)
   */
  memcpy(dstOffset: number | bigint, source: ArrayBufferView | ArrayBuffer, flags = 0): void {
    this.#assertLive('memcpy');
    this.#requireProtection(READ_WRITE, 'memcpy');
    checkMemFlags(flags);
    const range = checkRange(dstOffset, source.byteLength, this.#size, 'memcpy');
    const status = binding.memcpy(this.#handle, range.offset, source, flags);
    if (status !== 0) throw nativeError(status, this.#context('memcpy into', 'msync', range));
  }

  /**
   * Moves `length` bytes from `srcOffset` to `dstOffset` inside the mapping (the ranges may
   * overlap) and makes them persistent, honouring {@link MemFlags}.
   *
   * @param flags - an OR of {@link MemFlags}; 0 by default.
   * @throws {@link @pmem2/errors!Pmem2Error} as {@link Pmem2Map.memcpy}.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.memset(0, 1, 1);
   *   map.memmove(1, 0, 4095);
   *   map.read(1, 1)[0]; // 1
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see libpmem2: pmem2_get_memmove_fn(3)
   */
  memmove(
    dstOffset: number | bigint,
    srcOffset: number | bigint,
    length: number | bigint,
    flags = 0,
  ): void {
    this.#assertLive('memmove');
    this.#requireProtection(READ_WRITE, 'memmove');
    checkMemFlags(flags);
    const source = checkRange(srcOffset, length, this.#size, 'memmove source');
    const target = checkRange(dstOffset, length, this.#size, 'memmove destination');
    const status = binding.memmove(
      this.#handle,
      target.offset,
      source.offset,
      target.length,
      flags,
    );
    if (status !== 0) throw nativeError(status, this.#context('memmove in', 'msync', target));
  }

  /**
   * Fills `length` bytes at `dstOffset` with `value` (its low 8 bits, as C's memset) and
   * makes them persistent, honouring {@link MemFlags}.
   *
   * @param flags - an OR of {@link MemFlags}; 0 by default.
   * @throws {@link @pmem2/errors!Pmem2Error} as {@link Pmem2Map.memcpy}.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.memset(0, 0xab, 16);
   *   map.read(15, 1)[0]; // 171
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see libpmem2: pmem2_get_memset_fn(3)
   */
  memset(dstOffset: number | bigint, value: number, length: number | bigint, flags = 0): void {
    this.#assertLive('memset');
    this.#requireProtection(READ_WRITE, 'memset');
    checkMemFlags(flags);
    const range = checkRange(dstOffset, length, this.#size, 'memset');
    const status = binding.memset(this.#handle, range.offset, value & 0xff, range.length, flags);
    if (status !== 0) throw nativeError(status, this.#context('memset in', 'msync', range));
  }

  /**
   * Deletes the mapping: unregisters it, detaches its buffer, and unmaps it (inside a
   * reservation, mends the range back to reserved address space).
   *
   * @remarks
   * Order as `pmem2_map_delete`: unregister globally; inside a reservation, find the map in
   * it, mend, unregister from the reservation; otherwise munmap. On failure the map is
   * registered again and stays usable.
   *
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAPPING_NOT_FOUND` `"Cannot find mapping %p to
   *   delete"` when already deleted (`%p` is the mapping's address here; libpmem2 prints its
   *   struct's); `PMEM2_E_MAPPING_NOT_FOUND` when its reservation no longer lists it;
   *   `-errno` (`munmap: …`) when munmap or mending fails.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * map.delete();
   * map.delete(); // throws PMEM2_E_MAPPING_NOT_FOUND
   * src.delete();
   * ```
   * @see libpmem2: pmem2_map_delete(3)
   */
  delete(): void {
    if (this.#deleted || !mappingRegistry.remove(this)) {
      const text = `Cannot find mapping ${formatPointer(this.#address)} to delete`;
      throw new Pmem2Error(
        PMEM2_E.MAPPING_NOT_FOUND,
        `${text}: it was already deleted; create a new mapping with mapNew()`,
        { libpmem2Message: text },
      );
    }
    const reregister = (): void => {
      mappingRegistry.insert(this, this.#address, BigInt(this.#size));
    };
    const reservationMaps =
      this.#reservation === null ? undefined : reservationStates.get(this.#reservation)?.maps;
    if (this.#reservation !== null && reservationMaps?.has(this) !== true) {
      reregister();
      throw new Pmem2Error(
        PMEM2_E.MAPPING_NOT_FOUND,
        `the reservation of the mapping at ${formatPointer(this.#address)} no longer lists it`,
      );
    }
    const status = binding.mapDelete(this.#handle);
    if (status !== 0) {
      // libpmem2 re-registers the map; a native record already cleared cannot be used again.
      if (binding.mapSize(this.#handle) !== 0) reregister();
      else this.#deleted = true;
      throw nativeError(status, this.#context('deleting', 'munmap'));
    }
    reservationMaps?.remove(this);
    this.#deleted = true;
  }

  /**
   * Deletes the mapping unless it is already deleted, for `using`.
   *
   * @throws {@link @pmem2/errors!Pmem2Error} as {@link Pmem2Map.delete}, except the second-delete error.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * map[Symbol.dispose](); // what `using map = mapNew(…)` calls when its block ends
   * map[Symbol.dispose](); // a second call does nothing
   * src.delete();
   * ```
   * @see libpmem2: pmem2_map_delete(3)
   */
  [Symbol.dispose](): void {
    if (!this.#deleted) this.delete();
  }

  /**
   * Waits for every pending {@link Pmem2Map.persistAsync} / {@link Pmem2Map.flushAsync}
   * msync, then deletes the mapping unless it is already deleted, for `await using` (where
   * the runtime supports it; call it directly on Node 20).
   *
   * @remarks
   * Rejections of the pending calls are not rethrown here: they reach whoever awaits them.
   *
   * @throws {@link @pmem2/errors!Pmem2Error} (as a rejection) as {@link Pmem2Map.delete},
   *   except the second-delete error.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * const pending = map.persistAsync(0, 4096);
   * await map[Symbol.asyncDispose](); // waits for the msync, then deletes
   * await pending;
   * src.delete();
   * ```
   * @see libpmem2: pmem2_map_delete(3)
   */
  async [Symbol.asyncDispose](): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
    if (!this.#deleted) this.delete();
  }

  // The persist or flush function of the map's granularity, over a checked range.
  #flushOrPersist(what: 'persist' | 'flush', offset: number | bigint, length: number | bigint) {
    this.#assertLive(what);
    const range = checkRange(offset, length, this.#size, what);
    if (this.#granularity === Granularity.CACHE_LINE) {
      this.#requireProtection(Protection.READ, what);
    }
    const status =
      what === 'persist'
        ? binding.persist(this.#handle, range.offset, range.length)
        : binding.flush(this.#handle, range.offset, range.length);
    if (status !== 0) throw nativeError(status, this.#context(`${what} of`, 'msync', range));
  }

  // persist/flush on the thread pool when they msync; synchronously (settled) otherwise.
  async #flushOrPersistAsync(
    what: 'persist' | 'flush',
    offset: number | bigint,
    length: number | bigint,
  ): Promise<void> {
    const msyncs =
      this.#granularity === Granularity.PAGE ||
      (this.#granularity === Granularity.CACHE_LINE && CACHE_LINE_USES_MSYNC);
    if (!msyncs) {
      this.#flushOrPersist(what, offset, length);
      return;
    }
    this.#assertLive(`${what}Async`);
    const range = checkRange(offset, length, this.#size, `${what}Async`);
    const context = () => this.#context(`${what}Async of`, 'msync', range);
    const pending = binding.msyncAsync(this.#handle, range.offset, range.length);
    if (typeof pending === 'number') return checkStatus(pending, context);
    this.#inFlight.add(pending);
    try {
      checkStatus(await pending, context);
    } finally {
      this.#inFlight.delete(pending);
    }
  }

  // Refuses an access the mapping's protection does not allow (it would fault).
  #requireProtection(bits: number, what: string): void {
    if ((this.#protection & bits) >>> 0 !== bits >>> 0) {
      throw new Pmem2Error(
        PMEM2_E.NO_ACCESS,
        `${what} needs a mapping with ${bits >>> 0 === READ_WRITE ? 'READ and WRITE' : 'READ'} ` +
          `protection, but the mapping at ${formatPointer(this.#address)} has 0x` +
          `${this.#protection.toString(16)}; map it with Protection.READ | Protection.WRITE`,
      );
    }
  }

  // Refuses every use of a deleted mapping.
  #assertLive(what: string): void {
    if (this.#deleted) {
      throw new Pmem2Error(
        PMEM2_E.MAPPING_NOT_FOUND,
        `${what}: the mapping at ${formatPointer(this.#address)} was deleted; ` +
          'create a new one with mapNew()',
      );
    }
  }

  // How native statuses of this mapping's calls become errors.
  #context(action: string, syscall: string, range?: CheckedRange): NativeCallContext {
    const where = range === undefined ? '' : ` (offset ${range.offset}, length ${range.length})`;
    return {
      action: `${action} the mapping at ${formatPointer(this.#address)}${where}`,
      syscall,
      advice: {
        [PMEM2_E.IO_FAIL]: 'the mapped pages are gone (bus error); was the file truncated?',
      },
    };
  }
}
