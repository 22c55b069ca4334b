// index.ts -- public API of @pmem2/cli (the pmem2 command's pieces, for scripts and tests)

export { type Command, parseCommandLine, USAGE } from './cli-args.js';
export { type EnvironmentOverride, environmentOverrides } from './environment.js';
export { ExitCode } from './exit-codes.js';
export { GRANULARITY_NAMES } from './granularity-reason.js';
export { type FileInfo, type GranularityInfo, inspectFile } from './inspect-file.js';
export { main, type Output } from './main.js';
export { parseSize } from './parse-size.js';
export {
  type GranularityProbe,
  type GranularityRefusal,
  probeGranularity,
} from './probe-granularity.js';
export {
  formatFileInfo,
  formatMapResult,
  formatPmem2Error,
  pmem2ErrorData,
  toJson,
} from './render.js';
export { type TryMapOptions, type TryMapResult, tryMap } from './try-map.js';
export { UsageError, type UsageErrorOptions } from './usage-error.js';
