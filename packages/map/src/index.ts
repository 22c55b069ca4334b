// index.ts -- public API of @pmem2/map

export type { LostRange } from '@pmem2/native';
export { mapNew } from './map-posix.js';
export { MemFlags } from './mem-flags.js';
export { Pmem2Map } from './pmem2-map.js';
export { VmReservation } from './vm-reservation.js';
