// map.test.ts -- PMDK's pmem2_map (TEST0–TEST30) on ext4, tmpfs and anonymous memory, under
// every PMEM2_FORCE_GRANULARITY value (anonymous memory and file size changes: map-anon.test.ts)

import { closeSync } from 'node:fs';
import { Config, Granularity, Protection, Sharing } from '@pmem2/config';
import { binding } from '@pmem2/native';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mapNew, type Pmem2Map } from '../src/index.js';
import { mappingRegistry } from '../src/registry.js';
import {
  BACKENDS,
  type Backend,
  expectPmem2,
  FORCES,
  type Force,
  MiB,
  makeFile,
  mappingsOf,
  openSource,
  PAGE,
  prepareConfig,
  procMaps,
  TEST_FILE_SIZE,
} from './helpers.js';

const FORCED: Record<NonNullable<Force>, Granularity> = {
  byte: Granularity.BYTE,
  cache_line: Granularity.CACHE_LINE,
  page: Granularity.PAGE,
};

/** The granularity a shared file mapping gets here: no MAP_SYNC off DAX → PAGE unless forced. */
function sharedFileGranularity(force: Force): Granularity {
  return force === undefined ? Granularity.PAGE : FORCED[force];
}

/** Large anonymous read-only mappings (the shape of the PROT_READ placeholder) by address. */
function largeAnonymousMappings(minimum: number): string[] {
  return procMaps()
    .filter((l) => l.path === '' && l.perms === 'r--p' && l.end - l.start >= BigInt(minimum))
    .map((l) => `${l.start.toString(16)}-${l.end.toString(16)} ${l.perms}`);
}

/** Asserts that a failed mapNew left no mapping of `path`, no placeholder, no registry entry. */
function expectNothingLeft(path: string | undefined, before: { registry: number; anon: string[] }) {
  if (path !== undefined) expect(mappingsOf(path)).toEqual([]);
  expect(mappingRegistry.size).toBe(before.registry);
  expect(largeAnonymousMappings(4 * MiB)).toEqual(before.anon);
}

function snapshot() {
  return { registry: mappingRegistry.size, anon: largeAnonymousMappings(4 * MiB) };
}

describe.each(FORCES)('pmem2_map with PMEM2_FORCE_GRANULARITY=%s', (force) => {
  beforeEach(() => {
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', force);
  });

  describe.each(BACKENDS)('file on %s', (backend: Backend) => {
    it('TEST0 test_map_rdrw_file: maps an O_RDWR file with granularity PAGE', () => {
      using file = openSource(makeFile(backend));
      using map = mapNew(prepareConfig(), file.source);
      expect(map.size).toBe(TEST_FILE_SIZE);
      expect(map.storeGranularity).toBe(sharedFileGranularity(force));
      expect(mappingsOf(file.path)).toHaveLength(1);
    });

    it('TEST2 test_map_rdonly_file: O_RDONLY fd with READ|WRITE shared gives PMEM2_E_NO_ACCESS and leaves nothing', () => {
      using file = openSource(makeFile(backend), 'r');
      const before = snapshot();
      const e = expectPmem2(
        () => mapNew(prepareConfig(), file.source),
        'PMEM2_E_NO_ACCESS',
        'mmap: Permission denied',
      );
      expect(e.errno).toBe(-100032);
      expectNothingLeft(file.path, before);
    });

    it('TEST4 test_map_valid_ranges: content length follows offset/length', () => {
      using file = openSource(makeFile(backend));
      const size2 = Math.floor(TEST_FILE_SIZE / 2 / PAGE) * PAGE;
      const cases: Array<[number, number, number]> = [
        [0, 0, TEST_FILE_SIZE],
        [0, TEST_FILE_SIZE, TEST_FILE_SIZE],
        [0, size2, size2],
        [PAGE, size2, size2],
      ];
      for (const [offset, length, expected] of cases) {
        using map = mapNew(prepareConfig(offset, length), file.source);
        expect(map.size).toBe(expected);
      }
    });

    it('TEST6 test_map_invalid_ranges: past the end gives PMEM2_E_MAP_RANGE twice', () => {
      using file = openSource(makeFile(backend));
      const size2 = TEST_FILE_SIZE / 2;
      const before = snapshot();
      expectPmem2(
        () => mapNew(prepareConfig(size2 + 4 * MiB, size2), file.source),
        'PMEM2_E_MAP_RANGE',
        'mapping larger than file size',
      );
      expectPmem2(
        () => mapNew(prepareConfig(2 * TEST_FILE_SIZE, 0), file.source),
        'PMEM2_E_MAP_RANGE',
        'mapping larger than file size',
      );
      expectNothingLeft(file.path, before);
    });

    it('TEST6b: offset + length overflowing size_t gives PMEM2_E_MAP_RANGE "overflow of offset and length"', () => {
      using file = openSource(makeFile(backend));
      const cfg = prepareConfig(2n ** 63n - 4096n, 2n ** 64n - 4096n);
      expectPmem2(
        () => mapNew(cfg, file.source),
        'PMEM2_E_MAP_RANGE',
        'overflow of offset and length',
      );
    });

    it('TEST8 test_map_invalid_alignment: offset 1 KiB gives PMEM2_E_OFFSET_UNALIGNED', () => {
      using file = openSource(makeFile(backend));
      expectPmem2(
        () => mapNew(prepareConfig(1024, TEST_FILE_SIZE / 2), file.source),
        'PMEM2_E_OFFSET_UNALIGNED',
        'offset is not a multiple of 4096',
      );
    });

    it('TEST10 test_map_invalid_fd: a closed fd fails in the size check with PMEM2_E_INVALID_FILE_HANDLE', () => {
      using file = openSource(makeFile(backend));
      closeSync(file.fd);
      expectPmem2(
        () => mapNew(prepareConfig(), file.source),
        'PMEM2_E_INVALID_FILE_HANDLE',
        'fstat: Bad file descriptor',
      );
    });

    it('TEST11 test_unmap_valid: delete unmaps and unregisters', () => {
      using file = openSource(makeFile(backend));
      const registered = mappingRegistry.size;
      const map = mapNew(prepareConfig(), file.source);
      expect(mappingRegistry.size).toBe(registered + 1);
      map.delete();
      expect(mappingRegistry.size).toBe(registered);
      expect(mappingsOf(file.path)).toEqual([]);
      expectPmem2(() => map.size, 'PMEM2_E_MAPPING_NOT_FOUND');
    });

    it('TEST13 test_unmap_zero_length (as a second delete): PMEM2_E_MAPPING_NOT_FOUND', () => {
      using file = openSource(makeFile(backend));
      const map = mapNew(prepareConfig(), file.source);
      const address = map.address;
      map.delete();
      expectPmem2(
        () => map.delete(),
        'PMEM2_E_MAPPING_NOT_FOUND',
        `Cannot find mapping 0x${address.toString(16)} to delete`,
      );
      for (const call of [
        () => map.persist(0, 1),
        () => map.flush(0, 1),
        () => map.drain(),
        () => map.buffer,
        () => map.read(0, 1),
        () => map.memset(0, 0, 1),
        () => map.storeGranularity,
        () => map.address,
      ]) {
        expectPmem2(call, 'PMEM2_E_MAPPING_NOT_FOUND');
      }
    });

    it('TEST18 test_map_get_address: the address is where /proc/self/maps shows the file', () => {
      using file = openSource(makeFile(backend));
      using map = mapNew(prepareConfig(), file.source);
      const [line] = mappingsOf(file.path);
      expect(line?.start).toBe(map.address);
      expect(line?.end).toBe(map.address + BigInt(map.size));
    });

    it('TEST19 test_map_get_size: a 16 KiB file maps with size 16384', () => {
      using file = openSource(makeFile(backend, 16384));
      using map = mapNew(prepareConfig(), file.source);
      expect(map.size).toBe(16384);
    });

    it('TEST20 test_get_granularity_simple: the effective granularity is reported', () => {
      using file = openSource(makeFile(backend));
      using shared = mapNew(prepareConfig(), file.source);
      using priv = mapNew(prepareConfig().setSharing(Sharing.PRIVATE), file.source);
      expect(shared.storeGranularity).toBe(sharedFileGranularity(force));
      expect(priv.storeGranularity).toBe(Granularity.BYTE);
    });

    it('TEST21 test_map_unaligned_length: 3 KiB length gives PMEM2_E_LENGTH_UNALIGNED', () => {
      using file = openSource(makeFile(backend, 3 * 1024));
      expectPmem2(
        () => mapNew(prepareConfig(0, 3 * 1024), file.source),
        'PMEM2_E_LENGTH_UNALIGNED',
        'length is not a multiple of 4096',
      );
    });

    it('TEST22 test_map_larger_than_unaligned_file_size: 16 MiB of a 16 MiB-1 file gives PMEM2_E_MAP_RANGE', () => {
      using file = openSource(makeFile(backend, TEST_FILE_SIZE - 1));
      expectPmem2(
        () => mapNew(prepareConfig(0, TEST_FILE_SIZE), file.source),
        'PMEM2_E_MAP_RANGE',
        'mapping larger than file size',
      );
    });

    it('TEST22b: an unaligned file maps to its end with an unaligned size (16 MiB-1, 5000)', () => {
      for (const size of [TEST_FILE_SIZE - 1, 5000]) {
        using file = openSource(makeFile(backend, size));
        using map = mapNew(prepareConfig(), file.source);
        expect(map.size).toBe(size);
      }
    });

    it('TEST23 test_map_zero_file_size: an empty file gives PMEM2_E_SOURCE_EMPTY', () => {
      using file = openSource(makeFile(backend, 0));
      expectPmem2(
        () => mapNew(prepareConfig(), file.source),
        'PMEM2_E_SOURCE_EMPTY',
        'file length is equal 0',
      );
    });

    it('TEST24 test_map_sharing_shared: a write through one shared map is visible in the other', () => {
      using file = openSource(makeFile(backend));
      using map1 = mapNew(prepareConfig(), file.source);
      using map2 = mapNew(prepareConfig(), file.source);
      map2.memcpy(0, new TextEncoder().encode('Write Read'));
      expect(new TextDecoder().decode(map1.read(0, 10))).toBe('Write Read');
    });

    it('TEST25 test_map_sharing_private: a write through a private map is not visible', () => {
      using file = openSource(makeFile(backend));
      using map1 = mapNew(prepareConfig(), file.source);
      using map2 = mapNew(prepareConfig().setSharing(Sharing.PRIVATE), file.source);
      map2.memcpy(0, new TextEncoder().encode('Write Read'));
      expect(map1.read(0, 10)).toEqual(new Uint8Array(10));
      expect(new TextDecoder().decode(map2.read(0, 10))).toBe('Write Read');
    });

    it('TEST26 test_map_sharing_private_with_reopened_fd: not visible either', () => {
      const path = makeFile(backend);
      using file1 = openSource(path);
      using map1 = mapNew(prepareConfig(), file1.source);
      using file2 = openSource(path);
      using map2 = mapNew(prepareConfig().setSharing(Sharing.PRIVATE), file2.source);
      map2.bytes().set([1, 2, 3, 4]);
      expect(map1.read(0, 4)).toEqual(new Uint8Array(4));
    });

    it('TEST27 test_map_sharing_private_rdonly_file: O_RDONLY + PRIVATE maps and writes (copy-on-write)', () => {
      using file = openSource(makeFile(backend), 'r');
      using map = mapNew(prepareConfig().setSharing(Sharing.PRIVATE), file.source);
      map.memset(0, 0x5a, 4096);
      expect(map.read(0, 4)).toEqual(new Uint8Array([0x5a, 0x5a, 0x5a, 0x5a]));
    });

    it('TEST29 test_map_huge_alignment: a 16 MiB mapping starts on a 2 MiB boundary', () => {
      using file = openSource(makeFile(backend));
      using map = mapNew(prepareConfig(), file.source);
      expect(map.address % BigInt(2 * MiB)).toBe(0n);
    });

    it('TEST30 test_map_huge_alignment: a 16 KiB mapping is page aligned', () => {
      using file = openSource(makeFile(backend, 16 * 1024));
      using map = mapNew(prepareConfig(), file.source);
      expect(map.address % BigInt(PAGE)).toBe(0n);
    });

    it('quirk: offset == file size with length 0 passes the checks and fails in mmap with -EINVAL', () => {
      using file = openSource(makeFile(backend));
      const before = snapshot();
      const e = expectPmem2(
        () => mapNew(prepareConfig(TEST_FILE_SIZE, 0), file.source),
        'EINVAL',
        'mmap: Invalid argument',
      );
      expect(e.errno).toBe(-22);
      expectNothingLeft(file.path, before);
    });

    it('granularity not set comes first: PMEM2_E_GRANULARITY_NOT_SET even with a bad offset', () => {
      using file = openSource(makeFile(backend, 0));
      expectPmem2(
        () => mapNew(new Config().setOffset(1), file.source),
        'PMEM2_E_GRANULARITY_NOT_SET',
        'please define the max granularity requested for the mapping',
      );
    });

    it('an unavailable granularity is undone: nothing of the file stays mapped', () => {
      using file = openSource(makeFile(backend));
      const cfg = new Config().setRequiredStoreGranularity(Granularity.BYTE);
      const available = sharedFileGranularity(force);
      const before = snapshot();
      if (available === Granularity.BYTE) {
        using map = mapNew(cfg, file.source);
        expect(map.storeGranularity).toBe(Granularity.BYTE);
        return;
      }
      expectPmem2(() => mapNew(cfg, file.source), 'PMEM2_E_GRANULARITY_NOT_SUPPORTED');
      expectNothingLeft(file.path, before);
    });

    it('persist/flush/drain follow the granularity (§5.2) and are bounds-checked', () => {
      using file = openSource(makeFile(backend));
      using map = mapNew(prepareConfig(), file.source);
      map.bytes()[5000] = 7;
      map.persist(4999, 2);
      const op = binding.lastOp();
      const g = map.storeGranularity;
      expect(op.msynced).toBe(g === Granularity.PAGE);
      expect(op.flushed).toBe(g === Granularity.CACHE_LINE);
      expect(op.drained).toBe(g !== Granularity.PAGE);
      map.flush(0, map.size);
      map.drain();
      map.persist(map.size, 0);
      expectPmem2(() => map.persist(map.size - 1, 2), 'PMEM2_E_MAP_RANGE');
      expectPmem2(() => map.flush(-1, 1), 'PMEM2_E_MAP_RANGE');
      expectPmem2(() => map.persist(0, Number.NaN), 'PMEM2_E_MAP_RANGE');
    });

    it('read-only mapping: no buffer (PMEM2_E_NO_ACCESS), read() copies', () => {
      const path = makeFile(backend);
      {
        using rw = openSource(path);
        using map = mapNew(prepareConfig(), rw.source);
        map.memcpy(100, new Uint8Array([9, 8, 7]));
      }
      using file = openSource(path, 'r');
      using map = mapNew(prepareConfig().setProtection(Protection.READ), file.source);
      const e = expectPmem2(() => map.buffer, 'PMEM2_E_NO_ACCESS');
      expect(e.message).toMatch(/read\(/);
      expectPmem2(() => map.bytes(), 'PMEM2_E_NO_ACCESS');
      expectPmem2(() => map.memset(0, 1, 1), 'PMEM2_E_NO_ACCESS');
      expect(map.read(100, 3)).toEqual(new Uint8Array([9, 8, 7]));
      const target = new Uint16Array(2);
      expect(map.read(100, target)).toBe(target);
      expect(new Uint8Array(target.buffer)).toEqual(new Uint8Array([9, 8, 7, 0]));
      expectPmem2(() => map.read(map.size - 1, 2), 'PMEM2_E_MAP_RANGE');
    });

    it('PROT_NONE mapping: no buffer and no read', () => {
      using file = openSource(makeFile(backend));
      using map = mapNew(prepareConfig().setProtection(Protection.NONE), file.source);
      expectPmem2(() => map.buffer, 'PMEM2_E_NO_ACCESS');
      expectPmem2(() => map.read(0, 1), 'PMEM2_E_NO_ACCESS');
      expect(mappingsOf(file.path)[0]?.perms).toBe('---s');
      if (map.storeGranularity === Granularity.CACHE_LINE) {
        expectPmem2(() => map.persist(0, 1), 'PMEM2_E_NO_ACCESS'); // the flush would fault
      } else {
        map.persist(0, map.size); // msync or a fence: no access to the pages
      }
    });

    it('delete detaches the buffer: views read as length 0', () => {
      using file = openSource(makeFile(backend));
      const map: Pmem2Map = mapNew(prepareConfig(), file.source);
      const view = map.bytes();
      expect(view.length).toBe(TEST_FILE_SIZE);
      map.delete();
      expect(view.length).toBe(0);
      expect(view[0]).toBeUndefined();
    });
  });
});
