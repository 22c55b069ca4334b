// reservation-types.ts -- the binding functions behind pmem2_vm_reservation: reserve, grow,
// shrink and release PROT_NONE address space

import type { ReservationHandle, Status } from './types.js';

/** The virtual memory reservation part of {@link NativeBinding} (vm_reservation.c's system calls). */
export interface ReservationBinding {
  /**
   * pmem2_vm_reservation_new's system part: reserves `size` bytes (page multiple, checked) of
   * PROT_NONE address space aligned as libpmem2 does (2 MiB, 1 GiB for >= 2 GiB); with an
   * address, MAP_FIXED_NOREPLACE at it (EEXIST or a moved hint -> PMEM2_E_MAPPING_EXISTS).
   */
  reservationNew(size: bigint, address: bigint | null): ReservationHandle | Status;
  reservationAddress(rsv: ReservationHandle): bigint;
  reservationSize(rsv: ReservationHandle): bigint;
  /** Grows the reservation at its end (NOREPLACE); PMEM2_E_MAPPING_EXISTS when occupied. */
  reservationExtend(rsv: ReservationHandle, size: bigint): Status;
  /** Removes a prefix or suffix; the C side re-checks bounds and emptiness of the range. */
  reservationShrink(rsv: ReservationHandle, offset: bigint, size: bigint): Status;
  /**
   * Unmaps it (the whole padded range, where libpmem2 leaks the alignment padding);
   * PMEM2_E_VM_RESERVATION_NOT_EMPTY while maps live in it; PMEM2_E_MAPPING_NOT_FOUND when
   * already deleted (as every other call on a deleted reservation). A reservation handle that
   * is collected without delete is released by its finalizer once no map is inside.
   */
  reservationDelete(rsv: ReservationHandle): Status;
}
