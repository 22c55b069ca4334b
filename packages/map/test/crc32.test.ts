// crc32.test.ts -- Pmem2Map.crc32: equal to node:zlib's crc32 for any range and seed, its
// refusals (range, seed, protection, delete) and a lost page reported, never a SIGBUS

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { crc32 } from 'node:zlib';
import { Config, Granularity, Protection } from '@pmem2/config';
import { binding } from '@pmem2/native';
import { Source } from '@pmem2/source';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { mapNew } from '../src/index.js';
import { mapStateOf } from '../src/map-base.js';
import { expectPmem2, MiB, makeFile, openSource, PAGE, prepareConfig } from './helpers.js';

const SIZE = 4 * PAGE + 100; // an end that is not page-aligned

/** An anonymous PAGE mapping of `size` bytes (with `protection`) that disposes of its source. */
function filledMap(size: number, protection?: number) {
  const source = Source.fromAnon(size);
  const config = new Config().setRequiredStoreGranularity(Granularity.PAGE);
  if (protection !== undefined) config.setProtection(protection);
  const map = mapNew(config, source);
  return {
    map,
    [Symbol.dispose]() {
      map[Symbol.dispose]();
      source.delete();
    },
  };
}

describe('crc32 equals zlib.crc32 of the same bytes', () => {
  it('for random contents, ranges and seeds (property)', () => {
    using m = filledMap(SIZE);
    const bytes = m.map.bytes();
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 512 }),
        fc.nat(SIZE),
        fc.nat(SIZE),
        fc.nat(2 ** 32 - 1),
        (pattern, a, b, seed) => {
          for (let i = 0; i < SIZE; i += pattern.length)
            bytes.set(pattern.subarray(0, SIZE - i), i);
          const offset = Math.min(a, b);
          const length = Math.max(a, b) - offset;
          const expected = crc32(bytes.subarray(offset, offset + length), seed);
          expect(m.map.crc32(offset, length, seed)).toBe(expected);
          expect(m.map.crc32(BigInt(offset), BigInt(length), seed)).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('chains as zlib does: a range split anywhere gives the CRC of the whole', () => {
    using m = filledMap(SIZE);
    const bytes = m.map.bytes();
    for (let i = 0; i < SIZE; i++) bytes[i] = (i * 131 + 7) & 255;
    fc.assert(
      fc.property(fc.nat(SIZE), fc.nat(SIZE), fc.nat(SIZE), (x, y, z) => {
        const [from, mid, to] = [x, y, z].sort((p, q) => p - q) as [number, number, number];
        const first = m.map.crc32(from, mid - from);
        expect(m.map.crc32(mid, to - mid, first)).toBe(m.map.crc32(from, to - from));
        expect(m.map.crc32(from, to - from)).toBe(crc32(bytes.subarray(from, to)));
      }),
      { numRuns: 200 },
    );
  });

  it('an empty range returns the seed; the default seed is 0', () => {
    using m = filledMap(PAGE);
    m.map.bytes().set([9, 8, 7]);
    expect(m.map.crc32(10, 0, 12345)).toBe(12345);
    expect(m.map.crc32(PAGE, 0)).toBe(0);
    expect(m.map.crc32(0, 3)).toBe(crc32(Uint8Array.of(9, 8, 7)));
    expect(m.map.crc32(0, 3)).toBe(m.map.crc32(0, 3, 0));
  });

  it('on a file mapping, for the whole of it', () => {
    const path = makeFile('tmpfs', 2 * MiB);
    using file = openSource(path);
    using map = mapNew(prepareConfig(), file.source);
    const bytes = map.bytes();
    for (let i = 0; i < bytes.length; i += 997) bytes[i] = i & 255;
    expect(map.crc32(0, map.size, 7)).toBe(crc32(bytes, 7));
  });
});

describe('crc32 refusals', () => {
  it.each([
    ['a range past the end', PAGE - 10, 11, /offset 4086 \+ length 11 = 4097 passes the end/],
    ['an offset past the end', PAGE + 1, 0, /passes the end of the 4096-byte mapping/],
    ['a negative offset', -1, 1, /offset/],
    ['a fractional length', 0, 1.5, /length/],
    ['NaN', Number.NaN, 1, /offset/],
    ['a bigint past the end', 0n, 2n ** 64n, /length/],
  ])('%s: PMEM2_E_MAP_RANGE saying what is wrong', (_, offset, length, text) => {
    using m = filledMap(PAGE);
    const error = expectPmem2(() => m.map.crc32(offset, length), 'PMEM2_E_MAP_RANGE');
    expect(error.message).toMatch(text);
  });

  it.each([-1, 2 ** 32, 0.5, Number.NaN, '1'])('a seed of %s: EINVAL naming the seed', (seed) => {
    using m = filledMap(PAGE);
    const error = expectPmem2(() => m.map.crc32(0, 1, seed as number), 'EINVAL');
    expect(error.message).toMatch(/crc32: the seed .* is not an integer from 0 to 4294967295/);
  });

  it('a deleted map: PMEM2_E_MAPPING_NOT_FOUND', () => {
    using m = filledMap(PAGE);
    expect(m.map.crc32(0, 8)).toBe(crc32(new Uint8Array(8)));
    m.map.delete();
    const error = expectPmem2(() => m.map.crc32(0, 8), 'PMEM2_E_MAPPING_NOT_FOUND');
    expect(error.message).toMatch(/crc32: the mapping at 0x[0-9a-f]+ was deleted/);
  });

  it('a mapping without READ: PMEM2_E_NO_ACCESS, not a SIGSEGV', () => {
    using m = filledMap(PAGE, Protection.WRITE);
    const error = expectPmem2(() => m.map.crc32(0, 8), 'PMEM2_E_NO_ACCESS');
    expect(error.message).toMatch(/crc32 needs a mapping with READ protection/);
  });

  it('native code checks again: the bound call refuses what JavaScript would', () => {
    const args = binding.persistArgs;
    if (args === null) return expect(args).toBeNull(); // no cell on this runtime
    using m = filledMap(PAGE);
    const ops = binding.mapPersistOps(mapStateOf(m.map).handle);
    const E = { MAP_RANGE: -100006, EINVAL: -22 };
    for (const [offset, length, seed, status] of [
      [PAGE, 1, 0, E.MAP_RANGE],
      [0, PAGE + 1, 0, E.MAP_RANGE],
      [-1, 1, 0, E.MAP_RANGE],
      [0, 1, -1, E.EINVAL],
      [0, 1, 2 ** 32, E.EINVAL],
      [0, 1, 0.5, E.EINVAL],
    ] as const) {
      args.set([offset, length, seed]);
      expect(ops.crc32()).toBe(status);
      expect(binding.crc32(mapStateOf(m.map).handle, offset, length, seed)).toBe(status);
    }
  });
});

describe('crc32 over a lost page', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const dist = (pkg: string) =>
    JSON.stringify(
      pathToFileURL(join(import.meta.dirname, '..', '..', pkg, 'dist', 'index.js')).href,
    );

  it('a truncated file gives PMEM2_E_IO_FAIL naming the pages; the child lives', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmem2-crc-lost-'));
    dirs.push(dir);
    const path = JSON.stringify(join(dir, 'file'));
    const script = `
      import fs from 'node:fs';
      import { Config, Granularity } from ${dist('config')};
      import { Source } from ${dist('source')};
      import { mapNew } from ${dist('map')};
      fs.writeFileSync(${path}, Buffer.alloc(4 * 4096, 1));
      const src = Source.fromPath(${path});
      const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
      const before = map.crc32(8192, 4096);
      fs.truncateSync(${path}, 4096);
      const err = (f) => { try { return { crc: f() }; } catch (e) { return { code: e.code, message: e.message }; } };
      const out = { before, lost: err(() => map.crc32(4096, 8192)), kept: err(() => map.crc32(0, 4096)) };
      map.delete();
      src.delete();
      console.log(JSON.stringify(out));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect({ signal: r.signal, status: r.status, stderr: r.stderr }).toMatchObject({
      signal: null,
      status: 0,
    });
    const out = JSON.parse(r.stdout);
    expect(out.before).toBe(crc32(Buffer.alloc(4096, 1)));
    expect(out.lost.code).toBe('PMEM2_E_IO_FAIL');
    expect(out.lost.message).toContain('crc32 of the mapping');
    expect(out.lost.message).toMatch(/offset 4096, length \d+ \(truncated\)/);
    expect(out.kept).toEqual({ crc: crc32(Buffer.alloc(4096, 1)) });
  });
});
