// auto-flush.ts -- pmem2_auto_flush: does every NVDIMM region persist CPU caches (eADR)?

import { type Dirent, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readSysfsAttribute } from './sysfs-read.js';
import { type SysfsOptions, sysfsPath, sysfsRoot } from './sysfs-root.js';

/** libpmem2's DOMAIN_VALUE_LEN: `persistence_domain` is read with one 32-byte read. */
const DOMAIN_VALUE_LEN = 32;

/**
 * Tells whether the platform flushes CPU caches on power failure (eADR), exactly as libpmem2's
 * internal `pmem2_auto_flush`: 1 when every NVDIMM region says `cpu_cache`, 0 when one does not
 * (or there are no regions, or no `/sys/bus/nd/devices`), −1 when a `persistence_domain`
 * attribute cannot be read or is malformed.
 *
 * @remarks
 * It looks at the symbolic links whose name contains `region` directly under
 * `/sys/bus/nd/devices`, and in each at a regular file `persistence_domain` whose content must
 * end with a newline. The scan stops at the first region that is not `cpu_cache`. Regions are
 * visited in name order (libpmem2 uses directory order, which only matters for 0 versus −1).
 * `pmem2_map_new` treats anything but 1 as "no eADR"; `@pmem2/map` calls this on every map.
 *
 * @param options - `sysfsRoot`, a testing aid (see {@link sysfsRoot}).
 * @returns 1, 0 or −1, as the C function.
 * @throws never.
 * @example
 * ```ts
 * import { autoFlush } from '@pmem2/source';
 * const eadr = autoFlush() === 1; // false on most machines
 * ```
 * @see libpmem2: pmem2_map_new(3) (store granularity BYTE needs eADR)
 */
export function autoFlush(options: SysfsOptions = {}): 1 | 0 | -1 {
  const devicesDir = sysfsPath(sysfsRoot(options), '/sys/bus/nd/devices');
  try {
    if (!statSync(devicesDir).isDirectory()) return 0;
  } catch {
    return 0;
  }
  let entries: Dirent[];
  try {
    entries = readdirSync(devicesDir, { withFileTypes: true });
  } catch {
    return -1;
  }
  let cpuCache: 1 | 0 | -1 = 0;
  const regions = entries
    .filter((entry) => entry.isSymbolicLink() && entry.name.includes('region'))
    .map((entry) => entry.name)
    .sort();
  for (const name of regions) {
    cpuCache = checkDomainInRegion(join(devicesDir, name));
    if (cpuCache !== 1) return cpuCache;
  }
  return cpuCache;
}

function checkDomainInRegion(regionPath: string): 1 | 0 | -1 {
  let entries: Dirent[];
  try {
    entries = readdirSync(regionPath, { withFileTypes: true });
  } catch {
    return 0;
  }
  const domain = entries.find((entry) => entry.isFile() && entry.name === 'persistence_domain');
  return domain === undefined ? 0 : checkCpuCache(join(regionPath, domain.name));
}

function checkCpuCache(domainPath: string): 1 | 0 | -1 {
  const result = readSysfsAttribute(domainPath, DOMAIN_VALUE_LEN);
  if ('errno' in result) return result.syscall === 'open' ? 0 : -1;
  if (result.text === '' || !result.text.endsWith('\n')) return -1;
  return result.text.slice(0, -1) === 'cpu_cache' ? 1 : 0;
}
