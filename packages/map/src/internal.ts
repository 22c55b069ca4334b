// internal.ts -- package-private state shared by Pmem2Map, VmReservation and mapNew

import type { ReservationHandle } from '@pmem2/native';
import type { Pmem2Map } from './pmem2-map.js';
import type { RangeRegistry } from './registry.js';
import type { VmReservation } from './vm-reservation.js';

/** The token that lets package code construct a {@link Pmem2Map}; never exported to users. */
export const CONSTRUCT = Symbol('@pmem2/map internal constructor');

/** What a live {@link VmReservation} holds; absent once it is deleted. */
export interface ReservationState {
  readonly handle: ReservationHandle;
  /** The maps inside it, held strongly (mapFind must return them), ordered by address. */
  readonly maps: RangeRegistry<Pmem2Map>;
}

/** The state of every live reservation of this realm. */
export const reservationStates = new WeakMap<VmReservation, ReservationState>();
