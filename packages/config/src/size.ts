// size.ts -- size_t and int64 arguments given as number or bigint, checked exactly

import { PMEM2_E, type Pmem2CodeValue, Pmem2Error } from '@pmem2/errors';
import { describeValue } from './describe-value.js';

/**
 * `SIZE_MAX` on 64-bit Linux: 2^64 − 1, the largest `size_t`, the largest size or length
 * this package accepts.
 *
 * @example
 * ```ts
 * import { SIZE_MAX, Config } from '@pmem2/config';
 * new Config().setLength(SIZE_MAX); // accepted; mapNew then reports PMEM2_E_MAP_RANGE
 * ```
 * @see libpmem2: pmem2_config_set_length(3)
 */
export const SIZE_MAX = 2n ** 64n - 1n;

/**
 * `INT64_MAX`: 2^63 − 1, the largest `off_t`, the largest offset `pmem2_config_set_offset`
 * accepts.
 *
 * @example
 * ```ts
 * import { INT64_MAX, Config } from '@pmem2/config';
 * new Config().setOffset(INT64_MAX);      // accepted
 * new Config().setOffset(INT64_MAX + 1n); // throws PMEM2_E_OFFSET_OUT_OF_RANGE
 * ```
 * @see libpmem2: pmem2_config_set_offset(3)
 */
export const INT64_MAX = 2n ** 63n - 1n;

/**
 * Tells whether a value is an integer this package can hold exactly: any bigint, or a number
 * that is a safe integer (|n| ≤ 2^53 − 1). It does not check the range.
 */
export function isExactInteger(value: unknown): value is number | bigint {
  return typeof value === 'bigint' || Number.isSafeInteger(value);
}

/**
 * Converts a size or offset given as `number` or `bigint` to the exact `size_t` value C would
 * receive, as a bigint in 0 … 2^64 − 1.
 *
 * @remarks
 * Accepts a non-negative safe-integer number (0 … 2^53 − 1; `-0` counts as 0) or a bigint in
 * 0 … {@link SIZE_MAX}. Everything else would be silently truncated, wrapped or rounded by C
 * or by the number type, so it is refused: negative values, fractions, `NaN`, `±Infinity`,
 * numbers above 2^53 − 1 (pass those as bigint), bigints above 2^64 − 1 and non-numbers.
 * The error carries the code the caller chose for its argument and an empty
 * `libpmem2Message` (libpmem2 has no such path). `@pmem2/map` uses this for its offsets,
 * lengths and sizes, so every package accepts exactly the same inputs.
 *
 * @param value - the caller's argument.
 * @param what - the argument's name, for the message (`'offset'`, `'length'`).
 * @param code - the `PMEM2_E_*` value to throw with.
 * @returns the value as a bigint.
 * @throws {@link @pmem2/errors!Pmem2Error} with `code` when `value` is not a size_t.
 * @example
 * ```ts
 * import { toSize } from '@pmem2/config';
 * import { PMEM2_E } from '@pmem2/errors';
 * toSize(4096, 'length', PMEM2_E.LENGTH_OUT_OF_RANGE);       // 4096n
 * toSize(2n ** 63n, 'offset', PMEM2_E.OFFSET_OUT_OF_RANGE);  // 9223372036854775808n
 * toSize(-1, 'length', PMEM2_E.LENGTH_OUT_OF_RANGE);         // throws PMEM2_E_LENGTH_OUT_OF_RANGE
 * ```
 * @see libpmem2: pmem2_config_set_offset(3), pmem2_config_set_length(3) (their size_t arguments)
 */
export function toSize(value: number | bigint, what: string, code: Pmem2CodeValue): bigint {
  const problem = sizeProblem(value);
  if (problem === undefined) return BigInt(value);
  throw new Pmem2Error(
    code,
    `${what} must be a size_t (a non-negative safe-integer number, or a bigint up to ` +
      `2^64-1 = ${SIZE_MAX}), but ${describeValue(value)} ${problem}`,
  );
}

/** Says why a value is not a size_t, or returns undefined when it is one. */
function sizeProblem(value: unknown): string | undefined {
  if (typeof value === 'bigint') {
    if (value < 0n) return 'is negative';
    return value > SIZE_MAX ? 'does not fit in 64 bits' : undefined;
  }
  if (typeof value !== 'number') return 'is not a number or bigint';
  if (Number.isNaN(value)) return 'is not a number';
  if (!Number.isFinite(value)) return 'is infinite';
  if (!Number.isInteger(value)) return 'is not an integer';
  if (value < 0) return 'is negative';
  if (!Number.isSafeInteger(value)) {
    return 'is above 2^53-1, where numbers lose precision; pass it as a bigint';
  }
  return undefined;
}

/**
 * Converts the `alignment` argument of the config validators: a size_t that is not 0.
 *
 * @remarks
 * libpmem2 asserts `alignment != 0` (a release build divides by zero); here 0, and anything
 * {@link toSize} refuses, throws `PMEM2_E_INVALID_ALIGNMENT_VALUE` with an empty
 * `libpmem2Message`. Like libpmem2's checks, any other value is used as is (a source
 * alignment is always a power of two, but the checks only take a remainder).
 *
 * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_INVALID_ALIGNMENT_VALUE` for 0 or a non-size_t.
 */
export function toAlignment(value: number | bigint): bigint {
  const alignment = toSize(value, 'alignment', PMEM2_E.INVALID_ALIGNMENT_VALUE);
  if (alignment === 0n) {
    throw new Pmem2Error(
      PMEM2_E.INVALID_ALIGNMENT_VALUE,
      'alignment must not be 0; pass the source alignment (Source.alignment(), a power of two)',
    );
  }
  return alignment;
}
