// parse-size.ts -- sizes and offsets on the command line: decimal, 0x hex, K/M/G suffixes

import { UsageError } from './usage-error.js';

const SUFFIX_SHIFT: Readonly<Record<string, bigint>> = { '': 0n, k: 10n, m: 20n, g: 30n, t: 40n };
const SIZE_PATTERN = /^(0x[0-9a-f]+|[0-9]+)([kmgt]?)(?:i?b)?$/i;

/**
 * Parses a size or offset given on the command line into an exact `bigint`.
 *
 * @remarks
 * Accepts a decimal (`4096`) or hexadecimal (`0x1000`) integer, optionally followed by a
 * binary unit `K`, `M`, `G` or `T` (`2M` = 2097152; `KiB`/`MB` spellings are accepted and also
 * mean powers of 1024). Anything else, including negative numbers and fractions, is a
 * {@link UsageError}: the value is never rounded or coerced, so what libpmem2 checks
 * (alignment, range) is checked on the exact number typed.
 *
 * @param text - the option value.
 * @param option - the option name, for the error message (`'--offset'`).
 * @returns the value in bytes.
 * @throws {@link UsageError} when `text` is not such a number.
 * @example
 * ```ts
 * import { parseSize } from '@pmem2/cli';
 * parseSize('2M', '--length'); // 2097152n
 * parseSize('0x1000', '--offset'); // 4096n
 * ```
 * @see libpmem2: pmem2_config_set_offset(3), pmem2_config_set_length(3)
 */
export function parseSize(text: string, option: string): bigint {
  const match = SIZE_PATTERN.exec(text.trim());
  if (match === null) {
    throw new UsageError(
      `${option} ${JSON.stringify(text)} is not a size: use a non-negative integer such as 4096, 0x1000 or 2M`,
    );
  }
  const [, digits = '0', unit = ''] = match;
  return BigInt(digits) << (SUFFIX_SHIFT[unit.toLowerCase()] ?? 0n);
}
