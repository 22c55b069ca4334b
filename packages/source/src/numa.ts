// numa.ts -- pmem2_source_numa_node from sysfs (libpmem2: numa_ndctl.c)

import { join } from 'node:path';
import { ERRNO, PMEM2_E, Pmem2Error } from '@pmem2/errors';
import { regionOf, unknownRegion } from './region-namespace.js';
import type { Source } from './source.js';
import { strtoll } from './strtoull.js';
import { readSysfsAttribute } from './sysfs-read.js';

/** libndctl's SYSFS_ATTR_SIZE. */
const SYSFS_ATTR_SIZE = 1024;
/** libndctl's NUMA_NO_ATTR: the region has no `numa_node` attribute. */
const NUMA_NO_ATTR = -2;
/** libndctl's NUMA_NO_NODE: the attribute exists but cannot be read. */
const NUMA_NO_NODE = -1;

/**
 * The NUMA node of the region holding a file or device DAX source: its `numa_node` attribute
 * parsed like `strtol(buf, NULL, 0)`; −2 when the attribute does not exist and −1 when it
 * cannot be read (libndctl's NUMA_NO_ATTR and NUMA_NO_NODE).
 *
 * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_NOSUPP` for anonymous sources,
 *   `PMEM2_E_DAX_REGION_NOT_FOUND` ("unknown region") off pmem; the errors of {@link regionOf}.
 */
export function numaNode(source: Source): number {
  if (source.type === 'anon') {
    throw new Pmem2Error(PMEM2_E.NOSUPP, 'an anonymous source is not bound to a NUMA node', {
      libpmem2Message: 'Anonymous sources are not bound to numa nodes.',
    });
  }
  const region = regionOf(source);
  if (region === null) throw unknownRegion(source);
  const result = readSysfsAttribute(join(region.path, 'numa_node'), SYSFS_ATTR_SIZE);
  if ('errno' in result) {
    const missing = result.syscall === 'open' && result.errno === ERRNO.ENOENT;
    return missing ? NUMA_NO_ATTR : NUMA_NO_NODE;
  }
  return Number(BigInt.asIntN(32, strtoll(result.text, 0)));
}
