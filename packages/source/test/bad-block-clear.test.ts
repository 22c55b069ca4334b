// bad-block-clear.test.ts -- BadBlockContext.clear on regular files: libpmem2's two fallocates
// through the optional @pmem2/native, the real libpmem2 as oracle, and the package without it

import { spawnSync } from 'node:child_process';
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { isPmem2Error } from '@pmem2/errors';
import { binding } from '@pmem2/native';
import { describe, expect, it } from 'vitest';
import { fileExtents } from '../src/file-extents.js';
import { BadBlockContext, Source } from '../src/index.js';
import {
  expectPmem2,
  openTracked,
  runWithoutNative,
  SHM,
  sourceOracle,
  tempDir,
} from './helpers.js';

const REAL = { sysfsRoot: '/' };
const BLOCK = 4096;

/** A file of `blocks` 4 KiB blocks of 0x5a, written and synced so that it has real extents. */
function allocatedFile(dir: string, name: string, blocks: number): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  writeSync(fd, Buffer.alloc(blocks * BLOCK, 0x5a));
  fsyncSync(fd);
  closeSync(fd);
  return path;
}

/** The bytes of the file that are not 0x5a, as [first, end) runs. */
function clearedRuns(path: string): Array<[number, number]> {
  const data = readFileSync(path);
  const runs: Array<[number, number]> = [];
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0x5a) continue;
    const last = runs.at(-1);
    if (last !== undefined && last[1] === i) last[1] = i + 1;
    else runs.push([i, i + 1]);
  }
  return runs;
}

describe('BadBlockContext.clear on a regular file, with @pmem2/native', () => {
  it('punches a hole over the block and allocates new blocks: zeros, same size, same allocation', () => {
    const path = allocatedFile(tempDir(), 'clear', 16);
    const fd = openTracked(path, constants.O_RDWR);
    const before = fstatSync(fd);
    const context = BadBlockContext.new(Source.fromFd(fd, REAL));
    context.clear({ offset: 4096n, length: 8192n });
    expect(clearedRuns(path)).toEqual([[4096, 12288]]);
    const after = fstatSync(fd);
    expect(after.size).toBe(before.size);
    // re-allocated by the second fallocate: a punch alone would leave 16 sectors fewer
    expect(after.blocks).toBe(before.blocks);
    const extents = fileExtents(fd, BigInt(after.size));
    const covered = extents.reduce((sum, e) => sum + e.length, 0n);
    expect(covered).toBe(16n * 4096n);
  });

  it('works on a file on no NVDIMM, as libpmem2 (the context has no bad blocks, clear still punches)', () => {
    const path = allocatedFile(tempDir(SHM), 'tmpfs-clear', 4);
    const fd = openTracked(path, constants.O_RDWR);
    const context = BadBlockContext.new(Source.fromFd(fd, REAL));
    context.clear({ offset: 0n, length: 4096n });
    expect(clearedRuns(path)).toEqual([[0, 4096]]);
  });

  it('a read-only fd → -EBADF "fallocate: Bad file descriptor"', () => {
    const path = allocatedFile(tempDir(), 'read-only', 2);
    const fd = openTracked(path, constants.O_RDONLY);
    const context = BadBlockContext.new(Source.fromFd(fd, REAL));
    const error = expectPmem2(
      () => context.clear({ offset: 0n, length: 4096n }),
      'EBADF',
      'fallocate: Bad file descriptor',
    );
    expect(error.syscall).toBe('fallocate');
    expect(error.message).toContain('punch a hole');
    expect(clearedRuns(path)).toEqual([]);
  });

  it('a zero length → -EINVAL "fallocate: Invalid argument"', () => {
    const fd = openTracked(allocatedFile(tempDir(), 'zero', 1), constants.O_RDWR);
    const context = BadBlockContext.new(Source.fromFd(fd, REAL));
    expectPmem2(
      () => context.clear({ offset: 0n, length: 0n }),
      'EINVAL',
      'fallocate: Invalid argument',
    );
  });

  it('fileExtents reads the native FIEMAP answer, kept to [0, size)', () => {
    const path = allocatedFile(tempDir(), 'extents', 4);
    const fd = openTracked(path, constants.O_RDWR);
    // 64 KiB preallocated past the end: FIEMAP of the whole file sees it, libpmem2's does not
    expect(binding.fallocate(fd, 0x01, 16384n, 65536n)).toBe(0);
    const whole = binding.fiemap(fd);
    if (typeof whole === 'number') throw new Error(`fiemap failed with ${whole}`);
    const kept = fileExtents(fd, 16384n);
    expect(kept).toEqual(whole.filter((e) => e.logical < 16384n));
    expect(whole.some((e) => e.logical >= 16384n)).toBe(true);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.every((e) => e.physical > 0n)).toBe(true);
  });
});

// --- libpmem2 ---

const oracle = sourceOracle(
  'badblock-clear-oracle',
  'BadBlockContext.clear vs libpmem2 pmem2_badblock_clear',
);

interface Outcome {
  ret: number;
  msg: string;
  blocks: number;
}

describe.runIf(oracle !== undefined)('BadBlockContext.clear matches pmem2_badblock_clear', () => {
  it.each([
    ['a block inside the file', tempDir, 4096n, 8192n],
    ['a sub-block range', tempDir, 4096n, 100n],
    ['a range past the end of the file', tempDir, 12288n, 16384n],
    ['offset 2^63', tempDir, 2n ** 63n, 1n],
    ['length 2^63', tempDir, 0n, 2n ** 63n],
    ['a zero length', tempDir, 0n, 0n],
    ['a file in /dev/shm', () => tempDir(SHM), 0n, 4096n],
  ])('%s (offset %s, length %s)', (_name, dir, offset, length) => {
    const theirs = allocatedFile(dir(), 'libpmem2', 4);
    const ours = allocatedFile(dir(), 'ours', 4);
    const result = spawnSync(oracle as string, [theirs, String(offset), String(length)], {
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    const expected = JSON.parse(result.stdout) as Outcome;

    const fd = openTracked(ours, constants.O_RDWR);
    const context = BadBlockContext.new(Source.fromFd(fd, REAL));
    let got: Outcome;
    try {
      context.clear({ offset, length });
      got = { ret: 0, msg: '', blocks: fstatSync(fd).blocks };
    } catch (error) {
      if (!isPmem2Error(error)) throw error;
      got = { ret: error.errno, msg: error.libpmem2Message, blocks: fstatSync(fd).blocks };
    }
    expect(got).toEqual(expected);
    expect(readFileSync(ours).equals(readFileSync(theirs))).toBe(true);
  });
});

// --- without @pmem2/native ---

describe('without @pmem2/native (a copy of dist that cannot resolve it)', () => {
  const hasFilefrag = spawnSync('filefrag', ['-V']).status === 0;
  if (!hasFilefrag)
    console.warn('SKIPPED: extents via filefrag without @pmem2/native — filefrag is not installed');

  it('clear → PMEM2_E_NOSUPP after the range checks, saying to install @pmem2/native', () => {
    const path = allocatedFile(tempDir(), 'no-native', 2);
    const out = runWithoutNative(`
      const src = Source.fromPath(${JSON.stringify(path)});
      const context = BadBlockContext.new(src);
      const codes = [];
      for (const block of [{ offset: 2n ** 63n, length: 1n }, { offset: 0n, length: 4096n }]) {
        try { context.clear(block); codes.push('none'); }
        catch (error) { codes.push({ code: error.code, message: error.message }); }
      }
      console.log(JSON.stringify(codes));
    `);
    const [range, nosupp] = JSON.parse(out) as Array<{ code: string; message: string }>;
    expect(range?.code).toBe('PMEM2_E_OFFSET_OUT_OF_RANGE');
    expect(nosupp?.code).toBe('PMEM2_E_NOSUPP');
    expect(nosupp?.message).toContain('@pmem2/native is not installed');
    expect(nosupp?.message).toContain('install @pmem2/native');
    expect(clearedRuns(path)).toEqual([]);
  });

  it.runIf(hasFilefrag)('fileExtents falls back to filefrag -v and reads the same extents', () => {
    const path = allocatedFile(tempDir(), 'filefrag', 4);
    const fd = openTracked(path, constants.O_RDWR);
    expect(binding.fallocate(fd, 0x03, 4096n, 4096n)).toBe(0);
    const native = fileExtents(fd, 16384n);
    const out = runWithoutNative(`
      import { openSync } from 'node:fs';
      const fd = openSync(${JSON.stringify(path)}, 'r');
      console.log(JSON.stringify(fileExtents(fd, 16384n), (_k, v) => typeof v === 'bigint' ? String(v) : v));
    `);
    const viaFilefrag = (
      JSON.parse(out) as Array<{ logical: string; physical: string; length: string }>
    ).map((e) => ({
      logical: BigInt(e.logical),
      physical: BigInt(e.physical),
      length: BigInt(e.length),
    }));
    expect(native).toHaveLength(2);
    expect(viaFilefrag).toEqual(native);
  });

  it('a filesystem without FIEMAP (tmpfs) → PMEM2_E_NOSUPP naming filefrag', () => {
    const path = allocatedFile(tempDir(SHM), 'tmpfs-extents', 1);
    const out = runWithoutNative(`
      import { openSync } from 'node:fs';
      try { fileExtents(openSync(${JSON.stringify(path)}, 'r'), 4096n); console.log('{}'); }
      catch (error) { console.log(JSON.stringify({ code: error.code, message: error.message })); }
    `);
    const error = JSON.parse(out) as { code?: string; message?: string };
    expect(error.code).toBe('PMEM2_E_NOSUPP');
    expect(error.message).toContain('filefrag');
  });
});
