// region.test.ts -- numaNode, deviceId, deviceUsc, regionOf and regionId over fixture sysfs trees
// (PMDK: pmem2_source_numa, pmem2_usc)

import { constants, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { regionId, regionOf, Source } from '../src/index.js';
import {
  copyFixture,
  devOf,
  expectPmem2,
  fixture,
  holeyFile,
  openTracked,
  tempDir,
  writeAttribute,
} from './helpers.js';

const dir = tempDir();
const file = holeyFile(dir, 'testfile', 2 << 20);
const NDBUS = 'sys/devices/platform/e820_pmem/ndbus0';

/** A copy of the fsdax fixture whose block device `blk` is the filesystem holding `file`. */
function fsdaxWith(blk: 'pmem1' | 'pmem2' | 'pmem3'): string {
  const root = copyFixture('fsdax');
  writeAttribute(root, `sys/block/${blk}/dev`, `${devOf(file)}\n`);
  return root;
}

function fileSource(root: string): Source {
  return Source.fromFd(openTracked(file, constants.O_RDWR), { sysfsRoot: root });
}

function daxSource(root: string): Source {
  return Source.fromFd(openTracked('/dev/null', constants.O_RDWR), { sysfsRoot: root });
}

describe('regular file on an fsdax namespace', () => {
  it('test_get_numa_node: finds the region through /sys/block/<dev>/dev', () => {
    const root = fsdaxWith('pmem1');
    const src = fileSource(root);
    expect(regionOf(src)).toEqual({ id: 1, path: join(root, 'sys/bus/nd/devices/region1') });
    expect(regionId(src)).toBe(1);
    expect(src.numaNode()).toBe(1);
  });

  it('deviceId concatenates the DIMM unique ids; deviceUsc sums dirty_shutdown', () => {
    const src = fileSource(fsdaxWith('pmem1'));
    expect(src.deviceId()).toBe('8089-a2-1740-00000d018089-a2-1740-00000d02');
    expect(src.deviceUsc()).toBe(7n);
  });

  it('finds a namespace claimed by a pfn device; a missing numa_node reads as -2 (NUMA_NO_ATTR)', () => {
    const src = fileSource(fsdaxWith('pmem2'));
    expect(regionId(src)).toBe(2);
    expect(src.numaNode()).toBe(-2);
    expect(src.deviceId()).toBe('8089-a2-1740-00000d02');
    expect(src.deviceUsc()).toBe(0n);
  });

  it('a DIMM without nfit data: deviceId and deviceUsc → PMEM2_E_NOSUPP', () => {
    const src = fileSource(fsdaxWith('pmem3'));
    expect(src.numaNode()).toBe(0);
    expectPmem2(() => src.deviceId(), 'PMEM2_E_NOSUPP', '');
    expectPmem2(
      () => src.deviceUsc(),
      'PMEM2_E_NOSUPP',
      'Unsafe shutdown count is not supported for this source',
    );
  });

  it('reads papr/id and papr/dirty_shutdown when there is no nfit directory', () => {
    const root = fsdaxWith('pmem3');
    writeAttribute(root, `${NDBUS}/nmem3/commands`, '');
    mkdirSync(join(root, `${NDBUS}/nmem3/papr`));
    writeAttribute(root, `${NDBUS}/nmem3/papr/id`, 'papr-uid-3\n');
    writeAttribute(root, `${NDBUS}/nmem3/papr/dirty_shutdown`, '0x10\n');
    const src = fileSource(root);
    expect(src.deviceId()).toBe('papr-uid-3');
    expect(src.deviceUsc()).toBe(16n);
  });

  it('a dirty_shutdown without digits counts as 0, as strtoll', () => {
    const root = fsdaxWith('pmem1');
    writeAttribute(root, `${NDBUS}/nmem2/nfit/dirty_shutdown`, 'n/a\n');
    expect(fileSource(root).deviceUsc()).toBe(7n);
  });

  it('reads as many mappings as `mappings` says and skips broken ones and unknown DIMMs', () => {
    const root = fsdaxWith('pmem1');
    const region1 = `${NDBUS}/region1`;
    writeAttribute(root, `${region1}/mappings`, '4\n');
    writeAttribute(root, `${region1}/mapping1`, 'garbage\n');
    writeAttribute(root, `${region1}/mapping2`, 'nmem9,0,1073741824,2\n');
    writeAttribute(root, `${region1}/mapping3`, 'nmem2,0,1073741824,3\n');
    const src = fileSource(root);
    expect(src.deviceId()).toBe('8089-a2-1740-00000d018089-a2-1740-00000d02');
    writeAttribute(root, `${region1}/mappings`, '1\n');
    expect(src.deviceId()).toBe('8089-a2-1740-00000d01');
  });

  it('a file on no NVDIMM region: numaNode → DAX_REGION_NOT_FOUND, deviceId/Usc → NOSUPP', () => {
    const src = fileSource(fixture('fsdax'));
    expect(regionOf(src)).toBeNull();
    expectPmem2(() => regionId(src), 'PMEM2_E_DAX_REGION_NOT_FOUND', 'unknown region');
    expectPmem2(() => src.numaNode(), 'PMEM2_E_DAX_REGION_NOT_FOUND', 'unknown region');
    expectPmem2(() => src.deviceId(), 'PMEM2_E_NOSUPP', '');
    expectPmem2(
      () => src.deviceUsc(),
      'PMEM2_E_NOSUPP',
      'Unsafe shutdown count is not supported for this source',
    );
  });

  it('on a machine without NVDIMMs as well', () => {
    const src = fileSource(fixture('no-nvdimm'));
    expect(regionOf(src)).toBeNull();
    expectPmem2(() => src.numaNode(), 'PMEM2_E_DAX_REGION_NOT_FOUND', 'unknown region');
  });

  it('an empty /sys/block/<dev>/dev → PMEM2_E_INVALID_DEV_FORMAT', () => {
    const root = copyFixture('fsdax');
    writeAttribute(root, 'sys/block/pmem1/dev', '');
    const path = join(root, 'sys/block/pmem1/dev');
    const error = expectPmem2(
      () => fileSource(root).numaNode(),
      'PMEM2_E_INVALID_DEV_FORMAT',
      `${path} is empty`,
    );
    expect(error.errno).toBe(-100027);
  });

  it('a dev attribute without newline → PMEM2_E_INVALID_DEV_FORMAT', () => {
    const root = copyFixture('fsdax');
    writeAttribute(root, 'sys/block/pmem1/dev', '259:0');
    const path = join(root, 'sys/block/pmem1/dev');
    expectPmem2(
      () => fileSource(root).deviceId(),
      'PMEM2_E_INVALID_DEV_FORMAT',
      `${path} doesn't end with new line`,
    );
  });

  it('an unreadable /sys/block/<dev>/dev → -errno naming the path', () => {
    const root = copyFixture('fsdax');
    rmSync(join(root, 'sys/block/pmem1'));
    const path = join(root, 'sys/block/pmem1/dev');
    expectPmem2(
      () => fileSource(root).deviceUsc(),
      'ENOENT',
      `open "${path}": No such file or directory`,
    );
  });
});

describe('device DAX', () => {
  it('finds region0 through the dax device dev attribute', () => {
    const src = daxSource(fixture('devdax'));
    expect(regionId(src)).toBe(0);
    expect(src.numaNode()).toBe(0);
    expect(src.deviceId()).toBe('8089-a2-1740-00000c9f8089-a2-1740-00000ca0');
    expect(src.deviceUsc()).toBe(7n);
  });

  it('finds a dax device in the dax/ directory of older kernels', () => {
    const root = copyFixture('devdax');
    writeAttribute(root, `${NDBUS}/region0/dax0.1/dax0.0/dev`, '1:99\n');
    const src = daxSource(root);
    expect(regionOf(src)).toBeNull();
    mkdirSync(join(root, `${NDBUS}/region0/dax0.1/dax/dax0.0`), { recursive: true });
    writeAttribute(root, `${NDBUS}/region0/dax0.1/dax/dax0.0/dev`, '1:3\n');
    expect(regionId(src)).toBe(0);
  });

  it('a device DAX of no region → unknown region / NOSUPP', () => {
    const src = daxSource(fixture('devdax-missing-region'));
    expect(regionOf(src)).toBeNull();
    expectPmem2(() => src.numaNode(), 'PMEM2_E_DAX_REGION_NOT_FOUND', 'unknown region');
    expectPmem2(() => src.deviceId(), 'PMEM2_E_NOSUPP', '');
  });

  it('looks only at dax devices (never block devices) and needs their dev to match', () => {
    const root = copyFixture('devdax');
    // a block device without /sys/block/pmem0 would throw ENOENT if it were consulted
    mkdirSync(join(root, `${NDBUS}/region0/namespace0.0/block/pmem0`), { recursive: true });
    writeAttribute(root, `${NDBUS}/region0/dax0.1/dax0.0/dev`, '1:99\n');
    expect(regionOf(daxSource(root))).toBeNull();
  });

  it('a DIMM whose dirty_shutdown is negative → NOSUPP', () => {
    const root = copyFixture('devdax');
    writeAttribute(root, `${NDBUS}/nmem1/nfit/dirty_shutdown`, '-1\n');
    expectPmem2(
      () => daxSource(root).deviceUsc(),
      'PMEM2_E_NOSUPP',
      'Unsafe shutdown count is not supported for this source',
    );
  });
});

describe('anonymous sources', () => {
  it('have no NUMA node, device id or unsafe shutdown count (PMEM2_E_NOSUPP)', () => {
    const src = Source.fromAnon(4096);
    expect(regionOf(src)).toBeNull();
    expectPmem2(
      () => src.numaNode(),
      'PMEM2_E_NOSUPP',
      'Anonymous sources are not bound to numa nodes.',
    );
    expectPmem2(() => src.deviceId(), 'PMEM2_E_NOSUPP', 'Anonymous source does not have device id');
    expectPmem2(
      () => src.deviceUsc(),
      'PMEM2_E_NOSUPP',
      'Anonymous source does not support unsafe shutdown count',
    );
  });
});
