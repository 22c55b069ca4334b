// pmem2-map.ts -- struct pmem2_map: the public class; its operations live in persist-ops.ts,
// mem-ops.ts, deep-flush.ts and map-state.ts

import type { Granularity } from '@pmem2/config';
import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
import { binding, type LostRange } from '@pmem2/native';
import {
  type Advice,
  adviseRange,
  lockRange,
  type PopulateMode,
  populateRange,
  residencyOf,
  scheduleWritebackRange,
} from './advice-ops.js';
import { deepFlushRange } from './deep-flush.js';
import { formatPointer } from './format.js';
import { CONSTRUCT, ownedResources, reservationStates } from './internal.js';
import { type MapInit, MapState } from './map-state.js';
import { mapBuffer, memcpyInto, memmoveIn, memsetIn, readFrom } from './mem-ops.js';
import { nativeError } from './native-call.js';
import {
  drainMap,
  flushOrPersistAsync,
  flushRange,
  persistRange,
  rangesOp,
} from './persist-ops.js';
import { mappingRegistry } from './registry.js';

export type { MapInit } from './map-state.js';

/**
 * The state behind a mapping, for package functions that take one (explainGranularity);
 * throws TypeError for anything that is not a Pmem2Map. Not exported by the package index.
 */
export let mapStateOf: (map: Pmem2Map) => MapState;

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
  readonly #state: MapState;

  static {
    mapStateOf = (map) => map.#state;
  }

  /**
   * Not for users: mappings come from {@link mapNew}.
   *
   * @hidden
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
    this.#state = new MapState(init);
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
    this.#state.assertLive('size');
    return this.#state.size;
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
    this.#state.assertLive('storeGranularity');
    return this.#state.granularity;
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
    this.#state.assertLive('address');
    return this.#state.address;
  }

  /**
   * The ranges of this mapping whose pages were lost, sorted by offset (empty when none).
   *
   * @remarks
   * A bus error on a page of the mapping (the file was truncated under it, a hole could not
   * be allocated on a full file system, or the media reported poison) does not kill the
   * process: @pmem2/native's SIGBUS handler maps zeroed anonymous memory over the page and
   * the faulting access completes. From then on the page reads as zeros and stores to it
   * never reach the file. The next persist, flush, read or mem call on the mapping throws
   * `PMEM2_E_IO_FAIL` naming the ranges, and so does every call over a lost page.
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
   *   map.lostRanges.length; // 0
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see libpmem2: pmem2_badblock_next(3)
   */
  get lostRanges(): readonly LostRange[] {
    this.#state.assertLive('lostRanges');
    const lost = binding.mapLost(this.#state.handle);
    return typeof lost === 'number' ? [] : lost;
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
    return mapBuffer(this.#state);
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
   * @param length - how many bytes to read into a new `Uint8Array`.
   * @returns the bytes read, in a new `Uint8Array`.
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
  /**
   * Copies bytes out of the mapping into a view you own (no allocation): the safe accessor
   * that works for read-only mappings.
   *
   * @param offset - where to start reading.
   * @param target - the view to fill: its whole byte length is read.
   * @returns `target`.
   * @throws {@link @pmem2/errors!Pmem2Error} the same as the other form: `PMEM2_E_NO_ACCESS`,
   *   `PMEM2_E_MAP_RANGE`, `PMEM2_E_IO_FAIL`, `PMEM2_E_MAPPING_NOT_FOUND`.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.bytes()[8] = 7;
   *   const header = new Uint8Array(16);
   *   map.read(0, header)[8]; // 7
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see libpmem2: pmem2_source_pread_mcsafe(3) (the same guard, on a mapping)
   */
  read<T extends ArrayBufferView>(offset: number | bigint, target: T): T;
  read(
    offset: number | bigint,
    lengthOrTarget: number | bigint | ArrayBufferView,
  ): ArrayBufferView {
    return readFrom(this.#state, offset, lengthOrTarget);
  }

  /**
   * Makes `[offset, offset + length)` persistent, as the map's persist function does for its
   * granularity: PAGE → msync of the page-aligned range; CACHE_LINE → cache-line flush and
   * sfence; BYTE → a store fence (on x86_64 issued from JavaScript as a locked instruction,
   * with no native call; elsewhere the native drain).
   *
   * @remarks
   * libpmem2 takes a pointer and does not check it (a range outside the map is undefined
   * behaviour, and a failing msync aborts the process); this method checks the range and
   * throws instead. The routines are chosen once, when the map is created; docs/guide.md
   * ("Persisting") argues the ordering and durability of each.
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
    persistRange(this.#state, offset, length);
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
    flushRange(this.#state, offset, length);
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
   * use `await using` / `map[Symbol.asyncDispose]()`, to delete without blocking.
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
    return flushOrPersistAsync(this.#state, 'persist', offset, length);
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
    return flushOrPersistAsync(this.#state, 'flush', offset, length);
  }

  /**
   * Waits for earlier flushes to complete: sfence for CACHE_LINE, the store fence of
   * {@link Pmem2Map.persist} for BYTE, nothing for PAGE (msync already waited).
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
    drainMap(this.#state);
  }

  /**
   * Persists many ranges in one call: every `(offset, length)` pair of `ranges` is checked,
   * then each range is flushed and one drain ends the batch, as a C loop of
   * `pmem2_flush_fn` calls followed by one `pmem2_drain_fn` does. PAGE → one msync per range;
   * CACHE_LINE → the cache-line flushes, then one sfence; BYTE → one store fence.
   *
   * @remarks
   * One native call for the whole batch (none at BYTE on x86_64), so the per-call cost of
   * {@link Pmem2Map.persist} is paid once. The pairs run in order: a refused pair or an
   * msync failure stops the batch before the drain, and the ranges before it stay flushed
   * (a flush only writes lines back early, as an eviction may; PAGE: they are persisted).
   *
   * @param ranges - offsets and lengths, alternating: `[offset0, length0, offset1, ...]`.
   * @throws {@link @pmem2/errors!Pmem2Error} `EINVAL` for an odd number of elements;
   *   `PMEM2_E_MAP_RANGE` for a pair outside the mapping (the message names the pair); as
   *   {@link Pmem2Map.persist} otherwise. A TypeError when `ranges` is not a Float64Array.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.bytes()[0] = 1;
   *   map.bytes()[8192] = 2;
   *   map.persistRanges(new Float64Array([0, 1, 8192, 1]));
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see libpmem2: pmem2_get_persist_fn(3), pmem2_get_flush_fn(3), pmem2_get_drain_fn(3)
   */
  persistRanges(ranges: Float64Array): void {
    rangesOp(this.#state, ranges, 'persistRanges');
  }

  /**
   * {@link Pmem2Map.persistRanges} without the final drain: the flush of every range (PAGE →
   * msync; CACHE_LINE → cache-line flushes; BYTE → nothing). Call {@link Pmem2Map.drain}
   * after one or more batches.
   *
   * @param ranges - offsets and lengths, alternating, as for {@link Pmem2Map.persistRanges}.
   * @throws {@link @pmem2/errors!Pmem2Error} as {@link Pmem2Map.persistRanges}.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.flushRanges(new Float64Array([0, 64, 4096, 64]));
   *   map.drain();
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see libpmem2: pmem2_get_flush_fn(3)
   */
  flushRanges(ranges: Float64Array): void {
    rangesOp(this.#state, ranges, 'flushRanges');
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
    deepFlushRange(this.#state, offset, length);
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
    memcpyInto(this.#state, dstOffset, source, flags);
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
    memmoveIn(this.#state, dstOffset, srcOffset, length, flags);
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
    memsetIn(this.#state, dstOffset, value, length, flags);
  }

  // ---- beyond libpmem2: advice, populate, MS_ASYNC, residency, lock (advice-ops.ts) ----
  // Each works on the whole pages covering [offset, offset + length) (aligned down and up,
  // never outside the mapping), checked in native code too; both omitted = the whole mapping.

  /**
   * Gives the kernel `madvise(2)` advice about how the range will be used: `'sequential'`
   * (read ahead aggressively, drop behind), `'random'` (no read-ahead), `'willneed'` (start
   * reading it in now), `'dontneed'`, `'hugepage'` / `'nohugepage'` (transparent huge pages),
   * `'normal'` (undo). Not in libpmem2.
   *
   * @remarks
   * `'dontneed'` on a shared mapping only drops this process's page-table entries: the next
   * access maps the page cache again, so no data is lost (dirty pages stay dirty in the page
   * cache and are written back as usual). On a private mapping it would discard the
   * copy-on-write changes, so it is refused there. `'hugepage'` on a file the kernel cannot
   * back with huge pages fails with `EINVAL` from madvise.
   *
   * @param advice - one of the {@link Advice} names.
   * @param offset - where the range starts; with `length`, or both omitted for the whole mapping.
   * @param length - the range's length in bytes.
   * @throws {@link @pmem2/errors!Pmem2Error} `EINVAL` for an unknown advice, or `'dontneed'` on a
   *   private mapping; `PMEM2_E_MAP_RANGE` for a range past the end or a non-size_t offset or
   *   length; `-errno` (`madvise: …`) when the kernel refuses; `PMEM2_E_MAPPING_NOT_FOUND`
   *   after delete.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.advise('sequential');
   *   map.advise('willneed', 0, 65536);
   *   map.advise('dontneed', 4096, 4096); // shared: the data stays
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see madvise(2)
   */
  advise(advice: Advice, offset?: number | bigint, length?: number | bigint): void {
    adviseRange(this.#state, advice, offset, length);
  }

  /**
   * Prefaults the range so that later accesses take no page fault: `MADV_POPULATE_READ` or
   * `MADV_POPULATE_WRITE` (Linux 5.14+); on older kernels (madvise says `EINVAL`) native
   * code touches one byte of every page instead, under the SIGBUS guard. Not in libpmem2.
   *
   * @remarks
   * `'write'` marks shared pages dirty (they are written back even if unchanged) and breaks
   * copy-on-write on a private mapping; `'read'` maps holes of a shared file as they read.
   * The touch loop of old kernels adds 0 atomically for `'write'`, so there it needs READ too.
   *
   * @param mode - `'read'` (needs READ protection) or `'write'` (needs WRITE).
   * @param offset - where the range starts; with `length`, or both omitted for the whole mapping.
   * @param length - the range's length in bytes.
   * @throws {@link @pmem2/errors!Pmem2Error} `EINVAL` for another mode (or from madvise);
   *   `PMEM2_E_NO_ACCESS` when the protection lacks the mode's bit; `PMEM2_E_MAP_RANGE` as
   *   {@link Pmem2Map.advise}; `-errno` (`madvise: …`, e.g. `EFAULT` for pages past the end
   *   of a truncated file); `PMEM2_E_IO_FAIL` when the touch loop meets lost pages;
   *   `PMEM2_E_MAPPING_NOT_FOUND` after delete.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.populate('write');
   *   map.residency(0, 8192).join(','); // '1,1'
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see madvise(2) MADV_POPULATE_READ, MADV_POPULATE_WRITE
   */
  populate(mode: PopulateMode, offset?: number | bigint, length?: number | bigint): void {
    populateRange(this.#state, mode, offset, length);
  }

  /**
   * `msync(MS_ASYNC)` over the range: asks for writeback without waiting for it. Not in
   * libpmem2, and no persistence guarantee: use {@link Pmem2Map.persist} for that.
   *
   * @remarks
   * Since Linux 2.6.19 `MS_ASYNC` starts no I/O: the kernel already tracks the dirty pages
   * of shared mappings and its flusher threads write them back on their own schedule
   * (`vm.dirty_writeback_centisecs`); the call checks the range and returns at once. It is
   * here for code ported from `msync(MS_ASYNC)` (memmap2's `flush_async`) and for kernels
   * that do act on it.
   *
   * @param offset - where the range starts; with `length`, or both omitted for the whole mapping.
   * @param length - the range's length in bytes.
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAP_RANGE` as {@link Pmem2Map.advise};
   *   `-errno` (`msync: …`); `PMEM2_E_MAPPING_NOT_FOUND` after delete.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.memset(0, 1, 4096, 0x20); // MemFlags.NOFLUSH: stored, not persisted
   *   map.scheduleWriteback(0, 4096); // returns at once
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see msync(2) MS_ASYNC
   */
  scheduleWriteback(offset?: number | bigint, length?: number | bigint): void {
    scheduleWritebackRange(this.#state, offset, length);
  }

  /**
   * Which pages of the range are resident in memory (`mincore(2)`): one byte per page of the
   * page-aligned cover, 1 when resident, 0 when touching it would fault it in. Not in
   * libpmem2.
   *
   * @remarks
   * For a file mapping this is page-cache residency (a page another process read counts);
   * the answer can be stale as soon as it is returned.
   *
   * @param offset - where the range starts; with `length`, or both omitted for the whole mapping.
   * @param length - the range's length in bytes.
   * @returns one byte per page; count the resident ones with `reduce((a, b) => a + b, 0)`.
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAP_RANGE` as {@link Pmem2Map.advise};
   *   `-errno` (`mincore: …`); `PMEM2_E_MAPPING_NOT_FOUND` after delete.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.memset(0, 7, 1);
   *   map.residency(0, 8192)[0]; // 1
   *   map.residency().length; // 256 pages of 4 KiB
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see mincore(2)
   */
  residency(offset?: number | bigint, length?: number | bigint): Uint8Array {
    return residencyOf(this.#state, offset, length);
  }

  /**
   * Locks the pages of the range in memory (`mlock(2)`): they are faulted in now and never
   * swapped or evicted until {@link Pmem2Map.unlock} or delete. Not in libpmem2.
   *
   * @remarks
   * Without `CAP_IPC_LOCK` the process may lock at most `RLIMIT_MEMLOCK` bytes (`ulimit -l`,
   * often 8 MiB); past it mlock fails with `ENOMEM`, and the error says the limit and how
   * much is locked already.
   *
   * @param offset - where the range starts; with `length`, or both omitted for the whole mapping.
   * @param length - the range's length in bytes.
   * @throws {@link @pmem2/errors!Pmem2Error} `ENOMEM` / `EAGAIN` / `EPERM` (`mlock: …`) past
   *   RLIMIT_MEMLOCK, with the limit in the message; `PMEM2_E_NO_ACCESS` for a `PROT_NONE`
   *   mapping; `PMEM2_E_MAP_RANGE` as {@link Pmem2Map.advise}; `PMEM2_E_MAPPING_NOT_FOUND`
   *   after delete.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.lock(0, 65536);
   *   map.residency(0, 65536).every((page) => page === 1); // true
   *   map.unlock(0, 65536);
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see mlock(2)
   */
  lock(offset?: number | bigint, length?: number | bigint): void {
    lockRange(this.#state, true, offset, length);
  }

  /**
   * Unlocks the pages of the range (`munlock(2)`); unlocking pages that are not locked is
   * fine. Not in libpmem2.
   *
   * @param offset - where the range starts; with `length`, or both omitted for the whole mapping.
   * @param length - the range's length in bytes.
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAP_RANGE` as {@link Pmem2Map.advise};
   *   `-errno` (`munlock: …`); `PMEM2_E_MAPPING_NOT_FOUND` after delete.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.lock();
   *   map.unlock();
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see munlock(2)
   */
  unlock(offset?: number | bigint, length?: number | bigint): void {
    lockRange(this.#state, false, offset, length);
  }
  // ---- end of beyond libpmem2 ----

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
    if (this.#state.deleted || !mappingRegistry.remove(this)) {
      const text = `Cannot find mapping ${formatPointer(this.#state.address)} to delete`;
      throw new Pmem2Error(
        PMEM2_E.MAPPING_NOT_FOUND,
        `${text}: it was already deleted; create a new mapping with mapNew()`,
        { libpmem2Message: text },
      );
    }
    const reregister = (): void => {
      mappingRegistry.insert(this, this.#state.address, BigInt(this.#state.size));
    };
    const reservationMaps =
      this.#state.reservation === null
        ? undefined
        : reservationStates.get(this.#state.reservation)?.maps;
    if (this.#state.reservation !== null && reservationMaps?.has(this) !== true) {
      reregister();
      throw new Pmem2Error(
        PMEM2_E.MAPPING_NOT_FOUND,
        `the reservation of the mapping at ${formatPointer(this.#state.address)} no longer lists it`,
      );
    }
    const status = binding.mapDelete(this.#state.handle);
    if (status !== 0) {
      // libpmem2 re-registers the map; a native record already cleared cannot be used again.
      if (binding.mapSize(this.#state.handle) !== 0) reregister();
      else this.#state.deleted = true;
      throw nativeError(status, this.#state.context('deleting', 'munmap'));
    }
    reservationMaps?.remove(this);
    this.#state.deleted = true;
    ownedResources.get(this)?.(); // mapFile: the source and fd go with the mapping
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
    if (!this.#state.deleted) this.delete();
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
    while (this.#state.inFlight.size > 0) await Promise.all(this.#state.inFlight);
    if (!this.#state.deleted) this.delete();
  }
}
