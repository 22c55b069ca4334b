// map-new-result.ts -- the layout of the Float64Array that binding.mapNew reports into

import type { GranularityReason, MapNewStep, PersistKind } from './types.js';

/**
 * The slots of a {@link MapNewResult}, filled by `binding.mapNew` (all of them, on success
 * and on failure) and `binding.granularityDecide` (granularity, reason, persistKind).
 *
 * @remarks
 * `address` is the mapping's base address as a double (exact: user addresses are below
 * 2^53), 0 on failure; `mapSync` is 1 when MAP_SYNC took; `granularity` the available
 * granularity (also when it was refused), `reason` an index into
 * {@link GRANULARITY_REASONS}, `persistKind` an index into {@link PERSIST_KINDS},
 * `failedStep` an index into {@link MAP_NEW_STEPS}.
 *
 * @example
 * ```ts
 * import { binding, MapNewSlot, newMapNewResult } from '@pmem2/native';
 * const result = newMapNewResult();
 * const map = binding.mapNew(-1, 0n, 4096n, 0xc0000000, false, 4096, null, 0n, 2, null, result);
 * result[MapNewSlot.granularity]; // 0: anonymous memory is BYTE
 * if (typeof map !== 'number') binding.mapDelete(map);
 * ```
 * @see libpmem2: pmem2_map_new(3)
 */
export const MapNewSlot = {
  address: 0,
  mapSync: 1,
  granularity: 2,
  reason: 3,
  persistKind: 4,
  failedStep: 5,
} as const;

/** What `binding.mapNew` writes its outcome into: a Float64Array of 6 slots ({@link MapNewSlot}). */
export type MapNewResult = Float64Array;

/**
 * A fresh {@link MapNewResult}; allocate one and reuse it for every call.
 *
 * @returns a zeroed Float64Array of 6 elements.
 * @example
 * ```ts
 * import { newMapNewResult } from '@pmem2/native';
 * newMapNewResult().length; // 6
 * ```
 * @see libpmem2: pmem2_map_new(3)
 */
export function newMapNewResult(): MapNewResult {
  return new Float64Array(6);
}

/**
 * The rule of libpmem2's `get_min_granularity` behind each `reason` code, in code order.
 *
 * @example
 * ```ts
 * import { GRANULARITY_REASONS } from '@pmem2/native';
 * GRANULARITY_REASONS[3]; // 'no-map-sync'
 * ```
 * @see libpmem2: pmem2_map_get_store_granularity(3)
 */
export const GRANULARITY_REASONS: readonly GranularityReason[] = [
  'anonymous',
  'private',
  'forced',
  'no-map-sync',
  'no-eadr',
  'eadr',
];

/**
 * What persist does for each `persistKind` code, in code order.
 *
 * @example
 * ```ts
 * import { PERSIST_KINDS } from '@pmem2/native';
 * PERSIST_KINDS[0]; // 'msync'
 * ```
 * @see libpmem2: pmem2_get_persist_fn(3)
 */
export const PERSIST_KINDS: readonly PersistKind[] = ['msync', 'flush', 'fence', 'drain'];

/**
 * The failed system call behind each `failedStep` code, in code order.
 *
 * @example
 * ```ts
 * import { MAP_NEW_STEPS } from '@pmem2/native';
 * MAP_NEW_STEPS[1]; // 'placeholder'
 * ```
 * @see libpmem2: pmem2_map_new(3), pmem2_errormsg(3)
 */
export const MAP_NEW_STEPS: readonly MapNewStep[] = [
  'none',
  'placeholder',
  'mmap',
  'placeholder-trim',
];
