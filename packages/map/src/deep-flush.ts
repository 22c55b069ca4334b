// deep-flush.ts -- pmem2_deep_flush's device part (deep_flush.c, deep_flush_linux.c): the
// region's sysfs deep_flush attribute, and what a mapping remembers of its source for it

import { closeSync, constants, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isPmem2Error, type Pmem2Error } from '@pmem2/errors';
import { regionId, type Source, type SourceType } from '@pmem2/source';

/**
 * What a mapping keeps of its source for deep flush, as libpmem2 copies `struct
 * pmem2_source` into the map (with the fd cleared): the type, and for device DAX the region
 * id or the error looking it up gave.
 *
 * @see libpmem2: pmem2_deep_flush(3)
 */
export interface SourceFacts {
  readonly type: SourceType;
  /** Device DAX only: the region number, or the `PMEM2_E_DAX_REGION_NOT_FOUND` error. */
  readonly region: number | Pmem2Error | undefined;
  readonly sysfsRoot: string;
}

/**
 * Records the source facts a mapping needs later, while the source is still alive.
 *
 * @remarks
 * libpmem2 looks the region up at deep-flush time from its copy of the source; a `Source`
 * may be deleted by then, so the lookup runs at map time and a failure is kept to be thrown
 * by `deepFlush`, where libpmem2 reports it.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} only what reading the source's recorded facts throws (never for
 *   a live source); region lookup errors are kept, not thrown.
 * @see libpmem2: pmem2_deep_flush(3)
 */
export function sourceFacts(source: Source): SourceFacts {
  let region: number | Pmem2Error | undefined;
  if (source.type === 'devdax') {
    try {
      region = regionId(source);
    } catch (error) {
      if (!isPmem2Error(error)) throw error;
      region = error;
    }
  }
  return { type: source.type, region, sysfsRoot: source.sysfsRoot };
}

/**
 * Writes `1` to `/sys/bus/nd/devices/region<id>/deep_flush` (under `sysfsRoot`) unless it
 * reads `0\n`, as `pmem2_deep_flush_write` does: every failure to open, read or write the
 * attribute is ignored (libpmem2 only logs it).
 *
 * @see libpmem2: pmem2_deep_flush(3)
 */
export function writeDeepFlush(region: number, sysfsRoot: string): void {
  const path = join(sysfsRoot, 'sys', 'bus', 'nd', 'devices', `region${region}`, 'deep_flush');
  const current = readTwoBytes(path);
  if (current === undefined || current === '0\n') return;
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY);
  } catch {
    return;
  }
  try {
    writeSync(fd, '1');
  } catch {
    // libpmem2: "cannot write to deep_flush file" is only logged
  } finally {
    closeSync(fd);
  }
}

// The first two bytes of the attribute, or undefined when it cannot be opened or is shorter.
function readTwoBytes(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY);
  } catch {
    return undefined;
  }
  try {
    const buffer = Buffer.alloc(2);
    return readSync(fd, buffer, 0, 2, null) === 2 ? buffer.toString('latin1') : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
