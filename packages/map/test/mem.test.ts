// mem.test.ts -- the mem functions: PMDK's pmem2_mem_ext store table, data correctness of
// memcpy/memmove/memset, flags and bounds

import { Config, Granularity, Protection } from '@pmem2/config';
import { binding } from '@pmem2/native';
import { Source } from '@pmem2/source';
import { describe, expect, it, vi } from 'vitest';
import { MemFlags, mapNew, type Pmem2Map } from '../src/index.js';
import { expectPmem2, MiB, makeFile, openSource, prepareConfig } from './helpers.js';

const F = MemFlags;
const ALL = F.VALID_FLAGS;
const info = binding.persistInfo();
const ARCH_ROUTINES = info.memcpy !== 'generic' && info.memcpy !== 'libc';
const DEFAULT_THRESHOLD = info.movntThreshold === 256;
/**
 * Without architecture routines (aarch64 always; x86-64 with PMEM_NO_MOVNT=1) libpmem2 copies
 * with memmove_nodrain_generic: temporal stores whatever the flags, and it is also the _eadr
 * variant, called with Info.flush (persist.c pmem2_memmove_eadr), so BYTE maps flush too.
 */
const GENERIC_FLUSHES_BYTE = !ARCH_ROUTINES;

if (ARCH_ROUTINES && !DEFAULT_THRESHOLD) {
  console.warn(
    `SKIPPED: pmem2_mem_ext store table — the addon uses '${info.memcpy}' routines with threshold ${info.movntThreshold} (PMEM_MOVNT_THRESHOLD set?)`,
  );
}

/** A file mapping whose granularity PMEM2_FORCE_GRANULARITY forces (PAGE off DAX). */
function mapWith(force: 'byte' | 'cache_line' | 'page'): Pmem2Map & Disposable {
  vi.stubEnv('PMEM2_FORCE_GRANULARITY', force);
  const file = openSource(makeFile('tmpfs', 2 * MiB));
  const map = mapNew(prepareConfig(), file.source);
  const dispose = map[Symbol.dispose].bind(map);
  return Object.assign(map, {
    [Symbol.dispose]() {
      dispose();
      file[Symbol.dispose]();
    },
  });
}

// src/test/pmem2_mem_ext/TESTS.py: [flags, BYTE 128, BYTE 1024, PAGE/CL 128, PAGE/CL 1024]
const TABLE: Array<[string, number, 't' | 'nt', 't' | 'nt', 't' | 'nt', 't' | 'nt']> = [
  ['0', 0, 't', 't', 't', 'nt'],
  ['NONTEMPORAL', F.NONTEMPORAL, 'nt', 'nt', 'nt', 'nt'],
  ['TEMPORAL', F.TEMPORAL, 't', 't', 't', 't'],
  ['NONTEMPORAL|TEMPORAL', F.NONTEMPORAL | F.TEMPORAL, 'nt', 'nt', 'nt', 'nt'],
  ['WC', F.WC, 't', 't', 'nt', 'nt'],
  ['WB', F.WB, 't', 't', 't', 't'],
  ['NOFLUSH', F.NOFLUSH, 't', 't', 't', 't'],
  ['all flags', ALL, 't', 't', 't', 't'],
];

describe.runIf(!ARCH_ROUTINES || DEFAULT_THRESHOLD)(
  `pmem2_mem_ext: store type per flags, size, granularity ('${info.memcpy}' routines)`,
  () => {
    for (const force of ['byte', 'cache_line', 'page'] as const) {
      for (const [name, flags, b128, b1024, p128, p1024] of TABLE) {
        it(`${force}, flags ${name}`, () => {
          using map = mapWith(force);
          const table = force === 'byte' ? [b128, b1024] : [p128, p1024];
          const expected = ARCH_ROUTINES ? table : ['t', 't'];
          const stores = [128, 1024].map((size) => {
            map.memcpy(0, new Uint8Array(size).fill(1), flags);
            const copy = binding.lastOp().store;
            map.memset(4096, 2, size, flags);
            const set = binding.lastOp().store;
            map.memmove(8192, 0, size, flags);
            const move = binding.lastOp().store;
            return [copy, set, move];
          });
          expect(stores).toEqual(expected.map((store) => [store, store, store]));
        });
      }
    }

    it('flush and drain follow the granularity and NODRAIN / NOFLUSH', () => {
      const observe = (force: 'byte' | 'cache_line' | 'page', flags: number) => {
        using map = mapWith(force);
        map.memset(0, 1, 64, flags);
        const { flushed, drained, msynced } = binding.lastOp();
        return { flushed, drained, msynced };
      };
      expect(observe('page', 0)).toEqual({ flushed: true, drained: false, msynced: true });
      expect(observe('page', F.NOFLUSH)).toEqual({
        flushed: false,
        drained: false,
        msynced: false,
      });
      expect(observe('cache_line', 0)).toEqual({ flushed: true, drained: true, msynced: false });
      expect(observe('cache_line', F.NODRAIN)).toEqual({
        flushed: true,
        drained: false,
        msynced: false,
      });
      expect(observe('byte', 0)).toEqual({
        flushed: GENERIC_FLUSHES_BYTE,
        drained: true,
        msynced: false,
      });
      expect(observe('byte', F.NOFLUSH)).toEqual({
        flushed: false,
        drained: false,
        msynced: false,
      });
    });
  },
);

describe('memcpy / memmove / memset correctness (pmem2_memcpy, pmem2_memmove, pmem2_memset)', () => {
  const LENGTHS = [1, 7, 63, 64, 65, 255, 256, 257, 1000, 4096 + 3];

  it.each(['byte', 'cache_line', 'page'] as const)(
    'memcpy: every destination alignment 0..63 (%s)',
    (force) => {
      using map = mapWith(force);
      const source = new Uint8Array(8192).map((_, i) => (i * 13 + 5) & 0xff);
      for (let align = 0; align < 64; align++) {
        for (const length of LENGTHS) {
          const src = source.subarray(align ^ 17, (align ^ 17) + length);
          map.memcpy(65536 + align, src, align % 2 === 0 ? 0 : F.NONTEMPORAL);
          expect(Buffer.from(map.read(65536 + align, length)).equals(Buffer.from(src))).toBe(true);
        }
      }
    },
  );

  it.each([F.TEMPORAL, F.NONTEMPORAL])(
    'memmove: overlapping ranges, both directions (flags %i)',
    (flags) => {
      using map = mapWith('cache_line');
      for (const length of LENGTHS) {
        for (const shift of [1, 8, 63, 64, 300]) {
          const pattern = new Uint8Array(length + shift).map((_, i) => (i * 7 + length) & 0xff);
          map.memcpy(0, pattern);
          map.memmove(shift, 0, length, flags); // forward overlap
          expect(map.read(shift, length)).toEqual(pattern.subarray(0, length));
          map.memcpy(0, pattern);
          map.memmove(0, shift, length, flags); // backward overlap
          expect(map.read(0, length)).toEqual(pattern.subarray(shift, shift + length));
        }
      }
    },
  );

  it('memset uses the low 8 bits of the value and leaves the neighbours alone', () => {
    using map = mapWith('page');
    map.memset(0, 0x11, 300);
    map.memset(10, 0x1ab, 257, F.NONTEMPORAL);
    const bytes = map.read(0, 300);
    expect(bytes[9]).toBe(0x11);
    expect(bytes.subarray(10, 267)).toEqual(new Uint8Array(257).fill(0xab));
    expect(bytes[267]).toBe(0x11);
  });

  it('memcpy accepts any view or ArrayBuffer, including another mapping', () => {
    using a = mapWith('page');
    using b = mapWith('page');
    a.memcpy(0, new Uint32Array([0x01020304]));
    a.memcpy(4, new Uint8Array([9, 9]).buffer);
    a.memcpy(6, new DataView(new Uint8Array([7, 6, 5]).buffer, 1, 2));
    b.memcpy(100, a.bytes().subarray(0, 8));
    expect(b.read(100, 8)).toEqual(new Uint8Array([4, 3, 2, 1, 9, 9, 6, 5]));
  });

  it('zero-length calls are no-ops, even at the end', () => {
    using map = mapWith('cache_line');
    map.memcpy(map.size, new Uint8Array(0));
    map.memmove(map.size, 0, 0);
    map.memset(map.size, 1, 0);
    expect(binding.lastOp().store).toBe('none');
  });

  it('works at offsets above 4 GiB of a sparse file', () => {
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', undefined);
    const big = 5 * 1024 * MiB;
    using file = openSource(makeFile('ext4', big));
    const offset = 4 * 1024 * MiB + 123;
    using map = mapNew(prepareConfig(4 * 1024 * MiB, 0), file.source);
    expect(map.size).toBe(MiB * 1024);
    using whole = mapNew(prepareConfig(), file.source);
    whole.memcpy(offset, new Uint8Array([1, 2, 3]));
    whole.memset(offset + 3, 4, 1);
    whole.memmove(offset + 4, offset, 4);
    expect(whole.read(offset, 8)).toEqual(new Uint8Array([1, 2, 3, 4, 1, 2, 3, 4]));
    expect(map.read(123, 8)).toEqual(new Uint8Array([1, 2, 3, 4, 1, 2, 3, 4]));
  });
});

describe('mem function arguments', () => {
  it('invalid flag bits give EINVAL', () => {
    using map = mapWith('page');
    for (const flags of [64, 0x80, -1, 1.5, 2 ** 32, Number.NaN]) {
      const e = expectPmem2(() => map.memset(0, 0, 1, flags), 'EINVAL');
      expect(e.errno).toBe(-22);
    }
  });

  it('ranges past the end give PMEM2_E_MAP_RANGE and write nothing', () => {
    using map = mapWith('page');
    expectPmem2(() => map.memcpy(map.size - 1, new Uint8Array(2)), 'PMEM2_E_MAP_RANGE');
    expectPmem2(() => map.memset(map.size, 1, 1), 'PMEM2_E_MAP_RANGE');
    expectPmem2(() => map.memmove(0, map.size - 1, 2), 'PMEM2_E_MAP_RANGE');
    expectPmem2(() => map.memmove(map.size - 1, 0, 2), 'PMEM2_E_MAP_RANGE');
    expect(map.read(map.size - 2, 2)).toEqual(new Uint8Array(2));
  });

  it('a read-only mapping refuses every mem function with PMEM2_E_NO_ACCESS', () => {
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', undefined);
    using file = openSource(makeFile('ext4', MiB), 'r');
    using map = mapNew(
      new Config().setRequiredStoreGranularity(Granularity.PAGE).setProtection(Protection.READ),
      file.source,
    );
    expectPmem2(() => map.memcpy(0, new Uint8Array(1)), 'PMEM2_E_NO_ACCESS');
    expectPmem2(() => map.memmove(1, 0, 1), 'PMEM2_E_NO_ACCESS');
    expectPmem2(() => map.memset(0, 0, 1), 'PMEM2_E_NO_ACCESS');
  });

  it('anonymous maps (BYTE) copy without msync, flushing only with the generic routines', () => {
    using source = Source.fromAnon(MiB);
    using map = mapNew(prepareConfig(), source);
    map.memcpy(0, new Uint8Array(1024).fill(3));
    expect(binding.lastOp()).toMatchObject({
      flushed: GENERIC_FLUSHES_BYTE,
      msynced: false,
      drained: true,
    });
  });
});
