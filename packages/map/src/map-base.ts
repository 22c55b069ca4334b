// map-base.ts -- the state behind a Pmem2Map and what reads it: size, granularity, address,
// lost ranges, the zero-copy buffer, the copying read (pmem2_map_get_*) and crc32. Pmem2Map
// (pmem2-map.ts) extends it through MapPersist (map-persist.ts).

import type { Granularity } from '@pmem2/config';
import { binding, type LostRange } from '@pmem2/native';
import { crcRange } from './crc-ops.js';
import { CONSTRUCT } from './internal.js';
import { type MapInit, MapState } from './map-state.js';
import { mapBuffer, readFrom } from './mem-ops.js';

/**
 * The state behind a mapping, for package functions and the subclasses that take one
 * (explainGranularity, MapPersist, Pmem2Map); throws TypeError for anything that is not a
 * mapping. Not exported by the package index.
 */
export let mapStateOf: (map: MapBase) => MapState;

/** The state and the getters of a mapping; the public class is Pmem2Map (pmem2-map.ts). */
export class MapBase {
  readonly #state: MapState;

  static {
    mapStateOf = (map) => map.#state;
  }

  /** Refuses every caller without the package's token; see Pmem2Map's constructor. */
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
   * Detached by {@link Pmem2Map.delete}: views made from it then have length 0. Not
   * transferable: in a `postMessage` or `structuredClone` transfer list, Node 22+ and Bun
   * throw a `DataCloneError` and Node 20 sends a copy; give a worker a `shareMap` token.
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
   * The CRC-32 of `[offset, offset + length)` of the mapping, computed in place by native
   * code: exactly what `zlib.crc32(bytes, seed)` of `node:zlib` returns for those bytes
   * (IEEE 802.3 polynomial, reflected; chain calls by passing one's result as the next
   * seed). An extension beyond libpmem2, which has no checksum call.
   *
   * @remarks
   * One native call without a copy or a view: native code looks the mapping up, checks the
   * range against it again and runs a table-driven CRC (zlib's algorithm class; no CRC or
   * carry-less multiply instructions). A page lost under the range (the file was truncated)
   * is reported as `PMEM2_E_IO_FAIL` by the SIGBUS guard, as {@link Pmem2Map.read} reports
   * it, never as a crash or a CRC of the zeros that replaced it.
   *
   * @param offset - where the range starts.
   * @param length - how many bytes it covers (0 returns `seed`).
   * @param seed - the CRC to continue from: 0 (the default) to start, or an earlier result.
   * @returns the CRC-32, an integer from 0 to 2^32 - 1.
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAPPING_NOT_FOUND` after delete;
   *   `PMEM2_E_NO_ACCESS` for a mapping without `Protection.READ`; `PMEM2_E_MAP_RANGE` for a
   *   range outside the mapping; `EINVAL` for a seed that is not an integer from 0 to
   *   2^32 - 1; `PMEM2_E_IO_FAIL` when pages of the range are gone (file truncated).
   * @example
   * ```ts
   * import { crc32 } from 'node:zlib';
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew } from '@pmem2/map';
   * const src = Source.fromAnon(1 << 20);
   * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
   * try {
   *   map.bytes().set([1, 2, 3, 4], 100);
   *   const whole = map.crc32(100, 4);
   *   whole === crc32(map.bytes().subarray(100, 104)); // true
   *   map.crc32(102, 2, map.crc32(100, 2)) === whole; // true
   * } finally {
   *   map.delete();
   *   src.delete();
   * }
   * ```
   * @see libpmem2: pmem2_source_pread_mcsafe(3) (the same guard, on a mapping)
   */
  crc32(offset: number | bigint, length: number | bigint, seed = 0): number {
    return crcRange(this.#state, offset, length, seed);
  }
}
