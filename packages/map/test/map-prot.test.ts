// map-prot.test.ts -- PMDK's pmem2_map_prot: fd mode × protection × sharing. Where C dies
// (a store to a read-only mapping, any access to PROT_NONE), @pmem2 refuses with
// PMEM2_E_NO_ACCESS instead.

import { readFileSync } from 'node:fs';
import { Config, Granularity, Protection, Sharing } from '@pmem2/config';
import { afterAll, describe, expect, it } from 'vitest';
import { mapNew } from '../src/index.js';
import {
  catchPmem2,
  expectPmem2,
  MiB,
  makeFile,
  mappingsOf,
  openSource,
  removeBackendDirs,
} from './helpers.js';

afterAll(removeBackendDirs);

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
