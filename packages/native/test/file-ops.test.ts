// file-ops.test.ts -- fallocate and fiemap: holes punched and re-allocated on ext4, refused arguments

import { execFileSync, spawnSync } from 'node:child_process';
import { fstatSync, writeSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileExtent } from '../src/index.js';
import { binding, close, E, FILESYSTEMS, makeFile, scratchDir } from './helpers.js';

const FALLOC_FL_KEEP_SIZE = 0x01;
const FALLOC_FL_PUNCH_HOLE = 0x02;
const EBADF = -constants.errno.EBADF;
const EINVAL = -constants.errno.EINVAL;
const EOPNOTSUPP = -constants.errno.EOPNOTSUPP;

const haveFilefrag = spawnSync('filefrag', ['-V']).error === undefined;
if (!haveFilefrag)
  console.warn('SKIPPED: fiemap vs filefrag -v — filefrag not found (apt-get install e2fsprogs)');

const { dir, cleanup } = scratchDir(tmpdir());
afterAll(cleanup);

/** An fd of a `size`-byte file in os.tmpdir() (ext4 here) whose every byte is written. */
function writtenFile(name: string, size: number): number {
  const { fd } = makeFile(dir, name, 0);
  writeSync(fd, Buffer.alloc(size, 0xa5));
  return fd;
}

function extentsOf(fd: number): FileExtent[] {
  const extents = binding.fiemap(fd);
  if (typeof extents === 'number') throw new Error(`fiemap failed with ${extents}`);
  return extents;
}

/** The bytes covered by the extents that overlap `[offset, offset + length)`. */
function mappedBytesIn(extents: FileExtent[], offset: bigint, length: bigint): bigint {
  let covered = 0n;
  for (const e of extents) {
    const from = e.logical > offset ? e.logical : offset;
    let to = e.logical + e.length;
    if (to > offset + length) to = offset + length;
    if (to > from) covered += to - from;
  }
  return covered;
}

describe('fiemap', () => {
  it('reports one extent per allocated run, in bytes, in file order', () => {
    const fd = writtenFile('whole', 64 * 1024);
    const extents = extentsOf(fd);
    expect(extents.length).toBeGreaterThan(0);
    expect(extents[0]?.logical).toBe(0n);
    expect(mappedBytesIn(extents, 0n, 65536n)).toBe(65536n);
    for (const e of extents) expect(e.physical).toBeGreaterThan(0n);
    close(fd);
  });

  /** A 600-block file with every other block punched out: 300 single-block extents. */
  function fragmentedFile(name: string): number {
    const fd = writtenFile(name, 600 * 4096);
    for (let b = 1; b < 600; b += 2)
      expect(
        binding.fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, BigInt(b * 4096), 4096n),
      ).toBe(0);
    return fd;
  }

  it('loops until the last extent: 300 extents are more than the 256 asked per ioctl', () => {
    const fd = fragmentedFile('fragmented');
    expect(extentsOf(fd).map((e) => [e.logical, e.length])).toEqual(
      Array.from({ length: 300 }, (_, i) => [BigInt(i * 2 * 4096), 4096n]),
    );
    close(fd);
  });

  it.runIf(haveFilefrag)('agrees with filefrag -v (e2fsprogs) on the physical offsets', () => {
    const fd = fragmentedFile('fragmented-filefrag');
    // fiemap first: its FIEMAP_FLAG_SYNC allocates the delayed blocks that filefrag (no -s)
    // would otherwise report at physical 0
    const extents = extentsOf(fd);
    const filefrag = execFileSync('filefrag', ['-v', `/proc/${process.pid}/fd/${fd}`], {
      encoding: 'utf8',
    });
    const physical = [...filefrag.matchAll(/^\s*\d+:\s*\d+\.\.\s*\d+:\s*(\d+)\.\./gm)].map(
      (m) => BigInt(m[1] as string) * 4096n,
    );
    expect(physical).toHaveLength(300);
    expect(extents.map((e) => e.physical)).toEqual(physical);
    close(fd);
  });

  it('gives [] for a file with no blocks', () => {
    const { fd } = makeFile(dir, 'sparse', 1 << 20);
    expect(binding.fiemap(fd)).toEqual([]);
    close(fd);
  });

  it('answers -EBADF for a negative or closed fd', () => {
    expect(binding.fiemap(-1)).toBe(EBADF);
    const { fd } = makeFile(dir, 'closed', 4096);
    close(fd);
    expect(binding.fiemap(fd)).toBe(EBADF);
  });

  it('answers -EOPNOTSUPP on a filesystem without FIEMAP (tmpfs)', () => {
    const shm = scratchDir(FILESYSTEMS[1].root);
    try {
      const { fd } = makeFile(shm.dir, 'tmpfs', 0);
      writeSync(fd, Buffer.alloc(4096, 1));
      expect(binding.fiemap(fd)).toBe(EOPNOTSUPP);
      close(fd);
    } finally {
      shm.cleanup();
    }
  });

  it('throws TypeError for a non-number fd', () => {
    // @ts-expect-error -- a wrong argument kind, which the TypeScript packages never pass
    expect(() => binding.fiemap('3')).toThrow(TypeError);
  });
});

describe('fallocate', () => {
  it('punches a hole (PUNCH_HOLE|KEEP_SIZE) and re-allocates it (KEEP_SIZE), as pmem2_badblock_clear', () => {
    const fd = writtenFile('clear', 64 * 1024);
    const blocksBefore = fstatSync(fd).blocks;
    expect(binding.fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 8192n, 16384n)).toBe(
      0,
    );
    expect(mappedBytesIn(extentsOf(fd), 8192n, 16384n)).toBe(0n);
    expect(fstatSync(fd).blocks).toBe(blocksBefore - 32);
    expect(fstatSync(fd).size).toBe(65536);

    expect(binding.fallocate(fd, FALLOC_FL_KEEP_SIZE, 8192n, 16384n)).toBe(0);
    expect(mappedBytesIn(extentsOf(fd), 8192n, 16384n)).toBe(16384n);
    expect(fstatSync(fd).blocks).toBe(blocksBefore);
    expect(fstatSync(fd).size).toBe(65536);
    close(fd);
  });

  it('answers -EBADF for a negative or closed fd', () => {
    expect(binding.fallocate(-1, FALLOC_FL_KEEP_SIZE, 0n, 4096n)).toBe(EBADF);
    const { fd } = makeFile(dir, 'closed-fallocate', 4096);
    close(fd);
    expect(binding.fallocate(fd, FALLOC_FL_KEEP_SIZE, 0n, 4096n)).toBe(EBADF);
  });

  it('answers -errno of the system call (-EINVAL for a zero length)', () => {
    const fd = writtenFile('zero-length', 4096);
    expect(binding.fallocate(fd, FALLOC_FL_KEEP_SIZE, 0n, 0n)).toBe(EINVAL);
    close(fd);
  });

  it('answers PMEM2_E_MAP_RANGE for a negative, oversized or above-INT64_MAX offset or length', () => {
    const fd = writtenFile('range', 4096);
    for (const bad of [-1n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n]) {
      expect(binding.fallocate(fd, FALLOC_FL_KEEP_SIZE, bad, 4096n)).toBe(E.MAP_RANGE);
      expect(binding.fallocate(fd, FALLOC_FL_KEEP_SIZE, 0n, bad)).toBe(E.MAP_RANGE);
    }
    close(fd);
  });

  it('throws TypeError for a number offset or a non-number mode', () => {
    // @ts-expect-error -- a wrong argument kind, which the TypeScript packages never pass
    expect(() => binding.fallocate(0, FALLOC_FL_KEEP_SIZE, 0, 4096n)).toThrow(TypeError);
    // @ts-expect-error -- a wrong argument kind, which the TypeScript packages never pass
    expect(() => binding.fallocate(0, 'keep', 0n, 4096n)).toThrow(TypeError);
  });
});
