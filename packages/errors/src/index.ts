// index.ts -- public API of @pmem2/errors

export {
  PMEM2_E,
  type Pmem2CodeKey,
  type Pmem2CodeName,
  type Pmem2CodeValue,
  pmem2CodeName,
} from './codes.js';
export { ERRNO, errnoName, errnoValue, errToErrno, strerror } from './errno.js';
export {
  isPmem2Error,
  Pmem2Error,
  type Pmem2ErrorCode,
  type Pmem2ErrorOptions,
} from './pmem2-error.js';
