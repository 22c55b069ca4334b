// pmem2-map.ts -- struct pmem2_map: the public class. Its state and getters are in
// map-base.ts, its persist and mem calls in map-persist.ts (Pmem2Map extends MapPersist extends
// MapBase); here are the calls beyond libpmem2 (advice, populate, residency, lock) and delete.

import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
import { binding } from '@pmem2/native';
import {
  type Advice,
  adviseRange,
  lockRange,
  type PopulateMode,
  populateRange,
  residencyOf,
  scheduleWritebackRange,
} from './advice-ops.js';
import { formatPointer } from './format.js';
import { type CONSTRUCT, ownedResources, reservationStates } from './internal.js';
import { mapStateOf } from './map-base.js';
import { MapPersist } from './map-persist.js';
import type { MapInit, MapState } from './map-state.js';
import { nativeError } from './native-call.js';
import { mappingRegistry } from './registry.js';

export type { MapInit } from './map-state.js';

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
export class Pmem2Map extends MapPersist implements Disposable, AsyncDisposable {
  // The state MapBase holds, kept here too (as in MapPersist) for this class's own calls
  readonly #state: MapState;

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
    super(token, init); // MapBase refuses a caller without the token
    this.#state = mapStateOf(this);
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
    const state = this.#state;
    if (state.deleted || !mappingRegistry.remove(this)) {
      const text = `Cannot find mapping ${formatPointer(state.address)} to delete`;
      throw new Pmem2Error(
        PMEM2_E.MAPPING_NOT_FOUND,
        `${text}: it was already deleted; create a new mapping with mapNew()`,
        { libpmem2Message: text },
      );
    }
    const reregister = (): void => {
      mappingRegistry.insert(this, state.address, BigInt(state.size));
    };
    const reservationMaps =
      state.reservation === null ? undefined : reservationStates.get(state.reservation)?.maps;
    if (state.reservation !== null && reservationMaps?.has(this) !== true) {
      reregister();
      throw new Pmem2Error(
        PMEM2_E.MAPPING_NOT_FOUND,
        `the reservation of the mapping at ${formatPointer(state.address)} no longer lists it`,
      );
    }
    const status = binding.mapDelete(state.handle);
    if (status !== 0) {
      // libpmem2 re-registers the map; a native record already cleared cannot be used again.
      if (binding.mapSize(state.handle) !== 0) reregister();
      else state.deleted = true;
      throw nativeError(status, state.context('deleting', 'munmap'));
    }
    reservationMaps?.remove(this);
    state.deleted = true;
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
    const state = this.#state;
    while (state.inFlight.size > 0) await Promise.all(state.inFlight);
    if (!state.deleted) this.delete();
  }
}
