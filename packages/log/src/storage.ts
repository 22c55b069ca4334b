// storage.ts -- the narrow interface the log needs of a mapping, and of the mappings it spans

import type { Granularity } from '@pmem2/config';

/**
 * What the log needs of one mapping. `Pmem2Map` of `@pmem2/map` satisfies it as it is; so can
 * any other memory that keeps libpmem2's persist contract (the package's tests use a
 * write-back simulation that drops unpersisted stores at a simulated power loss).
 *
 * @remarks
 * Contract, as libpmem2's: stores through {@link LogMapping.buffer} are durable only once
 * {@link LogMapping.persist}, or {@link LogMapping.flush} followed by {@link LogMapping.drain},
 * covers them; what that costs depends on {@link LogMapping.storeGranularity} (PAGE: msync;
 * CACHE_LINE: cache-line flushes + fence; BYTE: a fence).
 *
 * @example
 * ```ts
 * import { Config, Granularity } from '@pmem2/config';
 * import { Source } from '@pmem2/source';
 * import { mapNew } from '@pmem2/map';
 * import type { LogMapping } from '@pmem2/log';
 * const src = Source.fromAnon(1 << 20);
 * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
 * const mapping: LogMapping = map; // a Pmem2Map is a LogMapping
 * mapping.size; // 1048576
 * map.delete();
 * src.delete();
 * ```
 * @see libpmem2: pmem2_get_persist_fn(3), pmem2_get_flush_fn(3), pmem2_get_drain_fn(3)
 */
export interface LogMapping {
  /** Bytes mapped. */
  readonly size: number;
  /** What persist must do (pmem2_map_get_store_granularity). */
  readonly storeGranularity: Granularity;
  /** The mapped memory, zero-copy. */
  readonly buffer: ArrayBuffer;
  /** Makes `[offset, offset + length)` durable. */
  persist(offset: number, length: number): void;
  /** Starts making `[offset, offset + length)` durable; a later drain completes it. */
  flush(offset: number, length: number): void;
  /** Waits for earlier flushes. */
  drain(): void;
  /** {@link LogMapping.persist} off the event loop where it is a system call. */
  persistAsync(offset: number, length: number): Promise<void>;
  /**
   * Optional: zlib's `crc32` of `[offset, offset + length)` continuing from `seed` (0 when
   * omitted), computed in place (`Pmem2Map.crc32`). The log checksums each group with it
   * where present and with `node:zlib`'s `crc32` over {@link LogMapping.buffer} otherwise;
   * it must return exactly what `zlib.crc32` returns for those bytes.
   */
  crc32?(offset: number, length: number, seed?: number): number;
}

/**
 * The mappings one log lives in: a header and its data areas, in order. A linear log has
 * one area per segment and grows by {@link LogStorage.grow}; a ring has exactly one area.
 * `LinearLog.create`/`open` and `RingLog.create`/`open` build the storage of a file
 * themselves; build one by hand to put a log on mappings of your own.
 *
 * @example
 * ```ts
 * import { Config, Granularity } from '@pmem2/config';
 * import { Source } from '@pmem2/source';
 * import { mapNew } from '@pmem2/map';
 * import { RingLog, type LogStorage } from '@pmem2/log';
 * const cfg = new Config().setRequiredStoreGranularity(Granularity.PAGE);
 * const hdrSrc = Source.fromAnon(4096);
 * const areaSrc = Source.fromAnon(65536);
 * const header = mapNew(cfg, hdrSrc);
 * const area = mapNew(cfg, areaSrc);
 * const storage: LogStorage = {
 *   header,
 *   areas: [area],
 *   close() { header.delete(); area.delete(); hdrSrc.delete(); areaSrc.delete(); },
 * };
 * const ring = RingLog.format(storage);
 * ring.append('on anonymous memory: BYTE granularity');
 * ring.commit();
 * ring.close(); // closes the storage too
 * ```
 */
export interface LogStorage {
  /** The header mapping: at least 4096 bytes. */
  readonly header: LogMapping;
  /** The data areas, all of the same size, in log order. */
  readonly areas: readonly LogMapping[];
  /**
   * Appends one zero-filled area of `size` bytes after the last one and returns it (linear
   * logs; absent for a ring). It must be durable (part of the file) when it returns.
   */
  grow?(size: number): LogMapping;
  /** Releases every mapping (called once, by the log's close). */
  close(): void;
}
