// crc32.test.ts -- the native CRC-32 of a mapping's range (crc32.c): zlib's crc32 exactly,
// through the bound function and the argument form, with the CPU's instructions and with the
// tables, and its statuses

import { readFileSync } from 'node:fs';
import { arch } from 'node:os';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { binding, bytes, childJson, E, mapNew, mapRw, PAGE, PROT_WRITE } from './helpers.js';

const ARGS = binding.persistArgs as Float64Array;

/** The bound crc32 over (offset, length, seed) written into persistArgs. */
function boundCrc(map: ReturnType<typeof mapRw>, offset: number, length: number, seed: number) {
  ARGS.set([offset, length, seed]);
  return binding.mapPersistOps(map).crc32();
}

/** x86-64: VPCLMULQDQ with AVX2, else PCLMULQDQ, in /proc/cpuinfo (the kernel lists AVX2
 * only where it saves the YMM state); arm64: HWCAP_CRC32 in AT_HWCAP of /proc/self/auxv
 * (what qemu-user emulates too, where /proc/cpuinfo is the host's). */
function expectedRoutine(): string {
  if (arch() === 'x64') {
    const flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '';
    const has = new Set(flags.split(/\s+/));
    if (!has.has('pclmulqdq')) return 'tables';
    return has.has('vpclmulqdq') && has.has('avx2') ? 'vpclmul' : 'pclmul';
  }
  if (arch() === 'arm64') {
    const auxv = new BigUint64Array(new Uint8Array(readFileSync('/proc/self/auxv')).buffer);
    for (let i = 0; i + 1 < auxv.length; i += 2) {
      if (auxv[i] === 16n) return ((auxv[i + 1] ?? 0n) >> 7n) & 1n ? 'armv8' : 'tables'; // AT_HWCAP
    }
  }
  return 'tables';
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

  it('equals zlib.crc32 over long ranges at every alignment of the instruction paths', () => {
    const length = 16 * PAGE;
    const map = mapRw(-1, length);
    const view = bytes(map);
    for (let i = 0; i < view.length; i++) view[i] = (i * 40503 + (i >>> 9)) >>> 3;
    // the 64-byte floor of the instructions, fold blocks of 64 and 16 bytes, the 256-byte
    // floor of the 256-bit registers, their 128-byte steps, and the tails of each
    const lengths = [63, 64, 65, 127, 128, 129, 191, 192, 255, 256, 257, 271, 272, 383, 384];
    lengths.push(385, 399, 400, 511, 512, 513, 639, 640, 4095, 4096, 4097);
    for (let k = 1; k <= 40; k++) lengths.push((k * 1597 * 7) % (length - 64));
    for (const len of lengths) {
      for (let offset = 0; offset < 16; offset += 3) {
        const seed = (len * 2654435761) >>> 0;
        expect(binding.crc32(map, offset, len, seed)).toBe(
          crc32(view.subarray(offset, offset + len), seed),
        );
      }
    }
    expect(binding.mapDelete(map)).toBe(0);
  });

  it("takes the CPU's CRC instructions where it has them, as the kernel reports them", () => {
    expect(binding.persistInfo().crc32).toBe(expectedRoutine());
  });

  it('keeps the tables under PMEM2_CRC32=tables, with the same values', () => {
    const body = `
      const map = binding.mapNew(-1, 0n, 65536n, 2 ** 30 + 2 ** 31, false, 4096, null, 0n,
        2, null, new Float64Array(6));
      const view = new Uint8Array(binding.mapBuffer(map));
      for (let i = 0; i < view.length; i++) view[i] = (i * 2654435761) >>> 24;
      const lengths = [0, 1, 63, 64, 65, 1000, 4096, 65535];
      const crcs = lengths.map((n) => binding.crc32(map, 1, n, 7));
      console.log(JSON.stringify({ routine: binding.persistInfo().crc32, crcs, lengths }));`;
    const tables = childJson<{ routine: string; crcs: number[]; lengths: number[] }>(body, {
      PMEM2_CRC32: 'tables',
    });
    expect(tables.routine).toBe('tables');
    const view = new Uint8Array(65536);
    for (let i = 0; i < view.length; i++) view[i] = (i * 2654435761) >>> 24;
    expect(tables.crcs).toEqual(tables.lengths.map((n) => crc32(view.subarray(1, 1 + n), 7)));
    const chosen = childJson<{ routine: string; crcs: number[] }>(body, { PMEM2_CRC32: 'auto' });
    expect(chosen.routine).toBe(binding.persistInfo().crc32);
    expect(chosen.crcs).toEqual(tables.crcs);
  });

  it.runIf(arch() === 'x64')(
    'keeps the 128-bit carry-less multiply under PMEM2_CRC32=pclmul, with the same values',
    () => {
      const body = `
      const map = binding.mapNew(-1, 0n, 65536n, 2 ** 30 + 2 ** 31, false, 4096, null, 0n,
        2, null, new Float64Array(6));
      const view = new Uint8Array(binding.mapBuffer(map));
      for (let i = 0; i < view.length; i++) view[i] = (i * 40503 + (i >>> 9)) >>> 3;
      const lengths = [64, 255, 256, 257, 300, 384, 1312, 4097, 20512, 65535];
      const crcs = lengths.map((n) => binding.crc32(map, 1, n, 9));
      console.log(JSON.stringify({ routine: binding.persistInfo().crc32, crcs, lengths }));`;
      const narrow = childJson<{ routine: string; crcs: number[]; lengths: number[] }>(body, {
        PMEM2_CRC32: 'pclmul',
      });
      const wide = expectedRoutine();
      expect(narrow.routine).toBe(wide === 'vpclmul' ? 'pclmul' : wide);
      const view = new Uint8Array(65536);
      for (let i = 0; i < view.length; i++) view[i] = (i * 40503 + (i >>> 9)) >>> 3;
      expect(narrow.crcs).toEqual(narrow.lengths.map((n) => crc32(view.subarray(1, 1 + n), 9)));
    },
  );

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
