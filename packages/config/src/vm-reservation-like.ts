// vm-reservation-like.ts -- what a config needs to know of a pmem2_vm_reservation

/**
 * The part of a virtual memory reservation that a {@link Config} refers to.
 *
 * @remarks
 * `@pmem2/map`'s `VmReservation` implements it; the interface lets `@pmem2/config` hold a
 * reservation without depending on the map package. The config only stores the object;
 * `mapNew` checks the reservation offset, space and address (libpmem2 does the same: the
 * setter validates nothing).
 *
 * @example
 * ```ts
 * import { Config, type VmReservationLike } from '@pmem2/config';
 * import { VmReservation } from '@pmem2/map';
 * const reservation = VmReservation.new(1 << 30);
 * try {
 *   const rsv: VmReservationLike = reservation; // what Config keeps of it
 *   rsv.size; // 1073741824
 *   new Config().setVmReservation(rsv, 0);
 * } finally {
 *   reservation.delete();
 * }
 * ```
 * @see libpmem2: pmem2_config_set_vm_reservation(3), pmem2_vm_reservation_new(3)
 */
export interface VmReservationLike {
  /** Start of the reserved range (pmem2_vm_reservation_get_address), for diagnostics. */
  readonly address: bigint;
  /** Size of the reserved range in bytes (pmem2_vm_reservation_get_size). */
  readonly size: number;
}

/**
 * Tells whether a value is an object with `address` and `size` properties. It does not read
 * them, so a getter that refuses a deleted reservation is not run here.
 */
export function isVmReservationLike(value: unknown): value is VmReservationLike {
  return typeof value === 'object' && value !== null && 'address' in value && 'size' in value;
}
