// persist-info.ts -- the flush instruction and copy routines @pmem2/native chose at load time

import { binding, type PersistInfo } from '@pmem2/native';

export type {
  CpuFeatures,
  Crc32Routine,
  FlushInstruction,
  MemcpyRoutine,
  PersistInfo,
} from '@pmem2/native';

/**
 * What persist and the mem functions of every mapping use on this CPU, as libpmem2 chooses
 * it when the library loads (x86_64/init.c, aarch64/init.c): cpuid features, the flush
 * instruction (CLWB > CLFLUSHOPT > CLFLUSH), the non-temporal copy family and the `PMEM_*`
 * environment variables read once at load.
 *
 * @returns the load-time selection (the same object shape on every call).
 * @example
 * ```ts
 * import { persistInfo } from '@pmem2/map';
 * persistInfo().flush; // e.g. 'clwb' or 'clflushopt' on x86-64
 * ```
 * @see libpmem2: libpmem2(7) (ENVIRONMENT), pmem2_get_persist_fn(3)
 */
export function persistInfo(): PersistInfo {
  return binding.persistInfo();
}
