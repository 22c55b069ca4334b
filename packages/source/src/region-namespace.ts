// region-namespace.ts -- pmem2_region_namespace: the NVDIMM region holding a source, via sysfs

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
import { devName } from './dev-number.js';
import type { Source } from './source.js';
import { readSysfsAttribute, sysfsReadFailure } from './sysfs-read.js';
import { sysfsPath } from './sysfs-root.js';

/** libpmem2's BUFF_LENGTH for sysfs `dev` attributes. */
const DEV_ATTRIBUTE_LENGTH = 64;

/**
 * An NVDIMM region found in sysfs (`/sys/bus/nd/devices/region<N>`), as returned by
 * {@link regionOf}.
 *
 * @example
 * ```ts
 * import { rmSync, writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { type Region, regionOf, Source } from '@pmem2/source';
 * const path = join(tmpdir(), `region-${process.pid}`);
 * writeFileSync(path, Buffer.alloc(4096));
 * const src = Source.fromPath(path);
 * try {
 *   // on pmem: { id: 0, path: '/sys/bus/nd/devices/region0' }; a file off pmem has none
 *   const region: Region | null = regionOf(src);
 *   console.log(region === null ? 'not on an NVDIMM' : `region${region.id}`);
 *   regionOf(Source.fromAnon(4096)); // null
 * } finally {
 *   src.delete();
 *   rmSync(path);
 * }
 * ```
 * @see libpmem2: pmem2_source_numa_node(3)
 */
export interface Region {
  /** The region number N (`ndctl_region_get_id`). */
  readonly id: number;
  /** The region's sysfs directory, `<sysfsRoot>/sys/bus/nd/devices/region<N>`. */
  readonly path: string;
}

/**
 * Finds the NVDIMM region that holds a source, as libpmem2's `pmem2_region_namespace` does
 * through libndctl: for a regular file, the region with an fsdax/raw/sector namespace whose block
 * device's `/sys/block/<dev>/dev` equals the file's `st_dev`; for device DAX, the region with a
 * dax device whose sysfs `dev` attribute equals the source's `st_rdev`.
 *
 * @remarks
 * Reads `<sysfsRoot>/sys/bus/nd/devices/region*` in numeric order, with the sysfs root the source
 * was created with. Used by `@pmem2/map` for deep flush (region id) and by
 * {@link Source.numaNode}, {@link Source.deviceId} and {@link Source.deviceUsc}. libpmem2 stats
 * `/dev/<daxname>` for device DAX; this reads the same numbers from sysfs.
 *
 * @param source - the source to locate.
 * @returns the region, or `null` when the source is not on an NVDIMM (and for anonymous sources).
 * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_INVALID_DEV_FORMAT` when a `dev` attribute is empty or
 *   lacks its newline; `-errno` when a `dev` attribute cannot be read;
 *   `PMEM2_E_INVALID_FILE_HANDLE` when the source was deleted.
 * @example
 * ```ts
 * import { rmSync, writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { regionOf, Source } from '@pmem2/source';
 * const path = join(tmpdir(), `region-of-${process.pid}`);
 * writeFileSync(path, Buffer.alloc(4096));
 * const src = Source.fromPath(path);
 * try {
 *   const region = regionOf(src); // null off pmem, { id, path } on an NVDIMM region
 *   console.log(region?.path ?? 'not on an NVDIMM');
 *   regionOf(Source.fromAnon(4096)); // null
 * } finally {
 *   src.delete();
 *   rmSync(path);
 * }
 * ```
 * @see libpmem2: pmem2_source_numa_node(3), pmem2_deep_flush(3)
 */
export function regionOf(source: Source): Region | null {
  return regionNamespaceOf(source)?.region ?? null;
}

/**
 * The sysfs device that holds a source inside its region: the namespace, or the pfn, btt or
 * nd_dax device that claims it (libndctl's `ndctl_namespace` with its pfn/btt/dax).
 */
export interface NamespaceDevice {
  /** The region holding it. */
  readonly region: Region;
  /** What the matching directory is: a plain (raw) namespace or the device claiming one. */
  readonly kind: 'namespace' | 'pfn' | 'btt' | 'dax';
  /** The matching directory inside the region, such as `.../region1/pfn1.0`. */
  readonly path: string;
  /** The block device name (`pmem1`) for files; undefined for device DAX. */
  readonly blockDevice: string | undefined;
}

/**
 * The region and namespace device holding a source, found as {@link regionOf} finds the
 * region (libpmem2's `pmem2_region_namespace`); null when none matches and for anonymous sources.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} the errors of {@link regionOf}.
 */
export function regionNamespaceOf(source: Source): NamespaceDevice | null {
  if (source.type === 'anon') return null;
  const wanted = devName(source.type === 'devdax' ? source.rdev : source.dev);
  const root = source.sysfsRoot;
  const devicesDir = sysfsPath(root, '/sys/bus/nd/devices');
  for (const region of listRegions(devicesDir)) {
    const found =
      source.type === 'devdax'
        ? regionDeviceDax(region, wanted)
        : regionBlockDevice(region, wanted, root);
    if (found !== undefined) return found;
  }
  return null;
}

/**
 * The id of the region holding a source, as libpmem2's internal `pmem2_get_region_id`.
 *
 * @remarks Used by `@pmem2/map` to build `/sys/bus/nd/devices/region<N>/deep_flush`.
 * @param source - a device DAX or regular-file source.
 * @returns the region number N.
 * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_DAX_REGION_NOT_FOUND` ("unknown region") when the source
 *   is not on an NVDIMM, and every error of {@link regionOf}.
 * @example
 * ```ts
 * import { regionId, Source } from '@pmem2/source';
 * // a device DAX or a file on an fsdax filesystem gives its region number, such as 0
 * regionId(Source.fromAnon(4096)); // throws PMEM2_E_DAX_REGION_NOT_FOUND
 * ```
 * @see libpmem2: pmem2_deep_flush(3)
 */
export function regionId(source: Source): number {
  const region = regionOf(source);
  if (region === null) throw unknownRegion(source);
  return region.id;
}

/** libpmem2's "unknown region" error, for a source that is on no NVDIMM region. */
export function unknownRegion(source: Source): Pmem2Error {
  return new Pmem2Error(
    PMEM2_E.DAX_REGION_NOT_FOUND,
    `the ${source.type} source is not on an NVDIMM region listed in ${sysfsPath(source.sysfsRoot, '/sys/bus/nd/devices')}`,
    { libpmem2Message: 'unknown region' },
  );
}

function listRegions(devicesDir: string): Region[] {
  return listNames(devicesDir)
    .map((name) => /^region(\d+)$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ id: Number(match[1]), path: join(devicesDir, match[0]) }))
    .sort((a, b) => a.id - b.id);
}

function listNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function regionBlockDevice(
  region: Region,
  wanted: string,
  root: string,
): NamespaceDevice | undefined {
  for (const name of listNames(region.path).filter((n) =>
    /^(namespace|pfn|btt)\d+\.\d+$/.test(n),
  )) {
    const path = join(region.path, name);
    for (const blockDevice of listNames(join(path, 'block'))) {
      if (readDevAttribute(sysfsPath(root, `/sys/block/${blockDevice}/dev`)) === wanted) {
        const kind = name.startsWith('pfn') ? 'pfn' : name.startsWith('btt') ? 'btt' : 'namespace';
        return { region, kind, path, blockDevice };
      }
    }
  }
  return undefined;
}

function regionDeviceDax(region: Region, wanted: string): NamespaceDevice | undefined {
  for (const daxNamespace of listNames(region.path).filter((n) => /^dax\d+\.\d+$/.test(n))) {
    const path = join(region.path, daxNamespace);
    // the dax bus (Linux 5.1+) puts daxX.Y right under the nd_dax device; the older dax
    // class one level deeper, in dax/
    for (const parent of [path, join(path, 'dax')]) {
      for (const device of listNames(parent).filter((n) => /^dax\d+\.\d+$/.test(n))) {
        if (readDevAttribute(join(parent, device, 'dev')) === wanted) {
          return { region, kind: 'dax', path, blockDevice: undefined };
        }
      }
    }
  }
  return undefined;
}

function readDevAttribute(path: string): string {
  const result = readSysfsAttribute(path, DEV_ATTRIBUTE_LENGTH);
  if ('errno' in result) throw sysfsReadFailure(result, path);
  if (result.text === '') {
    throw new Pmem2Error(PMEM2_E.INVALID_DEV_FORMAT, `${path} is empty; expected "major:minor"`, {
      libpmem2Message: `${path} is empty`,
    });
  }
  if (!result.text.endsWith('\n')) {
    throw new Pmem2Error(
      PMEM2_E.INVALID_DEV_FORMAT,
      `${path} holds ${JSON.stringify(result.text)}, which does not end with a newline`,
      { libpmem2Message: `${path} doesn't end with new line` },
    );
  }
  return result.text.slice(0, -1);
}
