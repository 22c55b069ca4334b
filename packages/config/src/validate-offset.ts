// validate-offset.ts -- pmem2_validate_offset: the config offset against the source alignment

import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
import type { Config } from './config.js';
import { toAlignment } from './size.js';

/**
 * Checks that the config offset is a multiple of the source alignment, as `pmem2_map_new`
 * does after reading the source's alignment and size.
 *
 * @remarks
 * Mirrors `pmem2_validate_offset` (`map.c`). For an anonymous source the offset is checked
 * too, although the mapping then starts at 0.
 *
 * @param cfg - the config to check.
 * @param alignment - the source alignment (`Source.alignment()`), not 0.
 * @throws {@link @pmem2/errors!Pmem2Error}
 *   - `PMEM2_E_OFFSET_UNALIGNED` when `cfg.offset % alignment` is not 0; `libpmem2Message` is
 *     `"offset is not a multiple of %lu"` with the alignment.
 *   - `PMEM2_E_INVALID_ALIGNMENT_VALUE` when `alignment` is 0 or not a `size_t` (libpmem2
 *     asserts there); empty `libpmem2Message`.
 * @example
 * ```ts
 * import { Config, validateOffset } from '@pmem2/config';
 * validateOffset(new Config().setOffset(8192), 4096); // ok
 * validateOffset(new Config().setOffset(100), 4096);  // throws PMEM2_E_OFFSET_UNALIGNED
 * ```
 * @see libpmem2: pmem2_map_new(3), pmem2_config_set_offset(3)
 */
export function validateOffset(cfg: Config, alignment: number | bigint): void {
  const align = toAlignment(alignment);
  const offset = cfg.offset;
  if (offset % align !== 0n) {
    throw new Pmem2Error(
      PMEM2_E.OFFSET_UNALIGNED,
      `offset ${offset} is not a multiple of the source alignment ${align}; use a multiple ` +
        `of ${align}, such as ${offset - (offset % align)}`,
      { libpmem2Message: `offset is not a multiple of ${align}` },
    );
  }
}
