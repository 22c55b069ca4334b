// usc.ts -- pmem2_source_device_usc and pmem2_source_device_id from sysfs (libpmem2: usc_ndctl.c)

import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
import { regionDimms } from './region-dimms.js';
import { regionOf } from './region-namespace.js';
import type { Source } from './source.js';

const USC_NOT_SUPPORTED = 'Unsafe shutdown count is not supported for this source';

/**
 * The unsafe shutdown count of a file or device DAX source: the sum of the `dirty_shutdown`
 * counters of the NVDIMMs of its region.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_NOSUPP` for anonymous sources, off pmem, or when a DIMM
 *   has no counter; the errors of {@link regionOf}.
 */
export function deviceUsc(source: Source): bigint {
  if (source.type === 'anon') {
    throw new Pmem2Error(
      PMEM2_E.NOSUPP,
      'an anonymous source has no NVDIMM and so no unsafe shutdown count',
      { libpmem2Message: 'Anonymous source does not support unsafe shutdown count' },
    );
  }
  const region = regionOf(source);
  if (region === null) {
    throw new Pmem2Error(
      PMEM2_E.NOSUPP,
      `the ${source.type} source is not on an NVDIMM region, so it has no unsafe shutdown count`,
      { libpmem2Message: USC_NOT_SUPPORTED },
    );
  }
  let usc = 0n;
  for (const dimm of regionDimms(region)) {
    if (dimm.dirtyShutdown === undefined || dimm.dirtyShutdown < 0n) {
      throw new Pmem2Error(
        PMEM2_E.NOSUPP,
        `${dimm.name} of region${region.id} reports no dirty shutdown count (nfit/dirty_shutdown)`,
        { libpmem2Message: USC_NOT_SUPPORTED },
      );
    }
    usc += dimm.dirtyShutdown;
  }
  return usc;
}

/**
 * The device id of a file or device DAX source: the unique ids of the NVDIMMs of its region,
 * concatenated in mapping order.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_NOSUPP` for anonymous sources, off pmem (no message, as
 *   libpmem2), or when a DIMM has no unique id; the errors of {@link regionOf}.
 */
export function deviceId(source: Source): string {
  if (source.type === 'anon') {
    throw new Pmem2Error(PMEM2_E.NOSUPP, 'an anonymous source has no NVDIMM and so no device id', {
      libpmem2Message: 'Anonymous source does not have device id',
    });
  }
  const region = regionOf(source);
  if (region === null) {
    throw new Pmem2Error(
      PMEM2_E.NOSUPP,
      `the ${source.type} source is not on an NVDIMM region, so it has no device id`,
      { libpmem2Message: '' },
    );
  }
  let id = '';
  for (const dimm of regionDimms(region)) {
    if (dimm.uniqueId === undefined) {
      throw new Pmem2Error(
        PMEM2_E.NOSUPP,
        `${dimm.name} of region${region.id} has no unique id (nfit/id)`,
        { libpmem2Message: '' },
      );
    }
    id += dimm.uniqueId;
  }
  return id;
}
