// js-ops-batch.ts -- the JS side of issue 17's batch and floor rows (c/bench.c batch_op, 'f')

import { BATCH_RANGES } from './plan.js';
import type { Pmem2MapLike } from './pmem2-api.js';

const CACHE_LINE = 64;

/** c/bench.c batch_offset: range j of batch operation i, a line of its own page. */
export function batchOffset(i: number, j: number, size: number): number {
  return (((i * BATCH_RANGES + j) * 65) % (size / CACHE_LINE)) * CACHE_LINE;
}

/** n batch operations from operation `first` on: 64 stores, then one persistRanges. */
export function batchRunner(
  map: Pmem2MapLike,
  bytes: Uint8Array,
  size: number,
): (first: number, n: number) => void {
  const ranges = new Float64Array(2 * BATCH_RANGES);
  return (first, n) => {
    for (let i = first; i < first + n; i++) {
      for (let j = 0; j < BATCH_RANGES; j++) {
        const off = batchOffset(i, j, size);
        bytes[off] = i;
        ranges[2 * j] = off;
        ranges[2 * j + 1] = CACHE_LINE;
      }
      map.persistRanges(ranges);
    }
  };
}

/** n no-argument native calls (the floor row). */
export function floorRunner(drain: () => void): (n: number) => void {
  return (n) => {
    for (let k = 0; k < n; k++) drain();
  };
}
