// check-range.ts -- bounds checks of the (offset, length) arguments of a mapping's functions

import { toSize } from '@pmem2/config';
import { PMEM2_E, Pmem2Error } from '@pmem2/errors';

/**
 * An (offset, length) pair that lies inside a mapping, as numbers for the native calls.
 *
 * @see libpmem2: pmem2_get_persist_fn(3)
 */
export interface CheckedRange {
  readonly offset: number;
  readonly length: number;
}

/**
 * Checks that `[offset, offset + length)` lies inside a mapping of `size` bytes.
 *
 * @remarks
 * libpmem2 takes raw pointers here and never checks them (a bad range is undefined
 * behaviour); this package refuses it with `PMEM2_E_MAP_RANGE` and an empty `libpmem2Message`.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAP_RANGE` for a non-size_t argument or a range that
 *   passes the end of the mapping.
 * @see libpmem2: pmem2_get_persist_fn(3), pmem2_get_memcpy_fn(3)
 */
export function checkRange(
  offset: number | bigint,
  length: number | bigint,
  size: number,
  action: string,
): CheckedRange {
  // fast path: safe non-negative integers whose sum is inside (a sum above 2^53 that rounds
  // is still above any size, so the comparison stays exact)
  if (isIndex(offset) && isIndex(length) && offset + length <= size) return { offset, length };
  const start = toSize(offset, 'offset', PMEM2_E.MAP_RANGE);
  const count = toSize(length, 'length', PMEM2_E.MAP_RANGE);
  if (start + count > BigInt(size)) {
    throw new Pmem2Error(
      PMEM2_E.MAP_RANGE,
      `${action}: offset ${start} + length ${count} = ${start + count} passes the end of the ` +
        `${size}-byte mapping; keep offset + length <= map.size`,
    );
  }
  return { offset: Number(start), length: Number(count) };
}

// A non-negative safe-integer number.
function isIndex(value: number | bigint): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
