// index.ts -- public API of @pmem2/source

export { autoFlush } from './auto-flush.js';
export { type BadBlock, BadBlockContext, isNoBadBlockFound } from './bad-blocks.js';
export type { McsafeIo } from './mcsafe.js';
export type { NvdimmFacts } from './nvdimm-facts.js';
export { type Region, regionId, regionOf } from './region-namespace.js';
export { type FromPathOptions, Source, type SourceType } from './source.js';
export { type SysfsOptions, sysfsRoot } from './sysfs-root.js';
