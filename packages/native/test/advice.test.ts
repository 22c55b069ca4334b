// advice.test.ts -- advice.c: madvise, populate, MS_ASYNC msync, mincore and mlock check every
// bound natively and work on the page cover of the range, never outside the mapping

import { afterAll, describe, expect, it } from 'vitest';
import {
  binding,
  E,
  makeFile,
  mapNew,
  PAGE,
  PROT_READ,
  PROT_RW,
  PROT_WRITE,
  scratchDir,
} from './helpers.js';

const EINVAL = -22;
const scratch = scratchDir('/dev/shm');
afterAll(scratch.cleanup);

let files = 0;
/** A fresh sparse 4-page-and-a-bit tmpfs file mapped shared with `prot`. */
function mapFile(prot = PROT_RW, size = 4 * PAGE + 100) {
  const { fd } = makeFile(scratch.dir, `f${files++}`, size);
  const map = mapNew(fd, 0n, BigInt(size), prot, false, PAGE, null, 0n);
  if (typeof map === 'number') throw new Error(`mapNew failed with ${map}`);
  return map;
}

function residency(map: ReturnType<typeof mapFile>, offset: number, length: number): string {
  const vec = new Uint8Array(8);
  const count = binding.mincore(map, offset, length, vec);
  expect(count).toBeGreaterThanOrEqual(0);
  return [...vec].join('');
}

describe('the advice calls', () => {
  it('work on the page cover: start aligned down, end aligned up', () => {
    const map = mapFile();
    expect(binding.populate(map, PAGE - 1, 2, 0)).toBe(0); // pages 0 and 1
    expect(residency(map, 0, 4 * PAGE + 100)).toBe('11000000');
    expect(binding.mincore(map, PAGE - 1, 2, new Uint8Array(8))).toBe(2);
    binding.mapDelete(map);
  });

  it('cover the partial last page (inside the mapping) and nothing for length 0', () => {
    const map = mapFile();
    expect(binding.populate(map, 4 * PAGE + 99, 1, 1)).toBe(0);
    expect(residency(map, 0, 4 * PAGE + 100)).toBe('00001000');
    expect(binding.mincore(map, 4 * PAGE, 0, new Uint8Array(0))).toBe(0);
    expect(binding.populate(map, 3 * PAGE + 5, 0, 1)).toBe(0);
    expect(residency(map, 0, 4 * PAGE + 100)).toBe('00001000');
    binding.mapDelete(map);
  });

  it('refuse ranges past the end, non-integers and deleted maps', () => {
    const map = mapFile();
    const size = 4 * PAGE + 100;
    const vec = new Uint8Array(8);
    const calls = [
      (o: number, l: number) => binding.madvise(map, o, l, 0),
      (o: number, l: number) => binding.populate(map, o, l, 0),
      (o: number, l: number) => binding.scheduleWriteback(map, o, l),
      (o: number, l: number) => binding.mincore(map, o, l, vec),
      (o: number, l: number) => binding.mlock(map, o, l, 1),
    ];
    for (const call of calls) {
      expect(call(size - 1, 2)).toBe(E.MAP_RANGE);
      expect(call(size + 1, 0)).toBe(E.MAP_RANGE);
      expect(call(0, 1.5)).toBe(E.MAP_RANGE);
      expect(call(-1, 1)).toBe(E.MAP_RANGE);
      expect(call(2 ** 64, 1)).toBe(E.MAP_RANGE);
      expect(call(0, Number.NaN)).toBe(E.MAP_RANGE);
    }
    binding.mapDelete(map);
    for (const call of calls) expect(call(0, 1)).toBe(E.MAPPING_NOT_FOUND);
  });

  it('refuse unknown advice codes and a vector shorter than the page count', () => {
    const map = mapFile();
    for (const code of [-1, 7, 99, 2 ** 31 - 1]) {
      expect(binding.madvise(map, 0, PAGE, code as 0)).toBe(EINVAL);
    }
    expect(binding.mincore(map, 0, 2 * PAGE, new Uint8Array(1))).toBe(EINVAL);
    for (let code = 0; code <= 6; code++) {
      const st = binding.madvise(map, 0, PAGE, code as 0);
      expect(code === 5 ? [0, EINVAL] : [0], `code ${code}`).toContain(st);
    }
    binding.mapDelete(map);
  });

  it('throw TypeError for wrong argument kinds (our wrappers never pass them)', () => {
    const map = mapFile();
    expect(() => binding.madvise(map, 0, PAGE, '1' as unknown as 0)).toThrow(TypeError);
    expect(() => binding.mincore(map, 0, PAGE, null as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => binding.populate({} as typeof map, 0, PAGE, 0)).toThrow(TypeError);
    binding.mapDelete(map);
  });

  it('a read-only map populates for reading (the kernel call needs no write access)', () => {
    const map = mapFile(PROT_READ);
    expect(binding.populate(map, 0, PAGE, 0)).toBe(0);
    expect(residency(map, 0, PAGE)).toBe('10000000');
    binding.mapDelete(map);
  });

  it('refuse a populate the protection does not allow with NO_ACCESS, before the kernel', () => {
    // Linux answers MADV_POPULATE_WRITE on a read-only map with EINVAL and qemu-user with
    // success: the check is native, so every platform refuses alike
    const readOnly = mapFile(PROT_READ);
    expect(binding.populate(readOnly, 0, PAGE, 1)).toBe(E.NO_ACCESS);
    expect(binding.populate(readOnly, 0, 0, 1)).toBe(E.NO_ACCESS);
    expect(residency(readOnly, 0, PAGE)).toBe('00000000');
    binding.mapDelete(readOnly);
    const writeOnly = mapFile(PROT_WRITE);
    expect(binding.populate(writeOnly, 0, PAGE, 0)).toBe(E.NO_ACCESS);
    expect(binding.populate(writeOnly, 0, PAGE, 1)).toBe(0);
    binding.mapDelete(writeOnly);
  });
});
