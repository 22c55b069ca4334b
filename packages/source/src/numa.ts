// numa.ts -- pmem2_source_numa_node from sysfs (libpmem2: numa_ndctl.c)

import { join } from 'node:path';
import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
import { readAttribute } from './region-dimms.js';
import { regionOf, unknownRegion } from './region-namespace.js';
import type { Source } from './source.js';

/**
 * The NUMA node of the region holding a file or device DAX source: its `numa_node` attribute,
 * −1 when the attribute is missing or malformed (libndctl's default).
 *
 * @throws {@link Pmem2Error} `PMEM2_E_NOSUPP` for anonymous sources,
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
  const value = readAttribute(join(region.path, 'numa_node'));
  return value !== undefined && /^-?\d+$/.test(value) ? Number(value) : -1;
}
