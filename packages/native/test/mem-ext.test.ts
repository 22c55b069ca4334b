// mem-ext.test.ts -- the pmem2_mem_ext table: which stores, flushes and drains each call makes

import { describe, expect, it } from 'vitest';
import { BYTE, binding, CACHE_LINE, mapForced, mapRw, PAGE_GRANULARITY } from './helpers.js';

const NODRAIN = 1;
const NONTEMPORAL = 2;
const TEMPORAL = 4;
const WC = 8;
const WB = 16;
const NOFLUSH = 32;
const ALL = 63;

const x64 = binding.persistInfo().arch === 'x64';
const info = binding.persistInfo();

/**
 * src/test/pmem2_mem_ext/TESTS.py, as libpmem2.md §5.3 tabulates it:
 * [flags, BYTE 128, BYTE 1024, PAGE/CL 128, PAGE/CL 1024].
 */
const TABLE: ReadonlyArray<readonly [string, number, string, string, string, string]> = [
  ['0', 0, 't', 't', 't', 'nt'],
  ['NONTEMPORAL', NONTEMPORAL, 'nt', 'nt', 'nt', 'nt'],
  ['TEMPORAL', TEMPORAL, 't', 't', 't', 't'],
  ['NONTEMPORAL|TEMPORAL', NONTEMPORAL | TEMPORAL, 'nt', 'nt', 'nt', 'nt'],
  ['WC', WC, 't', 't', 'nt', 'nt'],
  ['WB', WB, 't', 't', 't', 't'],
  ['NOFLUSH', NOFLUSH, 't', 't', 't', 't'],
  ['all flags', ALL, 't', 't', 't', 't'],
];

const GRANULARITIES = [
  ['BYTE', BYTE],
  ['CACHE_LINE', CACHE_LINE],
  ['PAGE', PAGE_GRANULARITY],
] as const;

/** One mapping per granularity, as mapNew decides it (anonymous: BYTE; forced files otherwise). */
const MAPS = {
  [BYTE]: mapRw(-1, 16 * 4096),
  [CACHE_LINE]: mapForced(CACHE_LINE, 16 * 4096),
  [PAGE_GRANULARITY]: mapForced(PAGE_GRANULARITY, 16 * 4096),
} as const;
let map = MAPS[BYTE];
const src = new Uint8Array(4096).fill(3);

/** Runs one mem function and returns lastOp(). */
function run(
  fn: 'memcpy' | 'memmove' | 'memset',
  len: number,
  flags: number,
): ReturnType<typeof binding.lastOp> {
  const st =
    fn === 'memcpy'
      ? binding.memcpy(map, 64, src.subarray(0, len), flags)
      : fn === 'memmove'
        ? binding.memmove(map, 64, 8192, len, flags)
        : binding.memset(map, 64, 9, len, flags);
  expect(st).toBe(0);
  return binding.lastOp();
}

describe.runIf(x64 && info.memcpy !== 'generic' && info.memcpy !== 'libc')(
  'pmem2_mem_ext table',
  () => {
    for (const fn of ['memcpy', 'memmove', 'memset'] as const) {
      for (const [gname, g] of GRANULARITIES) {
        for (const [fname, flags, b128, b1024, p128, p1024] of TABLE) {
          it(`${fn} ${gname} flags=${fname}: 128 B and 1024 B stores`, () => {
            map = MAPS[g];
            const [e128, e1024] = g === BYTE ? [b128, b1024] : [p128, p1024];
            const small = run(fn, 128, flags);
            const large = run(fn, 1024, flags);
            expect(small.store).toBe(e128);
            expect(large.store).toBe(e1024);
            const noflush = (flags & NOFLUSH) !== 0;
            const nodrain = (flags & NODRAIN) !== 0;
            for (const op of [small, large]) {
              if (g === PAGE_GRANULARITY) {
                // pmem2_memmove_nonpmem: copy with flags & ~NODRAIN, msync unless NOFLUSH, no drain
                expect(op.msynced).toBe(!noflush);
                expect(op.drained).toBe(false);
              } else {
                expect(op.msynced).toBe(false);
                expect(op.drained).toBe(!noflush && !nodrain);
              }
              // BYTE uses the _eadr routines: nothing is flushed; NOFLUSH never flushes
              if (g === BYTE || noflush) expect(op.flushed).toBe(false);
              if (g !== BYTE && !noflush && op.store === 't') expect(op.flushed).toBe(true);
            }
          });
        }
      }
    }

    it('BYTE non-temporal stores are followed by an sfence (empty flush variant)', () => {
      map = MAPS[BYTE];
      expect(run('memcpy', 1024, NONTEMPORAL).ntFence).toBe(true);
    });

    it('an unaligned non-temporal copy flushes its temporal head and tail at CACHE_LINE', () => {
      map = MAPS[CACHE_LINE];
      expect(binding.memcpy(map, 65, src.subarray(0, 1000), NONTEMPORAL)).toBe(0);
      expect(binding.lastOp()).toMatchObject({ store: 'nt', flushed: true });
      expect(binding.memcpy(map, 64, src.subarray(0, 1024), NONTEMPORAL)).toBe(0);
      expect(binding.lastOp()).toMatchObject({ store: 'nt', flushed: false });
    });

    it('length 0, and memmove onto itself, store nothing', () => {
      map = MAPS[CACHE_LINE];
      expect(binding.memset(map, 0, 1, 0, 0)).toBe(0);
      expect(binding.lastOp().store).toBe('none');
      expect(binding.memmove(map, 64, 64, 512, 0)).toBe(0);
      expect(binding.lastOp().store).toBe('none');
    });
  },
);
