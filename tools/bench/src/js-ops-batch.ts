// js-ops-batch.ts -- the JS side of issue 17's batch and floor rows (c/bench.c batch_op, 'f')

import { BATCH_RANGES } from './plan.js';
import type { Pmem2MapLike } from './pmem2-api.js';

const CACHE_LINE = 64;

/** c/bench.c batch_first: the first line index of batch operation i. */
export function batchFirst(i: number, lines: number): number {
  return (i % lines) * BATCH_RANGES;
}

/**
 * c/bench.c batch_offset: range j of the batch operation whose first line index is `first`,
 * a line of its own page (int32 arithmetic for files up to 16 MiB: no fmod).
 */
export function batchOffset(first: number, j: number, lines: number): number {
  return (((first + j) * 65) % lines) * CACHE_LINE;
}

/** n batch operations from operation `first` on: 64 stores, then one persistRanges. */
export function batchRunner(
  map: Pmem2MapLike,
  bytes: Uint8Array,
  size: number,
): (first: number, n: number) => void {
  const ranges = new Float64Array(2 * BATCH_RANGES);
  const lines = size / CACHE_LINE;
  return (first, n) => {
    for (let i = first; i < first + n; i++) {
      const firstLine = batchFirst(i, lines);
      for (let j = 0; j < BATCH_RANGES; j++) {
        const off = batchOffset(firstLine, j, lines);
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
