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
  if (fitsInside(offset, length, size))
    return { offset: offset as number, length: length as number };
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

/**
 * The fast path of {@link checkRange}, which allocates nothing: whether offset and length are
 * non-negative integer numbers whose sum is at most `size`. Both are then safe integers too:
 * a sum of non-negative numbers is at least each of them, also once rounded, and `size` is a
 * safe integer. (Number.isInteger is cheaper than Number.isSafeInteger in optimized code.)
 *
 * @see libpmem2: pmem2_get_persist_fn(3)
 */
export function fitsInside(offset: number | bigint, length: number | bigint, size: number) {
  return (
    typeof offset === 'number' &&
    typeof length === 'number' &&
    offset >= 0 &&
    length >= 0 &&
    offset + length <= size &&
    Number.isInteger(offset) &&
    Number.isInteger(length)
  );
}
