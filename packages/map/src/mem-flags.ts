// mem-flags.ts -- the PMEM2_F_MEM_* flags of the mem functions

import { describeValue } from '@pmem2/config';
import { ERRNO, Pmem2Error } from '@pmem2/errors';

/**
 * The flags of libpmem2's mem functions (`PMEM2_F_MEM_*`), with libpmem2's values.
 *
 * @remarks
 * `NODRAIN` skips the final drain; `NONTEMPORAL`/`WC` ask for non-temporal stores and
 * `TEMPORAL`/`WB` for temporal ones (hints; the store chosen per flag, size and granularity
 * follows libpmem2's `pmem2_memmove_nodrain` table); `NOFLUSH` neither flushes nor drains.
 * `VALID_FLAGS` is the OR of all of them.
 *
 * @example
 * ```ts
 * import { Config, Granularity } from '@pmem2/config';
 * import { Source } from '@pmem2/source';
 * import { MemFlags, mapNew } from '@pmem2/map';
 * const src = Source.fromAnon(1 << 20);
 * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
 * try {
 *   map.memcpy(0, new Uint8Array(4096).fill(1), MemFlags.NONTEMPORAL | MemFlags.NODRAIN);
 *   map.drain();
 *   MemFlags.VALID_FLAGS; // 63
 * } finally {
 *   map.delete();
 *   src.delete();
 * }
 * ```
 * @see libpmem2: pmem2_get_memcpy_fn(3)
 */
export const MemFlags = {
  /** PMEM2_F_MEM_NODRAIN: skip the final drain (sfence). */
  NODRAIN: 1 << 0,
  /** PMEM2_F_MEM_NONTEMPORAL: prefer non-temporal stores. */
  NONTEMPORAL: 1 << 1,
  /** PMEM2_F_MEM_TEMPORAL: prefer temporal stores. */
  TEMPORAL: 1 << 2,
  /** PMEM2_F_MEM_WC: write-combining; non-temporal stores on x86 (off eADR). */
  WC: 1 << 3,
  /** PMEM2_F_MEM_WB: write-back; temporal stores on x86. */
  WB: 1 << 4,
  /** PMEM2_F_MEM_NOFLUSH: do not flush (implies NODRAIN). */
  NOFLUSH: 1 << 5,
  /** PMEM2_F_MEM_VALID_FLAGS: every flag above. */
  VALID_FLAGS: 0x3f,
} as const;

const EINVAL = -ERRNO.EINVAL;

/**
 * Checks mem-function flags.
 *
 * @remarks
 * Invalid bits are undefined behaviour in libpmem2 (a DEBUG build only logs
 * `"invalid flags 0x%x"`); here they throw `-EINVAL` (code `'EINVAL'`) with an empty
 * `libpmem2Message`.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} `EINVAL` when `flags` is not an integer made of
 *   {@link MemFlags} bits.
 * @returns `flags`, checked.
 * @see libpmem2: pmem2_get_memcpy_fn(3)
 */
export function checkMemFlags(flags: unknown): number {
  if (
    !(
      Number.isInteger(flags) &&
      (flags as number) >= 0 &&
      (flags as number) <= MemFlags.VALID_FLAGS
    )
  ) {
    throw new Pmem2Error(
      EINVAL,
      `invalid mem flags ${describeValue(flags)}: flags must be an integer number made of ` +
        'MemFlags bits (an OR of PMEM2_F_MEM_*, mask 0x3f)',
    );
  }
  return flags as number;
}
