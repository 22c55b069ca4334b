// region-dimms.ts -- the NVDIMMs (nmem devices) of a region, as ndctl_dimm_foreach_in_region

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Region } from './region-namespace.js';
import { strtoll } from './strtoull.js';

/** The per-family attribute directories libndctl reads DIMM facts from, in its order. */
const DIMM_FAMILIES = ['nfit', 'papr'] as const;

/** One NVDIMM of a region, with the sysfs facts libndctl reads for it. */
export interface RegionDimm {
  /** The nmem device name, such as `nmem0`. */
  readonly name: string;
  /** `nmem*\/nfit/id` (or `papr/id`) without its newline; undefined when neither exists. */
  readonly uniqueId: string | undefined;
  /**
   * `nmem*\/nfit/dirty_shutdown` (or `papr/`) parsed with strtoll base 0; undefined when
   * neither exists (libndctl then reports −ENOENT).
   */
  readonly dirtyShutdown: bigint | undefined;
}

/**
 * The DIMMs of a region in mapping order, as libndctl builds them: `mappings` tells how many
 * `mapping<i>` attributes to read; each names its DIMM first (`nmem0,0,2147483648,0`), looked
 * up as `/sys/bus/nd/devices/nmem<id>`. Unreadable or malformed mappings and DIMMs that do not
 * exist are skipped, as libndctl skips them.
 */
export function regionDimms(region: Region): RegionDimm[] {
  const devicesDir = dirname(region.path);
  const count = Number(strtoll(readAttribute(join(region.path, 'mappings')) ?? '0', 0));
  const dimms: RegionDimm[] = [];
  for (let index = 0; index < count; index++) {
    const mapping = /^nmem(\d+),\d+,\d+/.exec(
      readAttribute(join(region.path, `mapping${index}`)) ?? '',
    );
    if (mapping === null) continue;
    const name = `nmem${Number(mapping[1])}`;
    const dimmDir = join(devicesDir, name);
    if (!existsSync(dimmDir)) continue;
    const dirty = familyAttribute(dimmDir, 'dirty_shutdown');
    dimms.push({
      name,
      uniqueId: familyAttribute(dimmDir, 'id'),
      dirtyShutdown: dirty === undefined ? undefined : strtoll(dirty, 0),
    });
  }
  return dimms;
}

function familyAttribute(dimmDir: string, attribute: string): string | undefined {
  for (const family of DIMM_FAMILIES) {
    const value = readAttribute(join(dimmDir, family, attribute));
    if (value !== undefined) return value;
  }
  return undefined;
}

/** A sysfs attribute without its trailing newline (libndctl's sysfs_read_attr), if readable. */
function readAttribute(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1').replace(/\n$/, '');
  } catch {
    return undefined;
  }
}
