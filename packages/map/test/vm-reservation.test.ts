// vm-reservation.test.ts -- PMDK's pmem2_vm_reservation: new, map, extend/shrink, find (§6.3)

import { Config, Granularity } from '@pmem2/config';
import { Source } from '@pmem2/source';
import { catchPmem2OrNone } from '@pmem2/test-kit';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mapNew, type Pmem2Map, VmReservation } from '../src/index.js';
import { mappingRegistry } from '../src/registry.js';
import { expectPmem2, MiB, makeFile, mappingsIn, mappingsOf, openSource, PAGE } from './helpers.js';

beforeEach(() => {
  vi.stubEnv('PMEM2_FORCE_GRANULARITY', undefined);
});

const hex = (n: bigint) => `0x${n.toString(16)}`;

/** A config that maps `length` bytes (0 = all) into `rsv` at `offset`. */
function rsvConfig(rsv: VmReservation, offset: number, length = 0): Config {
  return new Config()
    .setRequiredStoreGranularity(Granularity.PAGE)
    .setLength(length)
    .setVmReservation(rsv, offset);
}

/** Asserts that [start, start+size) of the address space is reserved PROT_NONE memory only. */
function expectReservedOnly(start: bigint, size: number): void {
  const lines = mappingsIn(start, start + BigInt(size));
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect([line.perms, line.path]).toEqual(['---p', '']);
}

/** A free, 2 MiB-aligned address: reserve, note, delete. */
function freeAddress(size: number): bigint {
  const probe = VmReservation.new(size);
  const address = probe.address;
  probe.delete();
  return address;
}

describe('pmem2_vm_reservation_new', () => {
  it('test_vm_reserv_new_unaligned_addr: PMEM2_E_ADDRESS_UNALIGNED', () => {
    const address = freeAddress(16 * MiB) + 1n;
    expectPmem2(
      () => VmReservation.new(16 * MiB, address),
      'PMEM2_E_ADDRESS_UNALIGNED',
      `address ${hex(address)} is not a multiple of 0x1000`,
    );
  });

  it('test_vm_reserv_new_unaligned_size: PMEM2_E_LENGTH_UNALIGNED', () => {
    expectPmem2(
      () => VmReservation.new(16 * MiB - 1),
      'PMEM2_E_LENGTH_UNALIGNED',
      `reservation size ${16 * MiB - 1} is not a multiple of 4096`,
    );
  });

  it('checks the address before the size', () => {
    expectPmem2(() => VmReservation.new(1, 1n), 'PMEM2_E_ADDRESS_UNALIGNED');
  });

  it('test_vm_reserv_new_valid_addr: reserves PROT_NONE memory at the address', () => {
    const address = freeAddress(16 * MiB);
    using rsv = VmReservation.new(16 * MiB, address);
    expect(rsv.address).toBe(address);
    expect(rsv.size).toBe(16 * MiB);
    expectReservedOnly(address, 16 * MiB);
  });

  it('a 0-byte reservation is valid but cannot be deleted: -EINVAL "munmap: Invalid argument"', () => {
    const rsv = VmReservation.new(0);
    expect(rsv.size).toBe(0);
    const e = expectPmem2(() => rsv.delete(), 'EINVAL', 'munmap: Invalid argument');
    expect(e.errno).toBe(-22);
    expect(rsv.size).toBe(0);
    rsv.extend(PAGE);
    rsv.delete();
  });

  it('without an address, starts on a 2 MiB boundary', () => {
    using rsv = VmReservation.new(4 * MiB);
    expect(rsv.address % BigInt(2 * MiB)).toBe(0n);
  });

  it('test_vm_reserv_new_region_occupied_map: PMEM2_E_MAPPING_EXISTS', () => {
    using file = openSource(makeFile('ext4'));
    using map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), file.source);
    expectPmem2(() => VmReservation.new(16 * MiB, map.address), 'PMEM2_E_MAPPING_EXISTS');
  });

  it('test_vm_reserv_new_region_occupied_map_below: PMEM2_E_MAPPING_EXISTS', () => {
    using file = openSource(makeFile('ext4'));
    using map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), file.source);
    const below = map.address - BigInt(8 * MiB);
    expectPmem2(() => VmReservation.new(16 * MiB, below), 'PMEM2_E_MAPPING_EXISTS');
  });

  it('test_vm_reserv_new_region_occupied_map_above: PMEM2_E_MAPPING_EXISTS', () => {
    using file = openSource(makeFile('ext4'));
    using map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), file.source);
    const above = map.address + BigInt(8 * MiB);
    expectPmem2(() => VmReservation.new(16 * MiB, above), 'PMEM2_E_MAPPING_EXISTS');
  });

  it('test_vm_reserv_new_region_occupied_reserv: PMEM2_E_MAPPING_EXISTS', () => {
    using rsv = VmReservation.new(16 * MiB);
    const e = expectPmem2(() => VmReservation.new(16 * MiB, rsv.address), 'PMEM2_E_MAPPING_EXISTS');
    expect(e.errno).toBe(-100007);
  });

  it('mmap failure (far too large) gives -ENOMEM with "mmap MAP_ANONYMOUS: Cannot allocate memory"', () => {
    const e = expectPmem2(
      () => VmReservation.new(2n ** 50n),
      'ENOMEM',
      'mmap MAP_ANONYMOUS: Cannot allocate memory',
    );
    expect(e.errno).toBe(-12);
  });
});

describe('mapping into a reservation', () => {
  it('test_vm_reserv_map_file: maps at the reservation address', () => {
    using file = openSource(makeFile('ext4'));
    using rsv = VmReservation.new(16 * MiB);
    using map = mapNew(rsvConfig(rsv, 0), file.source);
    expect(map.address).toBe(rsv.address);
    expect(mappingsOf(file.path)[0]?.start).toBe(rsv.address);
  });

  it('test_vm_reserv_map_part_file: maps part of a file at an offset', () => {
    using file = openSource(makeFile('ext4'));
    using rsv = VmReservation.new(16 * MiB);
    const cfg = rsvConfig(rsv, 4 * MiB, 8 * MiB).setOffset(4 * MiB);
    using map = mapNew(cfg, file.source);
    expect(map.address).toBe(rsv.address + BigInt(4 * MiB));
    expect(map.size).toBe(8 * MiB);
  });

  it('test_vm_reserv_map_unmap_multiple_files: adjacent maps, deleted, leave reserved space', () => {
    using rsv = VmReservation.new(16 * MiB);
    const maps: Pmem2Map[] = [];
    const files = [0, 1, 2, 3].map(() => openSource(makeFile('tmpfs', 4 * MiB)));
    for (const [i, file] of files.entries()) {
      maps.push(mapNew(rsvConfig(rsv, i * 4 * MiB), file.source));
    }
    for (const [i, map] of maps.entries()) {
      expect(map.address).toBe(rsv.address + BigInt(i * 4 * MiB));
    }
    for (const map of maps) map.delete();
    expectReservedOnly(rsv.address, 16 * MiB);
    for (const file of files) file[Symbol.dispose]();
  });

  it('test_vm_reserv_delete_contains_mapping: PMEM2_E_VM_RESERVATION_NOT_EMPTY', () => {
    using file = openSource(makeFile('ext4'));
    using rsv = VmReservation.new(16 * MiB);
    const map = mapNew(rsvConfig(rsv, 0), file.source);
    expectPmem2(
      () => rsv.delete(),
      'PMEM2_E_VM_RESERVATION_NOT_EMPTY',
      `vm reservation ${hex(rsv.address)} isn't empty`,
    );
    map.delete();
    expectReservedOnly(rsv.address, 16 * MiB);
  });

  it('test_vm_reserv_map_insufficient_space: PMEM2_E_LENGTH_OUT_OF_RANGE', () => {
    using file = openSource(makeFile('ext4'));
    using rsv = VmReservation.new(8 * MiB);
    expectPmem2(
      () => mapNew(rsvConfig(rsv, 0), file.source),
      'PMEM2_E_LENGTH_OUT_OF_RANGE',
      `Reservation ${hex(rsv.address)} has not enough space for the intended content`,
    );
    expectPmem2(
      () => mapNew(rsvConfig(rsv, 4 * MiB, 8 * MiB), file.source),
      'PMEM2_E_LENGTH_OUT_OF_RANGE',
    );
  });

  it('an unaligned reservation offset gives PMEM2_E_OFFSET_UNALIGNED', () => {
    using file = openSource(makeFile('ext4'));
    using rsv = VmReservation.new(32 * MiB);
    expectPmem2(
      () => mapNew(rsvConfig(rsv, 100), file.source),
      'PMEM2_E_OFFSET_UNALIGNED',
      'virtual memory reservation offset 100 is not a multiple of 4096',
    );
  });

  it('the reservation offset is checked before the space', () => {
    using file = openSource(makeFile('ext4'));
    using rsv = VmReservation.new(4 * MiB);
    expectPmem2(() => mapNew(rsvConfig(rsv, 1), file.source), 'PMEM2_E_OFFSET_UNALIGNED');
  });

  describe.each([
    ['test_vm_reserv_map_full_overlap', 0, 0],
    ['test_vm_reserv_map_partial_overlap_below', 8 * MiB, 4 * MiB],
    ['test_vm_reserv_map_partial_overlap_above', 8 * MiB, 12 * MiB],
  ])('%s', (_name, firstOffset, secondOffset) => {
    it('gives PMEM2_E_MAPPING_EXISTS and leaves the first map intact', () => {
      using file = openSource(makeFile('ext4', 8 * MiB));
      using rsv = VmReservation.new(32 * MiB);
      using first = mapNew(rsvConfig(rsv, firstOffset), file.source);
      first.bytes()[0] = 0x11;
      const registered = mappingRegistry.size;
      expectPmem2(
        () => mapNew(rsvConfig(rsv, secondOffset), file.source),
        'PMEM2_E_MAPPING_EXISTS',
        `region of the reservation ${hex(rsv.address)} at the offset ${secondOffset} and length ${8 * MiB} is at least partly occupied by other mapping`,
      );
      expect(mappingRegistry.size).toBe(registered);
      expect(first.read(0, 1)[0]).toBe(0x11);
      expect(mappingsOf(file.path)).toHaveLength(1);
    });
  });

  it('adjacent maps are allowed', () => {
    using file = openSource(makeFile('ext4', 8 * MiB));
    using rsv = VmReservation.new(16 * MiB);
    using low = mapNew(rsvConfig(rsv, 0), file.source);
    using high = mapNew(rsvConfig(rsv, 8 * MiB), file.source);
    expect(high.address - low.address).toBe(BigInt(8 * MiB));
  });

  it('test_vm_reserv_map_invalid_granularity: PMEM2_E_GRANULARITY_NOT_SUPPORTED, range mended', () => {
    using file = openSource(makeFile('ext4'));
    using rsv = VmReservation.new(16 * MiB);
    const cfg = rsvConfig(rsv, 0).setRequiredStoreGranularity(Granularity.BYTE);
    expectPmem2(() => mapNew(cfg, file.source), 'PMEM2_E_GRANULARITY_NOT_SUPPORTED');
    expect(mappingsOf(file.path)).toEqual([]);
    expectReservedOnly(rsv.address, 16 * MiB);
    using map = mapNew(rsvConfig(rsv, 0), file.source);
    expect(map.address).toBe(rsv.address);
  });

  it('a failed mmap inside a reservation leaves the range reserved (read-only fd)', () => {
    using file = openSource(makeFile('ext4'), 'r');
    using rsv = VmReservation.new(16 * MiB);
    expectPmem2(() => mapNew(rsvConfig(rsv, 0), file.source), 'PMEM2_E_NO_ACCESS');
    expectReservedOnly(rsv.address, 16 * MiB);
    rsv.delete();
  });

  it('content length 0 in a reservation: mmap -EINVAL, and the reservation stays deletable', () => {
    using file = openSource(makeFile('ext4', 2 * PAGE));
    const rsv = VmReservation.new(16 * MiB);
    const cfg = rsvConfig(rsv, PAGE).setOffset(2 * PAGE);
    expectPmem2(() => mapNew(cfg, file.source), 'EINVAL', 'mmap: Invalid argument');
    expectReservedOnly(rsv.address, 16 * MiB);
    expect(catchPmem2OrNone(() => rsv.delete())).toBeUndefined();
  });

  it('anonymous memory maps into a reservation too', () => {
    using source = Source.fromAnon(2 * MiB);
    using rsv = VmReservation.new(4 * MiB);
    using map = mapNew(rsvConfig(rsv, 2 * MiB), source);
    map.bytes()[0] = 1;
    expect(map.address).toBe(rsv.address + BigInt(2 * MiB));
  });

  it('a deleted reservation is refused by mapNew and by its own methods', () => {
    using file = openSource(makeFile('ext4'));
    const rsv = VmReservation.new(16 * MiB);
    const cfg = rsvConfig(rsv, 0);
    rsv.delete();
    expectPmem2(() => mapNew(cfg, file.source), 'PMEM2_E_MAPPING_NOT_FOUND');
    expectPmem2(() => rsv.delete(), 'PMEM2_E_MAPPING_NOT_FOUND');
    expectPmem2(() => rsv.size, 'PMEM2_E_MAPPING_NOT_FOUND');
  });

  it('a foreign reservation-like object is a TypeError', () => {
    using file = openSource(makeFile('ext4'));
    const cfg = new Config()
      .setRequiredStoreGranularity(Granularity.PAGE)
      .setVmReservation({ address: 0x7f0000000000n, size: 16 * MiB }, 0);
    expect(() => mapNew(cfg, file.source)).toThrow(TypeError);
  });
});

describe('pmem2_vm_reservation_extend / _shrink', () => {
  it('test_vm_reserv_empty_extend and map_extend (with free space after it)', () => {
    using rsv = VmReservation.new(4 * MiB, freeAddress(32 * MiB));
    rsv.extend(4 * MiB);
    expect(rsv.size).toBe(8 * MiB);
    expectReservedOnly(rsv.address, 8 * MiB);
    using file = openSource(makeFile('ext4', 4 * MiB));
    using map = mapNew(rsvConfig(rsv, 4 * MiB), file.source);
    rsv.extend(2 * MiB);
    expect(rsv.size).toBe(10 * MiB);
    expect(map.address).toBe(rsv.address + BigInt(4 * MiB));
  });

  it('test_vm_reserv_unaligned_extend: PMEM2_E_LENGTH_UNALIGNED', () => {
    using rsv = VmReservation.new(4 * MiB);
    expectPmem2(
      () => rsv.extend(PAGE - 1),
      'PMEM2_E_LENGTH_UNALIGNED',
      'reservation extension size 4095 is not a multiple of 4096',
    );
  });

  it('test_vm_reserv_empty_shrink and map_shrink', () => {
    using rsv = VmReservation.new(16 * MiB);
    const start = rsv.address;
    rsv.shrink(0, 4 * MiB);
    expect(rsv.address).toBe(start + BigInt(4 * MiB));
    expect(rsv.size).toBe(12 * MiB);
    rsv.shrink(8 * MiB, 4 * MiB);
    expect(rsv.size).toBe(8 * MiB);
    using file = openSource(makeFile('ext4', 4 * MiB));
    using map = mapNew(rsvConfig(rsv, 0), file.source);
    rsv.shrink(4 * MiB, 4 * MiB);
    expect(rsv.size).toBe(4 * MiB);
    expect(map.address).toBe(rsv.address);
  });

  it('test_vm_reserv_unaligned_shrink: OFFSET_UNALIGNED, then LENGTH_UNALIGNED', () => {
    using rsv = VmReservation.new(16 * MiB);
    expectPmem2(
      () => rsv.shrink(PAGE - 1, 4 * MiB),
      'PMEM2_E_OFFSET_UNALIGNED',
      'reservation shrink offset 4095 is not a multiple of 4096',
    );
    expectPmem2(
      () => rsv.shrink(0, PAGE - 1),
      'PMEM2_E_LENGTH_UNALIGNED',
      'reservation shrink size 4095 is not a multiple of 4096',
    );
  });

  it('test_vm_reserv_out_of_range_shrink: OFFSET_OUT_OF_RANGE, then LENGTH_OUT_OF_RANGE ×2', () => {
    using rsv = VmReservation.new(16 * MiB);
    expectPmem2(
      () => rsv.shrink(16 * MiB, 4 * MiB),
      'PMEM2_E_OFFSET_OUT_OF_RANGE',
      `reservation shrink offset ${16 * MiB} is out of reservation range`,
    );
    expectPmem2(
      () => rsv.shrink(0, 0),
      'PMEM2_E_LENGTH_OUT_OF_RANGE',
      'reservation shrink size 0 cannot be zero',
    );
    expectPmem2(
      () => rsv.shrink(12 * MiB, 8 * MiB),
      'PMEM2_E_LENGTH_OUT_OF_RANGE',
      `reservation shrink size ${8 * MiB} stands out of reservation range`,
    );
  });

  it('sizes add in size_t as in libpmem2: an end that wraps past 2^64 is "from the middle"', () => {
    using rsv = VmReservation.new(16 * MiB);
    expectPmem2(
      () => rsv.shrink(PAGE, 2n ** 64n - BigInt(PAGE)),
      'PMEM2_E_NOSUPP',
      'shrinking reservation from the middle is not supported',
    );
  });

  it('test_vm_reserv_unsupported_shrink: NOSUPP for the middle and the whole', () => {
    using rsv = VmReservation.new(16 * MiB);
    expectPmem2(
      () => rsv.shrink(4 * MiB, 4 * MiB),
      'PMEM2_E_NOSUPP',
      'shrinking reservation from the middle is not supported',
    );
    expectPmem2(
      () => rsv.shrink(0, 16 * MiB),
      'PMEM2_E_NOSUPP',
      'shrinking whole reservation is not supported',
    );
  });

  it('test_vm_reserv_occupied_region_shrink: PMEM2_E_VM_RESERVATION_NOT_EMPTY', () => {
    using file = openSource(makeFile('ext4', 4 * MiB));
    using rsv = VmReservation.new(16 * MiB);
    using map = mapNew(rsvConfig(rsv, 0), file.source);
    expectPmem2(
      () => rsv.shrink(0, 4 * MiB),
      'PMEM2_E_VM_RESERVATION_NOT_EMPTY',
      `reservation region (offset 0, size ${4 * MiB}) to be shrunk is occupied by a mapping`,
    );
    expect(map.size).toBe(4 * MiB);
  });
});

describe('pmem2_vm_reservation_map_find*', () => {
  function twoMaps() {
    const file = openSource(makeFile('ext4', 4 * MiB));
    const rsv = VmReservation.new(16 * MiB);
    const first = mapNew(rsvConfig(rsv, 2 * MiB), file.source);
    const second = mapNew(rsvConfig(rsv, 8 * MiB), file.source);
    return {
      rsv,
      first,
      second,
      [Symbol.dispose]() {
        first.delete();
        second.delete();
        rsv.delete();
        file[Symbol.dispose]();
      },
    };
  }

  it('test_vm_reserv_one_map_find / two_maps_find', () => {
    using t = twoMaps();
    expect(t.rsv.mapFind(0, 16 * MiB)).toBe(t.first);
    expect(t.rsv.mapFind(2 * MiB, PAGE)).toBe(t.first);
    expect(t.rsv.mapFind(7 * MiB, 2 * MiB)).toBe(t.second);
    expectPmem2(
      () => t.rsv.mapFind(6 * MiB, 2 * MiB),
      'PMEM2_E_MAPPING_NOT_FOUND',
      `mapping not found at the range (offset ${6 * MiB}, size ${2 * MiB}) in reservation ${hex(t.rsv.address)}`,
    );
  });

  it('mapFind as ravl_interval_find: zero length at a start or inside; offsets wrap in size_t', () => {
    using t = twoMaps();
    expect(t.rsv.mapFind(2 * MiB, 0)).toBe(t.first);
    expect(t.rsv.mapFind(3 * MiB, 0)).toBe(t.first);
    expectPmem2(() => t.rsv.mapFind(6 * MiB, 0), 'PMEM2_E_MAPPING_NOT_FOUND');
    expect(t.rsv.mapFind(2n ** 64n - BigInt(PAGE), 4 * MiB)).toBe(t.first);
  });

  it('test_vm_reserv_prev_map_find / next_map_find / first_last_map_find', () => {
    using t = twoMaps();
    expect(t.rsv.mapFindFirst()).toBe(t.first);
    expect(t.rsv.mapFindLast()).toBe(t.second);
    expect(t.rsv.mapFindNext(t.first)).toBe(t.second);
    expect(t.rsv.mapFindPrev(t.second)).toBe(t.first);
  });

  it('test_vm_reserv_same_first_last_map_find', () => {
    using file = openSource(makeFile('ext4', 4 * MiB));
    using rsv = VmReservation.new(16 * MiB);
    using map = mapNew(rsvConfig(rsv, 0), file.source);
    expect(rsv.mapFindFirst()).toBe(map);
    expect(rsv.mapFindLast()).toBe(map);
  });

  it('test_vm_reserv_not_existing_prev_next_map_find: MAPPING_NOT_FOUND ×2', () => {
    using t = twoMaps();
    expectPmem2(
      () => t.rsv.mapFindPrev(t.first),
      'PMEM2_E_MAPPING_NOT_FOUND',
      `mapping previous to mapping ${hex(t.first.address)} not found`,
    );
    expectPmem2(
      () => t.rsv.mapFindNext(t.second),
      'PMEM2_E_MAPPING_NOT_FOUND',
      `mapping next to mapping ${hex(t.second.address)} not found`,
    );
  });

  it('an empty reservation stores no mapping', () => {
    using rsv = VmReservation.new(4 * MiB);
    expectPmem2(
      () => rsv.mapFindFirst(),
      'PMEM2_E_MAPPING_NOT_FOUND',
      `reservation ${hex(rsv.address)} stores no mapping`,
    );
    expectPmem2(() => rsv.mapFindLast(), 'PMEM2_E_MAPPING_NOT_FOUND');
  });
});
