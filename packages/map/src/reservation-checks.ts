// reservation-checks.ts -- the argument checks of pmem2_vm_reservation_extend and
// pmem2_vm_reservation_shrink, in libpmem2's order, each with libpmem2's text

import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
import type { ReservationState } from './internal.js';

/**
 * Checks that an extension of `bytes` is a multiple of the page size.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_LENGTH_UNALIGNED` when it is not.
 * @see libpmem2: pmem2_vm_reservation_extend(3)
 */
export function checkExtend(bytes: bigint, pageSize: bigint): void {
  if (bytes % pageSize !== 0n) {
    const text = `reservation extension size ${bytes} is not a multiple of ${pageSize}`;
    throw new Pmem2Error(PMEM2_E.LENGTH_UNALIGNED, `${text}; round it up to the page size`, {
      libpmem2Message: text,
    });
  }
}

/**
 * The checks of a shrink of `bytes` at `start` from a reservation of `total` bytes at
 * `address`: offset alignment, size alignment, offset in range, size not zero, end in range,
 * not from the middle, not the whole, no mapping inside.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} the first that fails, as `VmReservation.shrink`.
 * @see libpmem2: pmem2_vm_reservation_shrink(3)
 */
export function checkShrink(
  state: ReservationState,
  address: bigint,
  start: bigint,
  bytes: bigint,
  total: bigint,
  pageSize: bigint,
): void {
  const fail = (code: number, text: string, advice: string): never => {
    throw new Pmem2Error(code, `${text}; ${advice}`, { libpmem2Message: text });
  };
  if (start % pageSize !== 0n) {
    fail(
      PMEM2_E.OFFSET_UNALIGNED,
      `reservation shrink offset ${start} is not a multiple of ${pageSize}`,
      'use a page-aligned offset',
    );
  }
  if (bytes % pageSize !== 0n) {
    fail(
      PMEM2_E.LENGTH_UNALIGNED,
      `reservation shrink size ${bytes} is not a multiple of ${pageSize}`,
      'use a page-aligned size',
    );
  }
  if (start >= total) {
    fail(
      PMEM2_E.OFFSET_OUT_OF_RANGE,
      `reservation shrink offset ${start} is out of reservation range`,
      `the reservation has ${total} bytes`,
    );
  }
  if (bytes === 0n) {
    fail(
      PMEM2_E.LENGTH_OUT_OF_RANGE,
      `reservation shrink size ${bytes} cannot be zero`,
      'pass the number of bytes to remove',
    );
  }
  // libpmem2 adds in size_t: a sum that wraps passes this check and the next decides
  const end = BigInt.asUintN(64, start + bytes);
  if (end > total) {
    fail(
      PMEM2_E.LENGTH_OUT_OF_RANGE,
      `reservation shrink size ${bytes} stands out of reservation range`,
      `offset + size must be at most ${total}`,
    );
  }
  if (start !== 0n && end !== total) {
    fail(
      PMEM2_E.NOSUPP,
      'shrinking reservation from the middle is not supported',
      'remove a prefix (offset 0) or a suffix (offset + size == size)',
    );
  }
  if (start === 0n && bytes === total) {
    fail(
      PMEM2_E.NOSUPP,
      'shrinking whole reservation is not supported',
      'delete the reservation instead',
    );
  }
  if (state.maps.find(address + start, bytes) !== undefined) {
    fail(
      PMEM2_E.VM_RESERVATION_NOT_EMPTY,
      `reservation region (offset ${start}, size ${bytes}) to be shrunk is occupied by a mapping`,
      'delete the mappings in that range first',
    );
  }
}
