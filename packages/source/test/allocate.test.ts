// allocate.test.ts -- Source.allocate: every block of the range allocated and no byte changed
// (with @pmem2/native's fallocate and with posix_fallocate's emulation without it), the
// refusals in order, and ENOSPC on a full file system

import { constants, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { quietAnswerOf, runOnSmallFileSystem, smallFileSystems } from '@pmem2/test-kit';
import { describe, expect, it } from 'vitest';
import { Source } from '../src/index.js';
import { expectPmem2, fixture, openTracked, runWithoutNative, SHM, tempDir } from './helpers.js';

/** A 64 KiB file on `dir` whose first and last 4 KiB hold 0x5a and whose middle is a hole. */
function holeyFile(dir: string): string {
  const path = join(dir, 'holey');
  writeFileSync(path, Buffer.alloc(4096, 0x5a));
  truncateSync(path, 60 * 1024);
  writeFileSync(path, Buffer.alloc(4096, 0x5a), { flag: 'a' });
  return path;
}

/** The allocated bytes of `path` and whether its bytes are the holey pattern + `grown` zeros. */
function facts(path: string, grown = 0) {
  const { size, blocks } = statSync(path);
  const bytes = readFileSync(path);
  const expected = Buffer.alloc(64 * 1024 + grown);
  expected.fill(0x5a, 0, 4096);
  expected.fill(0x5a, 60 * 1024, 64 * 1024);
  return { size, allocated: blocks * 512 >= size, unchanged: bytes.equals(expected) };
}

describe.each([
  ['tmpfs', SHM],
  ['the temp dir', undefined],
])('Source.allocate on %s', (_name, parent) => {
  it('fills the hole and grows the file; no byte changes', () => {
    const path = holeyFile(tempDir(parent));
    expect(facts(path).allocated).toBe(false);
    using src = Source.fromPath(path);
    src.allocate(0, 128 * 1024);
    expect(facts(path, 64 * 1024)).toEqual({ size: 128 * 1024, allocated: true, unchanged: true });
    src.allocate(4096n, 1n); // inside the file: the size stays
    expect(statSync(path).size).toBe(128 * 1024);
  });

  it("without @pmem2/native, posix_fallocate's emulation does the same", () => {
    const path = holeyFile(tempDir(parent));
    runWithoutNative(`
      const src = Source.fromPath(${JSON.stringify(path)});
      src.allocate(0, 128 * 1024);
      src.delete();
    `);
    expect(facts(path, 64 * 1024)).toEqual({ size: 128 * 1024, allocated: true, unchanged: true });
  });
});

describe('Source.allocate refusals', () => {
  it('anonymous, device DAX, bad ranges, past 2^63 - 1, deleted: each its own error', () => {
    expectPmem2(() => Source.fromAnon(4096).allocate(0, 1), 'PMEM2_E_FILE_DESCRIPTOR_NOT_SET');
    // /dev/null seen as device DAX through the fixture sysfs tree
    using devdax = Source.fromFd(openTracked('/dev/null', constants.O_RDWR), {
      sysfsRoot: fixture('devdax'),
    });
    const e = expectPmem2(() => devdax.allocate(0, 1), 'PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED');
    expect(e.message).toMatch(/device DAX source is allocated by its namespace/);
    const dir = tempDir();
    const path = join(dir, 'file');
    writeFileSync(path, '');
    const src = Source.fromPath(path);
    for (const [offset, length, what] of [
      [-1, 1, 'offset -1'],
      [0.5, 1, 'offset 0.5'],
      [0, 0, 'length 0'],
      [0, 2n ** 63n, `length ${2n ** 63n}`],
    ] as const) {
      const refused = expectPmem2(() => src.allocate(offset, length), 'EINVAL');
      expect(refused.message).toContain(`the ${what} is not an integer`);
    }
    const big = expectPmem2(() => src.allocate(2n ** 62n, 2n ** 62n), 'EFBIG');
    expect(big.message).toMatch(/passes 2\^63 - 1/);
    expect(statSync(path).size).toBe(0); // nothing was allocated by a refusal
    src.delete();
    expectPmem2(() => src.allocate(0, 1), 'PMEM2_E_INVALID_FILE_HANDLE');
  });
});

const SMALL = smallFileSystems('Source.allocate');

describe.each(SMALL)('Source.allocate on a full $name', (small) => {
  it.runIf(small.why === undefined)('throws ENOSPC saying the file system is full', () => {
    const index = JSON.stringify(join(import.meta.dirname, '..', 'dist', 'index.js'));
    const r = runOnSmallFileSystem(
      small,
      join(tempDir(), 'm'),
      `
      import fs from 'node:fs';
      import { Source } from ${index};
      const path = process.argv[1] + '/file';
      fs.writeFileSync(path, '');
      const src = Source.fromPath(path);
      let out;
      try { src.allocate(0, 16 << 20); out = 'allocated'; }
      catch (e) { out = { code: e.code, text: e.libpmem2Message, message: e.message, size: fs.statSync(path).size }; }
      src.delete();
      console.log(JSON.stringify(out));
    `,
    );
    const out = quietAnswerOf<{ code: string; text: string; message: string; size: number }>(r);
    expect(out).toMatchObject({ code: 'ENOSPC', text: 'fallocate: No space left on device' });
    expect(out.size).toBe(0); // the failure left the file its size
    expect(out.message).toMatch(
      /cannot allocate 16777216 bytes at offset 0 .*the file system is full/,
    );
  });
});
