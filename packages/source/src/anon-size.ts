// anon-size.ts -- the size_t argument of pmem2_source_from_anon, given as number or bigint

const SIZE_MAX = 2n ** 64n - 1n;

/**
 * Converts the size of an anonymous source to the exact `size_t` C would receive.
 *
 * @throws TypeError for a non-integer, a non-number or a number above 2^53 − 1 (pass a bigint);
 *   RangeError for a negative value or a bigint above 2^64 − 1.
 */
export function anonSize(size: number | bigint): bigint {
  if (typeof size === 'bigint') {
    if (size < 0n || size > SIZE_MAX) {
      throw new RangeError(`anonymous source size ${size} is outside 0 … 2^64-1 (size_t)`);
    }
    return size;
  }
  if (typeof size !== 'number' || !Number.isInteger(size)) {
    throw new TypeError(
      `anonymous source size must be an integer number or a bigint, got ${String(size)}`,
    );
  }
  if (size < 0) throw new RangeError(`anonymous source size ${size} is negative`);
  if (!Number.isSafeInteger(size)) {
    throw new TypeError(
      `anonymous source size ${size} is above 2^53-1 and inexact; pass it as a bigint`,
    );
  }
  return BigInt(size);
}
