// internal.ts -- package-private state shared by Pmem2Map, VmReservation and mapNew

import type { ReservationHandle } from '@pmem2/native';
import type { Pmem2Map } from './pmem2-map.js';
import type { RangeRegistry } from './registry.js';
import type { VmReservation } from './vm-reservation.js';

/**
 * The token that lets package code construct a {@link Pmem2Map} or {@link VmReservation};
 * the package index does not export it, so users cannot.
 *
 * @see libpmem2: pmem2_map_new(3), pmem2_vm_reservation_new(3)
 */
export const CONSTRUCT = Symbol('@pmem2/map internal constructor');

/**
 * What a live {@link VmReservation} holds (libpmem2's struct fields beyond address and size);
 * absent once it is deleted.
 *
 * @see libpmem2: pmem2_vm_reservation_new(3)
 */
export interface ReservationState {
  readonly handle: ReservationHandle;
  /** The maps inside it, held strongly (mapFind must return them), ordered by address. */
  readonly maps: RangeRegistry<Pmem2Map>;
}

/**
 * The state of every live reservation of this realm, keyed weakly by the reservation.
 *
 * @see libpmem2: pmem2_vm_reservation_map_find(3)
 */
export const reservationStates = new WeakMap<VmReservation, ReservationState>();

/**
 * What a mapping owns beyond its memory (`mapFile`'s source and fd), released once by
 * a successful `delete()`; keyed weakly by the mapping.
 *
 * @see libpmem2: pmem2_source_delete(3)
 */
export const ownedResources = new WeakMap<Pmem2Map, () => void>();
