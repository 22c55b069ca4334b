// map-anon.test.ts -- PMDK's pmem2_map on anonymous memory under every
// PMEM2_FORCE_GRANULARITY value, and mappings of a file whose size changes

import { closeSync, ftruncateSync, openSync } from 'node:fs';
import { Granularity, Sharing } from '@pmem2/config';
import { binding } from '@pmem2/native';
import { Source } from '@pmem2/source';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mapNew } from '../src/index.js';
import { jsFenceCount } from '../src/persist-ops.js';
import {
  expectPmem2,
  FORCES,
  MiB,
  makeFile,
  mappingsIn,
  openSource,
  PAGE,
  prepareConfig,
} from './helpers.js';

describe.each(FORCES)('pmem2_map with PMEM2_FORCE_GRANULARITY=%s', (force) => {
  beforeEach(() => {
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', force);
  });

  describe('anonymous memory', () => {
    const SIZE = 16 * MiB;

    it('TEST0: maps anonymous memory, always with BYTE granularity (even forced)', () => {
      using source = Source.fromAnon(SIZE);
      using map = mapNew(prepareConfig(), source);
      expect(map.size).toBe(SIZE);
      expect(map.storeGranularity).toBe(Granularity.BYTE);
      using priv = mapNew(prepareConfig().setSharing(Sharing.PRIVATE), source);
      expect(priv.storeGranularity).toBe(Granularity.BYTE);
    });

    it('TEST4: the offset is validated, counted in the range, then ignored (maps at 0)', () => {
      using source = Source.fromAnon(SIZE);
      using whole = mapNew(prepareConfig(PAGE, 0), source);
      expect(whole.size).toBe(SIZE);
      using part = mapNew(prepareConfig(PAGE, SIZE / 2), source);
      expect(part.size).toBe(SIZE / 2);
      expectPmem2(
        () => mapNew(prepareConfig(PAGE, SIZE), source),
        'PMEM2_E_MAP_RANGE',
        'mapping larger than file size',
      );
    });

    it('TEST8: unaligned offset gives PMEM2_E_OFFSET_UNALIGNED', () => {
      using source = Source.fromAnon(SIZE);
      expectPmem2(
        () => mapNew(prepareConfig(1024, 0), source),
        'PMEM2_E_OFFSET_UNALIGNED',
        'offset is not a multiple of 4096',
      );
    });

    it('TEST11/TEST13: delete, then a second delete gives PMEM2_E_MAPPING_NOT_FOUND', () => {
      using source = Source.fromAnon(SIZE);
      const map = mapNew(prepareConfig(), source);
      const address = map.address;
      expect(mappingsIn(address, address + 1n)).toHaveLength(1);
      map.delete();
      expect(mappingsIn(address, address + BigInt(SIZE))).toEqual([]);
      expectPmem2(() => map.delete(), 'PMEM2_E_MAPPING_NOT_FOUND');
    });

    it('TEST23: an empty anonymous source gives PMEM2_E_SOURCE_EMPTY', () => {
      using source = Source.fromAnon(0);
      expectPmem2(() => mapNew(prepareConfig(), source), 'PMEM2_E_SOURCE_EMPTY');
    });

    it('TEST29/TEST30: 16 MiB on a 2 MiB boundary; 16 KiB page aligned; zero-filled', () => {
      using big = Source.fromAnon(SIZE);
      using bigMap = mapNew(prepareConfig(), big);
      expect(bigMap.address % BigInt(2 * MiB)).toBe(0n);
      using small = Source.fromAnon(16 * 1024);
      using smallMap = mapNew(prepareConfig(), small);
      expect(smallMap.address % BigInt(PAGE)).toBe(0n);
      expect(smallMap.read(0, 16)).toEqual(new Uint8Array(16));
    });

    it('a mapping of 2 GiB or more starts on a 1 GiB boundary', () => {
      using source = Source.fromAnon(2048 * MiB);
      using map = mapNew(prepareConfig(), source);
      expect(map.address % BigInt(1024 * MiB)).toBe(0n);
    });

    it('a placeholder that cannot be placed (2^47 bytes) gives -ENOMEM "mmap MAP_ANONYMOUS: …"', () => {
      using source = Source.fromAnon(2 ** 47);
      expectPmem2(
        () => mapNew(prepareConfig(), source),
        'ENOMEM',
        'mmap MAP_ANONYMOUS: Cannot allocate memory',
      );
    });

    it.each([
      [2n ** 63n, 'mmap MAP_ANONYMOUS: Cannot allocate memory'],
      [2n ** 64n - 1n, 'mmap: Cannot allocate memory'], // libpmem2's placeholder size wraps
    ])('an anonymous source of %s bytes fails -ENOMEM with %j', (size, text) => {
      using source = Source.fromAnon(size);
      expectPmem2(() => mapNew(prepareConfig(), source), 'ENOMEM', text);
    });

    it('a failed mmap of the source after the placeholder gives "mmap: …"', () => {
      using file = openSource(makeFile('ext4', 2 * PAGE));
      expectPmem2(
        () => mapNew(prepareConfig(2 * PAGE, 0), file.source),
        'EINVAL',
        'mmap: Invalid argument',
      );
    });

    it('persist on BYTE granularity only fences (in JavaScript on x86_64)', () => {
      using source = Source.fromAnon(SIZE);
      using map = mapNew(prepareConfig(), source);
      map.bytes()[1] = 1;
      binding.drain(); // lastOp: drained, so a native persist's reset would show
      const fences = jsFenceCount();
      map.persist(0, 2);
      const x64 = process.arch === 'x64';
      expect(jsFenceCount() - fences).toBe(x64 ? 1 : 0);
      expect(binding.lastOp()).toMatchObject({ msynced: false, flushed: false, drained: true });
    });
  });
});

describe('file size changes', () => {
  it('the source size is re-read on every mapNew (a grown file maps larger)', () => {
    using file = openSource(makeFile('ext4', PAGE));
    using small = mapNew(prepareConfig(), file.source);
    ftruncateSync(file.fd, 4 * PAGE);
    using large = mapNew(prepareConfig(), file.source);
    expect([small.size, large.size]).toEqual([PAGE, 4 * PAGE]);
  });

  it('a map outlives the fd it was made from', () => {
    const path = makeFile('ext4', PAGE);
    const fd = openSync(path, 'r+');
    const source = Source.fromFd(fd);
    using map = mapNew(prepareConfig(), source);
    source.delete();
    closeSync(fd);
    map.bytes()[0] = 42;
    map.persist(0, 1);
    expect(map.read(0, 1)[0]).toBe(42);
  });
});
