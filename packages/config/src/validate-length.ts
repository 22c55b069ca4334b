// validate-length.ts -- pmem2_config_validate_length: the mapping range against the source

import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
import type { Config } from './config.js';
import { SIZE_MAX, toAlignment, toSize } from './size.js';

/**
 * Checks the config's length and range against the source's size and alignment, in
 * libpmem2's order: empty source, then unaligned length, then offset + length overflowing
 * `size_t`, then a mapping that ends past the end of the source.
 *
 * @remarks
 * Mirrors `pmem2_config_validate_length` (`config.c`, libpmem2 1.12.1), which `pmem2_map_new`
 * runs after {@link validateOffset} and its file-type checks. The sum is computed in 64-bit
 * `size_t` arithmetic exactly as C does. A length of 0 (map to the end) passes the alignment
 * check; with `offset == fileLength` it passes everything, and mmap then fails on the empty
 * mapping (`-EINVAL`), as in C.
 *
 * @param cfg - the config to check.
 * @param fileLength - the source size in bytes (`Source.size()`).
 * @param alignment - the source alignment (`Source.alignment()`), not 0.
 * @throws {@link @pmem2/errors!Pmem2Error}
 *   - `PMEM2_E_SOURCE_EMPTY` when `fileLength` is 0: `"file length is equal 0"`;
 *   - `PMEM2_E_LENGTH_UNALIGNED` when the length is not a multiple of `alignment`:
 *     `"length is not a multiple of %lu"`;
 *   - `PMEM2_E_MAP_RANGE` when offset + length exceeds 2^64 − 1:
 *     `"overflow of offset and length"`;
 *   - `PMEM2_E_MAP_RANGE` when offset + length is greater than `fileLength`:
 *     `"mapping larger than file size"`;
 *   - `PMEM2_E_LENGTH_OUT_OF_RANGE` when `fileLength` is not a `size_t`, and
 *     `PMEM2_E_INVALID_ALIGNMENT_VALUE` when `alignment` is 0 or not a `size_t` (choices of
 *     this package; libpmem2 gets these from the source); empty `libpmem2Message`.
 * @example
 * ```ts
 * import { Config, validateLength } from '@pmem2/config';
 * const cfg = new Config().setOffset(4096).setLength(8192);
 * validateLength(cfg, 16384, 4096); // ok
 * validateLength(cfg, 8192, 4096);  // throws PMEM2_E_MAP_RANGE (mapping larger than file size)
 * ```
 * @see libpmem2: pmem2_map_new(3), pmem2_config_set_length(3)
 */
export function validateLength(
  cfg: Config,
  fileLength: number | bigint,
  alignment: number | bigint,
): void {
  const fileLen = toSize(fileLength, 'file length', PMEM2_E.LENGTH_OUT_OF_RANGE);
  const align = toAlignment(alignment);
  const { offset, length } = cfg;

  if (fileLen === 0n) {
    throw new Pmem2Error(
      PMEM2_E.SOURCE_EMPTY,
      'the source is empty (0 bytes) and cannot be mapped; give the file a size first ' +
        '(e.g. ftruncate) or use a non-empty source',
      { libpmem2Message: 'file length is equal 0' },
    );
  }

  if (length % align !== 0n) {
    throw new Pmem2Error(
      PMEM2_E.LENGTH_UNALIGNED,
      `length ${length} is not a multiple of the source alignment ${align}; round it to a ` +
        `multiple of ${align}, or use length 0 to map to the end of the source`,
      { libpmem2Message: `length is not a multiple of ${align}` },
    );
  }

  const end = offset + length;
  if (end > SIZE_MAX) {
    throw new Pmem2Error(
      PMEM2_E.MAP_RANGE,
      `offset ${offset} + length ${length} overflows size_t (the sum exceeds 2^64-1); use a ` +
        'smaller offset or length',
      { libpmem2Message: 'overflow of offset and length' },
    );
  }

  if (end > fileLen) {
    throw new Pmem2Error(
      PMEM2_E.MAP_RANGE,
      `the mapping (offset ${offset}, length ${length}${length === 0n ? ' = to the end' : ''}) ` +
        `ends at byte ${end}, past the end of the ${fileLen}-byte source; use a smaller ` +
        'offset or length, or grow the source',
      { libpmem2Message: 'mapping larger than file size' },
    );
  }
}
