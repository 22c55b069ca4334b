// index.ts -- public API of @pmem2/map

export type { LostRange } from '@pmem2/native';
export type { Advice, PopulateMode } from './advice-ops.js';
export {
  explainGranularity,
  forcedGranularity,
  type GranularityExplanation,
  type GranularityReason,
} from './granularity.js';
export { mapNew } from './map-posix.js';
export { MemFlags } from './mem-flags.js';
export { type MapFileOptions, mapFile } from './open.js';
export {
  type CpuFeatures,
  type Crc32Routine,
  type FlushInstruction,
  type MemcpyRoutine,
  type PersistInfo,
  persistInfo,
} from './persist-info.js';
export { Pmem2Map } from './pmem2-map.js';
export { type MapShareToken, openSharedMap, shareMap } from './share.js';
export { VmReservation } from './vm-reservation.js';
