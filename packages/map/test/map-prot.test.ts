// map-prot.test.ts -- PMDK's pmem2_map_prot: fd mode × protection × sharing. Where C dies
// (a store to a read-only mapping, any access to PROT_NONE), @pmem2 refuses with
// PMEM2_E_NO_ACCESS instead.

import { readFileSync } from 'node:fs';
import { Config, Granularity, Protection, Sharing } from '@pmem2/config';
import { binding } from '@pmem2/native';
import { Source } from '@pmem2/source';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemFlags, mapNew } from '../src/index.js';
import { catchPmem2, expectPmem2, MiB, makeFile, mappingsOf, openSource } from './helpers.js';

const { NONE, READ, WRITE, EXEC } = Protection;
const RW = (READ | WRITE) >>> 0;

/** Whether the file system holding `path` is mounted noexec (PROT_EXEC then fails: EPERM). */
function noexec(path: string): boolean {
  const lines = readFileSync('/proc/self/mountinfo', 'utf8').trim().split('\n');
  const mounts = lines
    .map((l) => l.split(' '))
    .map((f) => ({ point: f[4] ?? '', options: f[5] ?? '' }));
  const best = mounts
    .filter((m) => path === m.point || path.startsWith(m.point === '/' ? '/' : `${m.point}/`))
    .sort((a, b) => b.point.length - a.point.length)[0];
  return best?.options.split(',').includes('noexec') ?? false;
}

function config(protection: number, sharing: Sharing = Sharing.SHARED): Config {
  return new Config()
    .setRequiredStoreGranularity(Granularity.PAGE)
    .setProtection(protection)
    .setSharing(sharing);
}

describe.each(['ext4', 'tmpfs'] as const)('pmem2_map_prot on %s', (backend) => {
  it('rw fd + READ|WRITE: maps; stores through the buffer reach the file', () => {
    using file = openSource(makeFile(backend, MiB));
    using map = mapNew(config(RW), file.source);
    map.bytes()[5] = 0x42;
    map.persist(5, 1);
    expect(readFileSync(file.path)[5]).toBe(0x42);
  });

  it('r fd + READ|WRITE shared: PMEM2_E_NO_ACCESS', () => {
    using file = openSource(makeFile(backend, MiB), 'r');
    expectPmem2(
      () => mapNew(config(RW), file.source),
      'PMEM2_E_NO_ACCESS',
      'mmap: Permission denied',
    );
    expect(mappingsOf(file.path)).toEqual([]);
  });

  it('r fd + WRITE alone shared: PMEM2_E_NO_ACCESS', () => {
    using file = openSource(makeFile(backend, MiB), 'r');
    expectPmem2(() => mapNew(config(WRITE), file.source), 'PMEM2_E_NO_ACCESS');
  });

  it('rw fd + READ: maps read-only; no buffer (C: a store is SIGSEGV); read() works', () => {
    using file = openSource(makeFile(backend, MiB));
    using map = mapNew(config(READ), file.source);
    expect(mappingsOf(file.path)[0]?.perms).toBe('r--s');
    expectPmem2(() => map.bytes(), 'PMEM2_E_NO_ACCESS');
    expectPmem2(() => map.memset(0, 1, 1), 'PMEM2_E_NO_ACCESS');
    expect(map.read(0, 4)).toEqual(new Uint8Array(4));
  });

  it('rw fd + NONE: maps ---s; every access is refused (C: SIGSEGV)', () => {
    using file = openSource(makeFile(backend, MiB));
    using map = mapNew(config(NONE), file.source);
    expect(mappingsOf(file.path)[0]?.perms).toBe('---s');
    for (const access of [
      () => map.buffer,
      () => map.read(0, 1),
      () => map.memcpy(0, new Uint8Array(1)),
    ]) {
      expectPmem2(access, 'PMEM2_E_NO_ACCESS');
    }
  });

  it('r fd + READ|WRITE private: maps copy-on-write; stores stay in the process', () => {
    using file = openSource(makeFile(backend, MiB), 'r');
    using map = mapNew(config(RW, Sharing.PRIVATE), file.source);
    expect(mappingsOf(file.path)[0]?.perms).toBe('rw-p');
    map.bytes()[0] = 1;
    expect(readFileSync(file.path)[0]).toBe(0);
  });

  it.each([
    ['r fd, READ|EXEC', 'r', (READ | EXEC) >>> 0, Sharing.SHARED, 'r-xs'],
    ['rw fd, READ|WRITE|EXEC', 'r+', (READ | WRITE | EXEC) >>> 0, Sharing.SHARED, 'rwxs'],
    ['r fd, READ|WRITE|EXEC private', 'r', (READ | WRITE | EXEC) >>> 0, Sharing.PRIVATE, 'rwxp'],
  ] as const)(
    '%s: an executable mapping (or EPERM on a noexec mount)',
    (_name, mode, prot, sharing, perms) => {
      using file = openSource(makeFile(backend, MiB), mode);
      if (noexec(file.path)) {
        const e = catchPmem2(() => mapNew(config(prot, sharing), file.source));
        expect([e.code, e.libpmem2Message]).toEqual(['EPERM', 'mmap: Operation not permitted']);
        return;
      }
      using map = mapNew(config(prot, sharing), file.source);
      expect(mappingsOf(file.path)[0]?.perms).toBe(perms);
      if (perms === 'r-xs')
        expectPmem2(() => map.buffer, 'PMEM2_E_NO_ACCESS'); // C: store → SIGSEGV
      else expect(map.bytes().length).toBe(MiB);
    },
  );
});

// libpmem2 maps PROT_WRITE alone and stores succeed. Here the stores go through the mem
// functions (a view would be readable); no flush instruction touches the unreadable lines
// (cache-line flushes are permission-checked as loads), msync or a drain persists instead.
describe.each(['ext4', 'tmpfs'] as const)('write-only mappings on %s', (backend) => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('PAGE: memcpy and memset reach the file; buffer, read and memmove (they read) are refused', () => {
    using file = openSource(makeFile(backend, MiB));
    using map = mapNew(config(WRITE), file.source);
    expect(mappingsOf(file.path)[0]?.perms).toBe('-w-s');
    map.memcpy(10, new Uint8Array([1, 2, 3]));
    expect(binding.lastOp()).toMatchObject({ store: 't', flushed: false, msynced: true });
    map.memset(MiB - 5, 0xab, 5);
    const onDisk = readFileSync(file.path);
    expect([...onDisk.subarray(10, 13)]).toEqual([1, 2, 3]);
    expect([...onDisk.subarray(MiB - 5)]).toEqual([0xab, 0xab, 0xab, 0xab, 0xab]);
    expectPmem2(() => map.bytes(), 'PMEM2_E_NO_ACCESS');
    expectPmem2(() => map.read(0, 1), 'PMEM2_E_NO_ACCESS');
    const e = expectPmem2(() => map.memmove(0, 10, 3), 'PMEM2_E_NO_ACCESS');
    expect(e.message).toContain('memmove needs a mapping with READ and WRITE protection');
  });

  it('PAGE: NOFLUSH stores, then persist (msync) makes them durable', () => {
    using file = openSource(makeFile(backend, MiB));
    using map = mapNew(config(WRITE), file.source);
    map.memset(4096, 7, 100, MemFlags.NOFLUSH);
    expect(binding.lastOp()).toMatchObject({ store: 't', flushed: false, msynced: false });
    map.persist(4096, 100);
    expect(readFileSync(file.path)[4195]).toBe(7);
  });

  it('forced CACHE_LINE: stores msync instead of flushing lines; persist (a flush) is refused', () => {
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', 'cache_line');
    using file = openSource(makeFile(backend, MiB));
    using map = mapNew(
      new Config().setRequiredStoreGranularity(Granularity.CACHE_LINE).setProtection(WRITE),
      file.source,
    );
    expect(map.storeGranularity).toBe(Granularity.CACHE_LINE);
    map.memcpy(64, new Uint8Array([9, 8]), MemFlags.NODRAIN);
    expect(binding.lastOp()).toMatchObject({ flushed: false, msynced: true });
    expect([...readFileSync(file.path).subarray(64, 66)]).toEqual([9, 8]);
    if (binding.persistInfo().flush !== 'none') {
      expectPmem2(() => map.persist(64, 2), 'PMEM2_E_NO_ACCESS');
    }
  });
});

describe('write-only anonymous mapping (BYTE)', () => {
  it('memset and memcpy store with a drain and no flush; NODRAIN skips the drain', () => {
    const src = Source.fromAnon(MiB);
    try {
      using map = mapNew(
        new Config().setRequiredStoreGranularity(Granularity.BYTE).setProtection(WRITE),
        src,
      );
      expect(map.storeGranularity).toBe(Granularity.BYTE);
      map.memset(0, 1, 4096, MemFlags.NONTEMPORAL);
      expect(binding.lastOp()).toMatchObject({ flushed: false, drained: true, msynced: false });
      map.memcpy(8192, new Uint8Array(300).fill(2), MemFlags.NODRAIN);
      expect(binding.lastOp()).toMatchObject({ flushed: false, drained: false, msynced: false });
      expectPmem2(() => map.read(0, 1), 'PMEM2_E_NO_ACCESS');
    } finally {
      src.delete();
    }
  });
});
