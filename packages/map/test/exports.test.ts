// exports.test.ts -- the package index is the public ABI (house style R1/R19)

import { readFileSync } from 'node:fs';
import { LIBPMEM2_BASE_H, libpmem2FileOrSkip } from '@pmem2/test-kit';
import { expect, it } from 'vitest';
import * as api from '../src/index.js';

it('exports exactly mapFile, mapNew, MemFlags, Pmem2Map, VmReservation, sharing and the granularity/CPU reports', () => {
  expect(Object.keys(api).sort()).toEqual([
    'MemFlags',
    'Pmem2Map',
    'VmReservation',
    'explainGranularity',
    'forcedGranularity',
    'mapFile',
    'mapNew',
    'openSharedMap',
    'persistInfo',
    'shareMap',
  ]);
  expect(api.MemFlags).toEqual({
    NODRAIN: 1,
    NONTEMPORAL: 2,
    TEMPORAL: 4,
    WC: 8,
    WB: 16,
    NOFLUSH: 32,
    VALID_FLAGS: 0x3f,
  });
});

it('users cannot construct a Pmem2Map or a VmReservation directly', () => {
  const token = Symbol('not the internal one');
  // @ts-expect-error the constructor takes the package-internal token
  expect(() => new api.Pmem2Map(token, {})).toThrow(TypeError);
  // @ts-expect-error the constructor takes the package-internal token
  expect(() => new api.VmReservation(token, {})).toThrow(TypeError);
});

const HEADER = LIBPMEM2_BASE_H;
const HAVE_HEADER = libpmem2FileOrSkip(HEADER, `MemFlags against ${HEADER}`);

it.runIf(HAVE_HEADER)('MemFlags equal the PMEM2_F_MEM_* values of libpmem2/base.h', () => {
  const header = readFileSync(HEADER, 'utf8');
  const fromHeader: Record<string, number> = {};
  for (const [, name, shift] of header.matchAll(/#define PMEM2_F_MEM_(\w+)\s+\(1U << (\d+)\)/g)) {
    fromHeader[name as string] = 1 << Number(shift);
  }
  const { VALID_FLAGS, ...flags } = api.MemFlags;
  expect(fromHeader).toEqual(flags);
  expect(VALID_FLAGS).toBe(Object.values(fromHeader).reduce((a, b) => a | b, 0));
});
