// integration.test.ts -- PMDK's pmem2_integration cases that run without pmem hardware

import { closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { Config, Granularity, Sharing } from '@pmem2/config';
import { Source } from '@pmem2/source';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MemFlags, mapNew } from '../src/index.js';
import {
  BACKENDS,
  expectPmem2,
  MiB,
  makeFile,
  openSource,
  PAGE,
  prepareConfig,
} from './helpers.js';

beforeEach(() => {
  vi.stubEnv('PMEM2_FORCE_GRANULARITY', undefined);
});

/** A file of `size` bytes whose byte i is a function of i. */
function patternFile(backend: (typeof BACKENDS)[number], size: number): string {
  const path = makeFile(backend, size);
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 12)) & 0xff;
  writeFileSync(path, bytes);
  return path;
}

describe.each(BACKENDS)('pmem2_integration on %s', (backend) => {
  const SIZE = 16 * MiB;

  it('test_reuse_cfg: one config maps twice', () => {
    using file = openSource(makeFile(backend));
    const cfg = prepareConfig();
    using first = mapNew(cfg, file.source);
    using second = mapNew(cfg, file.source);
    expect(second.address).not.toBe(first.address);
    expect([first.size, second.size]).toEqual([SIZE, SIZE]);
  });

  it('test_reuse_cfg_with_diff_fd: one config, two fds', () => {
    using file1 = openSource(makeFile(backend));
    using file2 = openSource(makeFile(backend, 2 * MiB));
    const cfg = prepareConfig();
    using first = mapNew(cfg, file1.source);
    using second = mapNew(cfg, file2.source);
    expect([first.size, second.size]).toEqual([SIZE, 2 * MiB]);
  });

  it('test_use_misc_lens_and_offsets: the mapped bytes equal the file content', () => {
    const path = patternFile(backend, SIZE);
    const content = readFileSync(path);
    using file = openSource(path);
    const pairs: Array<[number, number]> = [
      [0, 0],
      [0, PAGE],
      [PAGE, PAGE],
      [PAGE, 2 * MiB],
      [3 * PAGE, SIZE - 4 * PAGE],
      [SIZE - PAGE, PAGE],
      [SIZE - PAGE, 0],
      [8 * MiB, 8 * MiB],
    ];
    for (const [offset, length] of pairs) {
      using map = mapNew(prepareConfig(offset, length), file.source);
      const expected = content.subarray(offset, length === 0 ? SIZE : offset + length);
      expect(map.size).toBe(expected.length);
      expect(Buffer.from(map.read(0, map.size)).equals(expected)).toBe(true);
    }
  });

  it('test_len_not_aligned: ALIGN_DOWN(len) - 1 gives PMEM2_E_LENGTH_UNALIGNED', () => {
    using file = openSource(makeFile(backend));
    expectPmem2(
      () => mapNew(prepareConfig(0, SIZE - 1), file.source),
      'PMEM2_E_LENGTH_UNALIGNED',
      'length is not a multiple of 4096',
    );
  });

  it('test_len_aligned: maps with the aligned length', () => {
    using file = openSource(makeFile(backend));
    using map = mapNew(prepareConfig(0, SIZE - PAGE), file.source);
    expect(map.size).toBe(SIZE - PAGE);
  });

  it('test_offset_not_aligned: align - 1 gives PMEM2_E_OFFSET_UNALIGNED', () => {
    using file = openSource(makeFile(backend));
    expectPmem2(
      () => mapNew(prepareConfig(PAGE - 1, 0), file.source),
      'PMEM2_E_OFFSET_UNALIGNED',
      'offset is not a multiple of 4096',
    );
  });

  it('test_offset_aligned: offset = align, length = ALIGN_DOWN(len / 2)', () => {
    using file = openSource(makeFile(backend));
    using map = mapNew(prepareConfig(PAGE, SIZE / 2), file.source);
    expect(map.size).toBe(SIZE / 2);
  });

  it('test_mem_move_cpy_set_with_map_private: mem functions work on PRIVATE maps', () => {
    const path = makeFile(backend, 2 * MiB);
    using file = openSource(path);
    using map = mapNew(prepareConfig().setSharing(Sharing.PRIVATE), file.source);
    expect(map.storeGranularity).toBe(Granularity.BYTE);
    map.memset(0, 0xab, 1024, MemFlags.NONTEMPORAL);
    map.memcpy(2048, map.read(0, 512));
    map.memmove(100, 0, 1024);
    map.memmove(0, 100, 1024, MemFlags.NOFLUSH);
    map.drain();
    expect(map.read(2048, 512)).toEqual(new Uint8Array(512).fill(0xab));
    expect(map.read(1024, 100)).toEqual(new Uint8Array(100).fill(0xab));
    expect(readFileSync(path).subarray(0, 4096)).toEqual(Buffer.alloc(4096));
  });

  it('test_unaligned_persist: persist of an unaligned range works', () => {
    using file = openSource(makeFile(backend));
    using map = mapNew(prepareConfig(), file.source);
    map.bytes().fill(7, 4097, 4197);
    map.persist(4097, 100);
    map.flush(1, 4095);
    map.drain();
    const fd = openSync(file.path, 'r');
    const back = Buffer.alloc(100);
    readSync(fd, back, 0, 100, 4097);
    closeSync(fd);
    expect(back).toEqual(Buffer.alloc(100, 7));
  });
});

describe('pmem2_integration test_source_anon_*', () => {
  const SOURCE = 1024 * MiB;

  it.each([
    ['test_source_anon_private', Sharing.PRIVATE, Granularity.BYTE, MiB],
    ['test_source_anon_shared', Sharing.SHARED, Granularity.BYTE, MiB],
    ['test_source_anon_page', Sharing.SHARED, Granularity.PAGE, MiB],
    ['test_source_anon_zero_len', Sharing.SHARED, Granularity.BYTE, 0],
  ])('%s', (_name, sharing, required, length) => {
    using source = Source.fromAnon(SOURCE);
    expectPmem2(() => source.deviceId(), 'PMEM2_E_NOSUPP');
    expectPmem2(() => source.deviceUsc(), 'PMEM2_E_NOSUPP');
    expectPmem2(() => source.numaNode(), 'PMEM2_E_NOSUPP');
    expect(source.alignment()).toBeGreaterThanOrEqual(PAGE);
    expect(source.size()).toBe(SOURCE);
    const cfg = new Config()
      .setRequiredStoreGranularity(required)
      .setSharing(sharing)
      .setOffset(PAGE)
      .setLength(length);
    const map = mapNew(cfg, source);
    expect(map.size).toBe(length === 0 ? SOURCE : length);
    expect(map.storeGranularity).toBe(Granularity.BYTE);
    map.memset(0, 1, PAGE);
    expect(map.read(PAGE - 1, 2)).toEqual(new Uint8Array([1, 0]));
    map.delete();
  });

  it('test_source_anon_too_small: a 1 KiB map gives PMEM2_E_LENGTH_UNALIGNED', () => {
    using source = Source.fromAnon(SOURCE);
    expectPmem2(
      () => mapNew(prepareConfig(0, 1024), source),
      'PMEM2_E_LENGTH_UNALIGNED',
      'length is not a multiple of 4096',
    );
  });
});
