// deviations.ts -- the documented, deliberate differences from libpmem2, each justified by safety

import type { ConformanceCase } from './case.js';

/**
 * A deliberate difference. Either some fields may differ (`fields`; `rsvOps` also covers
 * `rsvOps[i]` and `rsvOps.length`), or C has undefined
 * behaviour on the case (`undefinedInC`): then the probe does not run it at all and
 * pmem2_map_new's TypeScript counterpart must fail with `expectMapRet`.
 */
export interface Deviation {
  readonly name: string;
  readonly reason: string;
  readonly applies: (c: ConformanceCase) => boolean;
  readonly fields?: readonly string[];
  readonly undefinedInC?: { readonly expectMapRet: number };
}

const SIZE_T_WRAP = 2n ** 64n;

/** Every accepted difference; the runner reports each one it applies, it never hides them. */
export const DEVIATIONS: readonly Deviation[] = [
  {
    name: 'reservation-offset-wraps',
    reason:
      'libpmem2 checks `rsv_offset + reserved_length > rsv_size` in size_t, so an offset near ' +
      'SIZE_MAX wraps, passes, and mmap(MAP_FIXED) lands below the reservation, over whatever ' +
      'memory is there (undefined behaviour; the probe would corrupt itself). @pmem2 computes ' +
      'exactly and reports PMEM2_E_LENGTH_OUT_OF_RANGE.',
    applies: (c) => c.reservation !== undefined && c.reservation.offset + 2n ** 32n >= SIZE_T_WRAP,
    undefinedInC: { expectMapRet: -100030 },
  },
  {
    name: 'reservation-extend-wraps',
    reason:
      'pmem2_vm_reservation_extend adds the extension to the size in size_t: an extension of ' +
      'SIZE_MAX - 4095 wraps, the call returns 0 and the reservation records a size 4 KiB ' +
      'smaller than what it still holds (the tail is never unmapped, later range checks use the ' +
      'wrong size). @pmem2 computes exactly and fails like the mmap of that size does (-ENOMEM).',
    applies: (c) =>
      (c.reservation?.ops ?? []).some(
        (o) => o.op === 'extend' && o.size + (c.reservation?.size ?? 0n) >= SIZE_T_WRAP,
      ),
    fields: ['rsvOps', 'rsvSize'],
  },
];

/** The deviation that applies to a case, if any. */
export function deviationFor(c: ConformanceCase): Deviation | undefined {
  return DEVIATIONS.find((d) => d.applies(c));
}
