// devdax.test.ts -- PMDK's device DAX cases of pmem2_map (TEST1/3/5/7/9/12/28) and the device
// DAX reservation check, against @pmem2/source's fixture sysfs tree (no hardware needed)
//
// The fixture describes a 1 GiB device DAX with 2 MiB alignment at char device 1:3
// (/dev/null: mmap fails with ENODEV, so the checks before mmap are exercised). A copy also
// points 1:5 (/dev/zero) at it, which mmap accepts, so whole mappings run too.

import { closeSync, constants, openSync } from 'node:fs';
import { Config, Granularity, Sharing } from '@pmem2/config';
import { Source } from '@pmem2/source';
import { devdaxFixture } from '@pmem2/test-kit';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mapNew, VmReservation } from '../src/index.js';
import { mappingRegistry } from '../src/registry.js';
import { catchPmem2, expectPmem2, MiB, PAGE, prepareConfig } from './helpers.js';

const DEV_SIZE = 1024 * MiB;
const DEV_ALIGN = 2 * MiB;

let root = '';
const fds: number[] = [];

beforeAll(() => {
  root = devdaxFixture();
});
beforeEach(() => {
  vi.stubEnv('PMEM2_FORCE_GRANULARITY', undefined);
});
afterEach(() => {
  vi.unstubAllEnvs();
  for (const fd of fds.splice(0)) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  }
});

/** A device DAX source over /dev/null (mmap fails) or /dev/zero (mmap works). */
function devdax(device: 'null' | 'zero', flags = constants.O_RDWR): Source {
  const fd = openSync(`/dev/${device}`, flags);
  fds.push(fd);
  const source = Source.fromFd(fd, { sysfsRoot: root });
  expect(source.type).toBe('devdax');
  return source;
}

describe('pmem2_map on a fixture device DAX (1 GiB, align 2 MiB)', () => {
  it('the source reports the fixture size and alignment', () => {
    using source = devdax('zero');
    expect([source.size(), source.alignment()]).toEqual([DEV_SIZE, DEV_ALIGN]);
  });

  it('TEST1 test_map_rdrw_file (devdax): maps, 2 MiB aligned, PAGE without MAP_SYNC', () => {
    using source = devdax('zero');
    using map = mapNew(prepareConfig(), source);
    expect(map.size).toBe(DEV_SIZE);
    expect(map.address % BigInt(DEV_ALIGN)).toBe(0n);
    expect(map.storeGranularity).toBe(Granularity.PAGE);
    map.bytes()[DEV_SIZE - 1] = 1;
    map.persist(DEV_SIZE - 1, 1);
  });

  it('TEST1 on a device whose mmap fails: -ENODEV "mmap: No such device", nothing left', () => {
    using source = devdax('null');
    const registered = mappingRegistry.size;
    const e = expectPmem2(() => mapNew(prepareConfig(), source), 'ENODEV', 'mmap: No such device');
    expect(e.errno).toBe(-19);
    expect(mappingRegistry.size).toBe(registered);
  });

  it('TEST3 test_map_rdonly_file (devdax): O_RDONLY with READ|WRITE shared gives PMEM2_E_NO_ACCESS', () => {
    using source = devdax('zero', constants.O_RDONLY);
    const registered = mappingRegistry.size;
    expectPmem2(
      () => mapNew(prepareConfig(), source),
      'PMEM2_E_NO_ACCESS',
      'mmap: Permission denied',
    );
    expect(mappingRegistry.size).toBe(registered);
  });

  it('TEST5 test_map_valid_ranges (devdax)', () => {
    using source = devdax('zero');
    const size2 = DEV_SIZE / 2;
    for (const [offset, length, expected] of [
      [0, 0, DEV_SIZE],
      [0, DEV_SIZE, DEV_SIZE],
      [0, size2, size2],
      [DEV_ALIGN, size2, size2],
    ] as const) {
      using map = mapNew(prepareConfig(offset, length), source);
      expect(map.size).toBe(expected);
    }
  });

  it('TEST7 test_map_invalid_ranges (devdax): PMEM2_E_MAP_RANGE twice', () => {
    using source = devdax('null');
    const size2 = DEV_SIZE / 2;
    expectPmem2(
      () => mapNew(prepareConfig(size2 + 4 * MiB, size2), source),
      'PMEM2_E_MAP_RANGE',
      'mapping larger than file size',
    );
    expectPmem2(() => mapNew(prepareConfig(2 * DEV_SIZE, 0), source), 'PMEM2_E_MAP_RANGE');
  });

  it('TEST9 test_map_invalid_alignment (devdax): offset 1 KiB and 4 KiB are unaligned to 2 MiB', () => {
    using source = devdax('null');
    for (const offset of [1024, PAGE]) {
      expectPmem2(
        () => mapNew(prepareConfig(offset, DEV_SIZE / 2), source),
        'PMEM2_E_OFFSET_UNALIGNED',
        `offset is not a multiple of ${DEV_ALIGN}`,
      );
    }
    expectPmem2(
      () => mapNew(prepareConfig(0, PAGE), source),
      'PMEM2_E_LENGTH_UNALIGNED',
      `length is not a multiple of ${DEV_ALIGN}`,
    );
  });

  it('TEST12 test_unmap_valid (devdax)', () => {
    using source = devdax('zero');
    const map = mapNew(prepareConfig(0, DEV_ALIGN), source);
    map.delete();
    expectPmem2(() => map.delete(), 'PMEM2_E_MAPPING_NOT_FOUND');
  });

  it('TEST28 test_map_sharing_private_devdax: PMEM2_E_SRC_DEVDAX_PRIVATE', () => {
    using source = devdax('null');
    expectPmem2(
      () => mapNew(prepareConfig().setSharing(Sharing.PRIVATE), source),
      'PMEM2_E_SRC_DEVDAX_PRIVATE',
      'device DAX does not support mapping with MAP_PRIVATE',
    );
  });

  it('the device DAX + private check comes before the length checks', () => {
    using source = devdax('null');
    const cfg = prepareConfig(0, 1).setSharing(Sharing.PRIVATE);
    expect(catchPmem2(() => mapNew(cfg, source)).code).toBe('PMEM2_E_SRC_DEVDAX_PRIVATE');
  });

  it('reservation: base address not a multiple of the device alignment → PMEM2_E_ADDRESS_UNALIGNED', () => {
    using source = devdax('zero');
    using rsv = VmReservation.new(8 * MiB);
    const cfg = new Config()
      .setRequiredStoreGranularity(Granularity.PAGE)
      .setLength(DEV_ALIGN)
      .setVmReservation(rsv, PAGE);
    const base = rsv.address + BigInt(PAGE);
    expectPmem2(
      () => mapNew(cfg, source),
      'PMEM2_E_ADDRESS_UNALIGNED',
      `base mapping address 0x${base.toString(16)} (virtual memory reservation address + offset) is not a multiple of ${DEV_ALIGN} required by device DAX`,
    );
    cfg.setVmReservation(rsv, DEV_ALIGN);
    using map = mapNew(cfg, source);
    expect(map.address).toBe(rsv.address + BigInt(DEV_ALIGN));
  });
});
