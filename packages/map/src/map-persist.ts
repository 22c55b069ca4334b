// map-persist.ts -- the flush, drain and persist calls of a Pmem2Map and its mem functions
// (memcpy, memmove, memset), as libpmem2's persist.c holds pmem2_get_persist_fn,
// pmem2_get_flush_fn, pmem2_get_drain_fn and pmem2_get_mem*_fn; deepFlush (deep_flush.c)
// rides along. The work is in persist-ops.ts, mem-ops.ts and deep-flush.ts.

import { deepFlushRange } from './deep-flush.js';
import type { CONSTRUCT } from './internal.js';
import { MapBase, mapStateOf } from './map-base.js';
import type { MapInit, MapState } from './map-state.js';
import { memcpyInto, memmoveIn, memsetIn } from './mem-ops.js';
import {
  drainMap,
  flushOrPersistAsync,
  flushRange,
  persistRange,
  rangesOp,
} from './persist-ops.js';

/** The persist and mem calls of a mapping; the public class is Pmem2Map (pmem2-map.ts). */
export class MapPersist extends MapBase {
  // The state MapBase holds, kept here too so that the hot calls read their own private field
  readonly #state: MapState;

  /** As MapBase's: refuses every caller without the package's token. */
  constructor(token: typeof CONSTRUCT, init: MapInit) {
    super(token, init);
    this.#state = mapStateOf(this);
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
   * {@link Pmem2Map.persist} is paid once. Up to 256 pairs are copied into a per-thread
   * native cell and the call takes no argument; a bigger batch passes the array itself
   * (about 50 ns more a call). Either way native code checks every pair. The pairs run in order: a refused pair or an
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
}
