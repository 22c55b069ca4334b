// crc32.test.ts -- the native CRC-32 of a mapping's range (crc32.c): zlib's crc32 exactly,
// through the bound function and the argument form, and its statuses

import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { binding, bytes, E, mapNew, mapRw, PAGE, PROT_WRITE } from './helpers.js';

const ARGS = binding.persistArgs as Float64Array;

/** The bound crc32 over (offset, length, seed) written into persistArgs. */
function boundCrc(map: ReturnType<typeof mapRw>, offset: number, length: number, seed: number) {
  ARGS.set([offset, length, seed]);
  return binding.mapPersistOps(map).crc32();
}

describe('crc32 of a mapping range (crc32.c)', () => {
  it('equals zlib.crc32 at every length across the braid, word and byte paths', () => {
    const map = mapRw(-1, 4 * PAGE);
    const view = bytes(map);
    for (let i = 0; i < view.length; i++) view[i] = (i * 2654435761) >>> 24;
    const ops = binding.mapPersistOps(map);
    for (let length = 0; length <= 700; length++) {
      for (const offset of [0, 1, 7, 4096 - 3]) {
        const seed = (length * 40503) >>> 0;
        const expected = crc32(view.subarray(offset, offset + length), seed);
        ARGS.set([offset, length, seed]);
        expect(ops.crc32()).toBe(expected);
        expect(binding.crc32(map, offset, length, seed)).toBe(expected);
      }
    }
    expect(boundCrc(map, 0, 4 * PAGE, 2 ** 32 - 1)).toBe(crc32(view, 2 ** 32 - 1));
    expect(binding.mapDelete(map)).toBe(0);
  });

  it('refuses a bad range or seed, a write-only map and a deleted one with their statuses', () => {
    const map = mapRw(-1, PAGE);
    expect(boundCrc(map, PAGE, 1, 0)).toBe(E.MAP_RANGE);
    expect(binding.crc32(map, 0, PAGE + 1, 0)).toBe(E.MAP_RANGE);
    expect(boundCrc(map, 0, 1, 2 ** 32)).toBe(-22);
    expect(binding.crc32(map, 0, 1, -1)).toBe(-22);
    const ops = binding.mapPersistOps(map);
    expect(binding.mapDelete(map)).toBe(0);
    ARGS.set([0, 1, 0]);
    expect(ops.crc32()).toBe(E.MAPPING_NOT_FOUND);
    expect(binding.crc32(map, 0, 1, 0)).toBe(E.MAPPING_NOT_FOUND);
    const writeOnly = mapNew(-1, 0n, BigInt(PAGE), PROT_WRITE, false, PAGE, null, 0n);
    if (typeof writeOnly === 'number') throw new Error(`mapNew failed with ${writeOnly}`);
    expect(boundCrc(writeOnly, 0, 1, 0)).toBe(E.NO_ACCESS);
    expect(binding.crc32(writeOnly, 0, 1, 0)).toBe(E.NO_ACCESS);
    expect(binding.mapDelete(writeOnly)).toBe(0);
  });
});
