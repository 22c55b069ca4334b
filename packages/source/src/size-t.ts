// size-t.ts -- a size_t argument (sizes, offsets) given as number or bigint

const SIZE_MAX = 2n ** 64n - 1n;

/**
 * Converts a `size_t` argument to the exact value C would receive; `what` names it in errors
 * (such as `'anonymous source size'`).
 *
 * @throws TypeError for a non-integer, a non-number or a number above 2^53 − 1 (pass a bigint);
 *   RangeError for a negative value or a bigint above 2^64 − 1.
 */
export function toSizeT(value: number | bigint, what: string): bigint {
  if (typeof value === 'bigint') {
    if (value < 0n || value > SIZE_MAX) {
      throw new RangeError(`${what} ${value} is outside 0 … 2^64-1 (size_t)`);
    }
    return value;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${what} must be an integer number or a bigint, got ${String(value)}`);
  }
  if (value < 0) throw new RangeError(`${what} ${value} is negative`);
  if (!Number.isSafeInteger(value)) {
    throw new TypeError(`${what} ${value} is above 2^53-1 and inexact; pass it as a bigint`);
  }
  return BigInt(value);
}

/** `value` reduced modulo 2^64, as C's `size_t` arithmetic wraps. */
export function wrapSizeT(value: bigint): bigint {
  return BigInt.asUintN(64, value);
}
