// deep-flush.ts -- pmem2_deep_flush (deep_flush.c, deep_flush_linux.c): by granularity and source,
// the region's sysfs deep_flush attribute, and what a mapping remembers of its source for it

import { closeSync, constants, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Granularity, toSize } from '@pmem2/config';
import { isPmem2Error, PMEM2_E, Pmem2Error } from '@pmem2/errors';
import { binding } from '@pmem2/native';
import { regionId, type Source, type SourceType } from '@pmem2/source';
import { formatPointer } from './format.js';
import type { MapState } from './map-state.js';
import { checkStatus } from './native-call.js';

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

/**
 * pmem2_deep_flush of `[offset, offset + length)` of a mapping (see `Pmem2Map.deepFlush`).
 *
 * @throws {@link @pmem2/errors!Pmem2Error} as `Pmem2Map.deepFlush`.
 * @see libpmem2: pmem2_deep_flush(3)
 */
export function deepFlushRange(
  state: MapState,
  offset: number | bigint,
  length: number | bigint,
): void {
  state.assertLive('deepFlush');
  const start = toSize(offset, 'offset', PMEM2_E.DEEP_FLUSH_RANGE);
  const count = toSize(length, 'length', PMEM2_E.DEEP_FLUSH_RANGE);
  if (start + count > BigInt(state.size)) {
    const text =
      `requested deep flush rage ptr ${formatPointer(state.address + start)} size ${count} ` +
      `exceeds map range ${formatPointer(state.address)}`;
    throw new Pmem2Error(
      PMEM2_E.DEEP_FLUSH_RANGE,
      `deep flush of offset ${start} + length ${count} passes the end of the ` +
        `${state.size}-byte mapping; keep offset + length <= map.size`,
      { libpmem2Message: text },
    );
  }
  if (state.granularity === Granularity.PAGE) return;
  const range = { offset: Number(start), length: Number(count) };
  if (state.source.type === 'anon') {
    const text = 'Anonymous source does not support deep flush';
    throw new Pmem2Error(
      PMEM2_E.NOSUPP,
      `${text}: anonymous memory has no media; persist() is all it needs`,
      { libpmem2Message: text },
    );
  }
  if (state.source.type === 'devdax') {
    checkStatus(binding.persist(state.handle, range.offset, range.length), () =>
      state.context('persist of', 'msync', range),
    );
    const region = state.source.region;
    if (typeof region !== 'number') {
      throw new Pmem2Error(PMEM2_E.DAX_REGION_NOT_FOUND, region?.message, {
        libpmem2Message: region?.libpmem2Message ?? 'unknown region',
      });
    }
    writeDeepFlush(region, state.source.sysfsRoot);
    return;
  }
  checkStatus(binding.msync(state.handle, range.offset, range.length), () =>
    state.context('deep flush of', 'msync', range),
  );
}
