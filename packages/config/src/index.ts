// index.ts -- public API of @pmem2/config

export { Config } from './config.js';
export { describeValue } from './describe-value.js';
export { Granularity } from './granularity.js';
export { Protection } from './protection.js';
export { Sharing } from './sharing.js';
export { INT64_MAX, SIZE_MAX, toSize } from './size.js';
export { validateGranularitySet } from './validate-granularity-set.js';
export { validateLength } from './validate-length.js';
export { validateOffset } from './validate-offset.js';
export type { VmReservationLike } from './vm-reservation-like.js';
