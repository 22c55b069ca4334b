// device-dax.ts -- device DAX size and alignment from sysfs (libpmem2 asks libndctl)

import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ERRNO, PMEM2_E, Pmem2Error } from '@pmem2/errors';
import { devName } from './dev-number.js';
import { realpathOrThrow } from './node-errno.js';
import { strtoull } from './strtoull.js';
import { readSysfsAttribute, type SysfsReadResult, sysfsReadFailure } from './sysfs-read.js';
import { sysfsPath } from './sysfs-root.js';

/** libpmem2's MAX_SIZE_LENGTH: sysfs numbers are read with one 64-byte read. */
const MAX_SIZE_LENGTH = 64;

/**
 * The size of the device DAX `rdev`: `/sys/dev/char/<M:m>/size`, parsed with strtoull base 0
 * and required to end with a newline.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_DAX_REGION_NOT_FOUND` when the attribute does not exist
 *   (libpmem2 1.12.1's text for "no dax namespace matched"), `PMEM2_E_INVALID_SIZE_FORMAT`
 *   for malformed content, `-ERANGE` for a value above 2^64−1, `-errno` when it cannot be read.
 */
export function deviceDaxSize(rdev: bigint, root: string): bigint {
  const path = sysfsPath(root, `/sys/dev/char/${devName(rdev)}/size`);
  const result = readSysfsAttribute(path, MAX_SIZE_LENGTH);
  if ('errno' in result) {
    if (result.syscall === 'open' && result.errno === ERRNO.ENOENT) {
      const text = 'Issue while reading Device Dax size - cannot find dax region';
      throw new Pmem2Error(
        PMEM2_E.DAX_REGION_NOT_FOUND,
        `${path} does not exist: character device ${devName(rdev)} has no device DAX size; is the dax namespace enabled (ndctl list -X)?`,
        { libpmem2Message: text },
      );
    }
    throw sysfsReadFailure(result, path);
  }
  const parsed = strtoull(result.text, 0);
  if (parsed.end === 0 || result.text[parsed.end] !== '\n') {
    const text = `invalid device size format '${result.text}'`;
    throw new Pmem2Error(
      PMEM2_E.INVALID_SIZE_FORMAT,
      `${path} holds ${JSON.stringify(result.text)}, not a number followed by a newline`,
      { libpmem2Message: text },
    );
  }
  if (parsed.overflow) {
    const text = `invalid device size '${result.text}'`;
    throw new Pmem2Error(
      -ERRNO.ERANGE,
      `${path} holds ${JSON.stringify(result.text)}, which does not fit in 64 bits`,
      { libpmem2Message: text },
    );
  }
  return parsed.value;
}

/**
 * The alignment of the device DAX `rdev`: `/sys/dev/char/<M:m>/device/align`, or else the
 * nearest `dax_region/align` found walking up from the device's sysfs directory (the layout of
 * older kernels, as libpmem2 ≤ 1.9 searched it). Parsed as decimal; must end with a newline.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_INVALID_ALIGNMENT_FORMAT` when no alignment attribute
 *   exists (no message, as libpmem2 1.12.1) or its content is malformed, `-ERANGE` for a value
 *   above 2^64−1, `-errno` when the device directory cannot be resolved or the attribute read.
 */
export function deviceDaxAlignment(rdev: bigint, root: string): bigint {
  const deviceDir = sysfsPath(root, `/sys/dev/char/${devName(rdev)}`);
  const direct = join(deviceDir, 'device', 'align');
  let path = direct;
  let result = readSysfsAttribute(direct, MAX_SIZE_LENGTH);
  if ('errno' in result && result.syscall === 'open') {
    const found = findDaxRegionAlign(deviceDir, realSysfsDevices(root));
    if (found === undefined) {
      throw new Pmem2Error(
        PMEM2_E.INVALID_ALIGNMENT_FORMAT,
        `character device ${devName(rdev)} has neither ${direct} nor a dax_region/align above it; is the dax namespace enabled (ndctl list -X)?`,
        { libpmem2Message: '' },
      );
    }
    ({ path, result } = found);
  }
  if ('errno' in result) throw sysfsReadFailure(result, path);
  const parsed = strtoull(result.text, 10);
  if (parsed.end === 0 || result.text[parsed.end] !== '\n') {
    const text = `invalid device alignment format ${result.text}`;
    throw new Pmem2Error(
      PMEM2_E.INVALID_ALIGNMENT_FORMAT,
      `${path} holds ${JSON.stringify(result.text)}, not a decimal number followed by a newline`,
      { libpmem2Message: text },
    );
  }
  if (parsed.overflow) {
    const text = `invalid device alignment ${result.text}`;
    throw new Pmem2Error(
      -ERRNO.ERANGE,
      `${path} holds ${JSON.stringify(result.text)}, which does not fit in 64 bits`,
      { libpmem2Message: text },
    );
  }
  return parsed.value;
}

function realSysfsDevices(root: string): string {
  const path = sysfsPath(root, '/sys/devices');
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}

function findDaxRegionAlign(
  deviceDir: string,
  stopAt: string,
): { path: string; result: SysfsReadResult } | undefined {
  let dir = realpathOrThrow(deviceDir, `cannot resolve ${deviceDir}`);
  while (dir !== stopAt && dirname(dir) !== dir) {
    dir = dirname(dir);
    const path = join(dir, 'dax_region', 'align');
    const result = readSysfsAttribute(path, MAX_SIZE_LENGTH);
    if (!('errno' in result) || result.syscall === 'read') return { path, result };
  }
  return undefined;
}
