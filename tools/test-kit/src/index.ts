// index.ts -- @pmem2/test-kit: what every @pmem2 test suite shares (private, never published)

export { buildTestAddon, NODE_API_HEADER } from './addon.js';
export {
  answerOf,
  type ChildResult,
  childEnv,
  type ImportingChildren,
  importingChildren,
  jsonLines,
  lastJsonLine,
  type NodeOptions,
  quietAnswerOf,
  runModule,
  runNode,
} from './child.js';
export {
  copySysfsFixture,
  DEVDAX_DEVICE,
  devdaxFixture,
  devOf,
  sysfsFixture,
  writeAttribute,
} from './fixtures.js';
export {
  buildOracle,
  LIBPMEM2_BASE_H,
  LIBPMEM2_HEADER,
  libpmem2FileOrSkip,
  type OracleOptions,
  oracleMissing,
  reportSkip,
} from './oracle.js';
export { envWithoutScriptRunner, packWorkspacePackage } from './pack.js';
export { catchPmem2, catchPmem2OrNone, expectPmem2 } from './pmem2-error.js';
export { type MapsLine, mappingsIn, mappingsOf, mapsLineAt, procMaps } from './procmaps.js';
export {
  inPrivateMounts,
  runOnSmallFileSystem,
  type SmallFileSystem,
  smallFileSystems,
} from './small-fs.js';
export {
  BACKENDS,
  type Backend,
  backendFile,
  backendRoot,
  copyTree,
  FILESYSTEMS,
  holeyFile,
  removeTempDir,
  removeTempDirs,
  scratchDir,
  tempDir,
} from './temp.js';
